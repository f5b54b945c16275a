package pdf

// The MuPDF library comes from go-fitz, which bundles a static build for each
// platform and passes it to the linker. This package calls MuPDF directly
// (mupdf.c) instead of through go-fitz's API for three reasons:
//
//   - go-fitz calls several MuPDF functions outside fz_try, and an exception
//     there makes MuPDF call exit(): a PDF whose page tree says /Count -1
//     ends the process from fitz.Document.NumPage.
//   - go-fitz's ImageDPI renders with MuPDF's cache hint off and copies
//     each image twice; rendering straight into the image.RGBA's pixels is
//     2–2.5 times faster at 150 DPI (bench/render).
//   - A fz_cookie lets a cancelled context stop a render in progress.
//
// The symbols are resolved when the final binary is linked with go-fitz's
// libraries; cgo's own trial link of this package alone must tolerate them
// missing, hence the linker flag. The tests call every wrapper, so a symbol
// that the library lacks shows up there rather than in the field.

/*
#cgo CFLAGS: -I${SRCDIR}/../../internal/fitz
#cgo !darwin LDFLAGS: -Wl,--unresolved-symbols=ignore-in-object-files
#cgo darwin LDFLAGS: -Wl,-undefined,dynamic_lookup
#include <stdlib.h>
#include "dinh_mupdf.h"
*/
import "C"

import (
	"errors"
	"unsafe"

	_ "github.com/gen2brain/go-fitz" // links the bundled static MuPDF

	"dinh/internal/fitz"
)

// maxStore bounds MuPDF's resource cache (decoded images, fonts) for each
// open document.
const maxStore = 64 << 20

// corrupt reports whether a MuPDF error says something about the file
// rather than about the machine (memory) or the caller (abort).
func corrupt(e *fitz.Error) bool {
	switch e.Code {
	case C.FZ_ERROR_SYSTEM, C.FZ_ERROR_LIMIT, C.FZ_ERROR_ABORT, C.FZ_ERROR_ARGUMENT:
		return false
	}
	return true
}

var errAborted = errors.New("pdf: aborted")

// engine is one MuPDF context with one open document. It is not safe for
// concurrent use.
type engine struct {
	ctx    *C.fz_context
	doc    *C.fz_document
	cookie *C.fz_cookie
	errbuf *C.char
}

func newEngine() (*engine, error) {
	e := &engine{
		errbuf: (*C.char)(C.calloc(C.DN_ERRLEN, 1)),
		cookie: (*C.fz_cookie)(C.calloc(1, C.sizeof_fz_cookie)),
	}
	cv := C.CString(fitz.Version)
	defer C.free(unsafe.Pointer(cv))
	e.ctx = C.dn_new_context(C.size_t(maxStore), cv, e.errbuf)
	if e.ctx == nil {
		err := errors.New("pdf: " + C.GoString(e.errbuf))
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *engine) close() {
	if e.doc != nil {
		C.fz_drop_document(e.ctx, e.doc)
		e.doc = nil
	}
	if e.ctx != nil {
		C.fz_drop_context(e.ctx)
		e.ctx = nil
	}
	C.free(unsafe.Pointer(e.cookie))
	C.free(unsafe.Pointer(e.errbuf))
	e.cookie, e.errbuf = nil, nil
}

func (e *engine) fail(code C.int) error {
	return &fitz.Error{Code: int(code), Msg: C.GoString(e.errbuf)}
}

func (e *engine) open(path string) error {
	cp := C.CString(path)
	defer C.free(unsafe.Pointer(cp))
	if code := C.dn_open(e.ctx, cp, &e.doc, e.errbuf); code != 0 {
		return e.fail(code)
	}
	return nil
}

func (e *engine) needsPassword() (bool, error) {
	var v C.int
	if code := C.dn_needs_password(e.ctx, e.doc, &v, e.errbuf); code != 0 {
		return false, e.fail(code)
	}
	return v != 0, nil
}

func (e *engine) authenticate(password string) (bool, error) {
	cp := C.CString(password)
	defer C.free(unsafe.Pointer(cp))
	var v C.int
	if code := C.dn_authenticate(e.ctx, e.doc, cp, &v, e.errbuf); code != 0 {
		return false, e.fail(code)
	}
	return v != 0, nil
}

func (e *engine) countPages() (int, error) {
	var n C.int
	if code := C.dn_count_pages(e.ctx, e.doc, &n, e.errbuf); code != 0 {
		return 0, e.fail(code)
	}
	return int(n), nil
}

// bounds returns the page rectangle in MuPDF page space (points, y down).
func (e *engine) bounds(page int) (x0, y0, x1, y1 float64, err error) {
	var r C.fz_rect
	if code := C.dn_bound_page(e.ctx, e.doc, C.int(page), &r, e.errbuf); code != 0 {
		return 0, 0, 0, 0, e.fail(code)
	}
	return float64(r.x0), float64(r.y0), float64(r.x1), float64(r.y1), nil
}

// render draws the page scaled by scale into pix, which holds w×h RGBA
// pixels. abort, called from another goroutine, stops the render early and
// render returns errAborted; call resetAbort before the next operation.
func (e *engine) render(page int, scale float64, pix []byte, w, h int) error {
	code := C.dn_render(e.ctx, e.doc, C.int(page), C.float(scale),
		(*C.uchar)(unsafe.Pointer(&pix[0])), C.int(w), C.int(h), e.cookie, e.errbuf)
	if e.cookie.abort != 0 {
		return errAborted
	}
	if code != 0 {
		return e.fail(code)
	}
	return nil
}

// resetAbort clears an earlier abort before the next operation.
func (e *engine) resetAbort() {
	e.cookie.abort = 0
}

// abort asks a render or text extraction in progress on another goroutine to
// stop. MuPDF polls the flag; the unsynchronised write is how its cookie is
// meant to be used.
func (e *engine) abort() {
	e.cookie.abort = 1
}

// char is one extracted character with its box in MuPDF page space.
type char struct {
	r              rune
	block, line    int
	x0, y0, x1, y1 float32
}

// text extracts the characters of a page in reading order.
func (e *engine) text(page int) ([]char, error) {
	var (
		out *C.dn_char
		n   C.int
		b   C.fz_rect
	)
	code := C.dn_text(e.ctx, e.doc, C.int(page), e.cookie, &out, &n, &b, e.errbuf)
	if e.cookie.abort != 0 {
		C.free(unsafe.Pointer(out))
		return nil, errAborted
	}
	if code != 0 {
		return nil, e.fail(code)
	}
	if out == nil || n == 0 {
		C.free(unsafe.Pointer(out))
		return nil, nil
	}
	defer C.free(unsafe.Pointer(out))
	src := unsafe.Slice(out, int(n))
	chars := make([]char, len(src))
	for i, c := range src {
		chars[i] = char{
			r:     rune(c.c),
			block: int(c.block),
			line:  int(c.line),
			x0:    float32(c.x0 - b.x0),
			y0:    float32(c.y0 - b.y0),
			x1:    float32(c.x1 - b.x0),
			y1:    float32(c.y1 - b.y0),
		}
	}
	return chars, nil
}
