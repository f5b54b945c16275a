package photo

// MuPDF comes from go-fitz, which bundles a static build for each platform
// and passes it to the linker, as for meeting/pdf. This package calls MuPDF
// directly (mupdf.c) rather than through go-fitz's API: go-fitz has no way
// to decode an image at a reduced size, and it calls MuPDF outside fz_try,
// where an exception makes MuPDF call exit().
//
// The C is built with -O3, at which GCC vectorises the resampler and the
// pixel copies in mupdf.c (it does not at cgo's default -O2).
//
// The symbols are resolved when the final binary is linked with go-fitz's
// libraries; cgo's own trial link of this package alone must tolerate them
// missing, hence the linker flag. The tests call every wrapper, so a symbol
// that the library lacks shows up there rather than in the field.

/*
#cgo CFLAGS: -O3
#cgo CFLAGS: -I${SRCDIR}/../../internal/fitz
#cgo !darwin LDFLAGS: -Wl,--unresolved-symbols=ignore-in-object-files
#cgo darwin LDFLAGS: -Wl,-undefined,dynamic_lookup
#include <stdlib.h>
#include "dinh_mupdf.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"

	_ "github.com/gen2brain/go-fitz" // links the bundled static MuPDF

	"dinh/internal/fitz"
)

// maxStore bounds MuPDF's resource cache for each context. A context lives
// for one photo, so the cache only holds colour-conversion links and,
// when it fits, the decoded image, which is dropped at the end anyway.
const maxStore = 16 << 20

// classify wraps a MuPDF error in the sentinel that says what it means for
// the user: out of memory is not the file's fault, a limit hit inside the
// decoder means the image is too big, anything else means it is damaged.
func classify(err error) error {
	var me *fitz.Error
	if !errors.As(err, &me) {
		return err
	}
	switch me.Code {
	case C.FZ_ERROR_SYSTEM:
		return fmt.Errorf("photo: %w", err)
	case C.FZ_ERROR_LIMIT:
		return fmt.Errorf("%w: %w", ErrTooManyPixels, err)
	}
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}

// engine is one MuPDF context. It is not safe for concurrent use: each
// Prepare creates its own, which costs about 0.3 ms (BenchmarkNewEngine)
// against 150 ms or more for a photo, and drops it at the end, so nothing
// is shared between goroutines and nothing stays allocated in between.
type engine struct {
	ctx    *C.fz_context
	errbuf *C.char
}

func newEngine() (*engine, error) { return newEngineVersion(fitz.Version) }

// newEngineVersion creates a context for the given MuPDF version, which
// must be the linked library's.
func newEngineVersion(version string) (*engine, error) {
	e := &engine{errbuf: (*C.char)(C.calloc(C.DNPH_ERRLEN, 1))}
	cv := C.CString(version)
	defer C.free(unsafe.Pointer(cv))
	e.ctx = C.dinh_fz_new_context(C.size_t(maxStore), cv, e.errbuf)
	if e.ctx == nil {
		err := errors.New("photo: " + C.GoString(e.errbuf))
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *engine) close() {
	if e.ctx != nil {
		C.fz_drop_context(e.ctx)
		e.ctx = nil
	}
	C.free(unsafe.Pointer(e.errbuf))
	e.errbuf = nil
}

func (e *engine) fail(code C.int) error {
	return &fitz.Error{Code: int(code), Msg: C.GoString(e.errbuf)}
}

// imageInfo is what MuPDF reads from an image's header.
type imageInfo struct {
	w, h, n     int
	orientation int // MuPDF's code, see exifOrientation
}

// open reads the header of the image in data (copied into C memory).
func (e *engine) open(data []byte) (*C.fz_image, imageInfo, error) {
	var (
		img  *C.fz_image
		info C.dnph_info
	)
	code := C.dnph_open(e.ctx, (*C.uchar)(unsafe.Pointer(unsafe.SliceData(data))), C.size_t(len(data)),
		&img, &info, e.errbuf)
	if code != 0 {
		return nil, imageInfo{}, e.fail(code)
	}
	return img, imageInfo{w: int(info.w), h: int(info.h), n: int(info.n), orientation: int(info.orientation)}, nil
}

func (e *engine) dropImage(img *C.fz_image) { C.fz_drop_image(e.ctx, img) }

func (e *engine) dropPixmap(pix *C.fz_pixmap) { C.fz_drop_pixmap(e.ctx, pix) }

// decode decodes img, letting the decoder reduce it to no less than
// reqw+2 × reqh+2 pixels when both are positive, and scales the result to
// exactly w × h gray or RGB pixels without alpha. decW × decH is what the
// decoder produced before scaling.
func (e *engine) decode(img *C.fz_image, reqw, reqh, w, h int) (pix *C.fz_pixmap, decW, decH int, err error) {
	var dw, dh C.int
	code := C.dnph_decode(e.ctx, img, C.int(reqw), C.int(reqh), C.int(w), C.int(h), &dw, &dh, &pix, e.errbuf)
	if code != 0 {
		return nil, 0, 0, e.fail(code)
	}
	return pix, int(dw), int(dh), nil
}

// export copies pix, turned upright for the Exif orientation exif (1–8),
// into a new Go image ready for encodeBaseline: *image.Gray for a gray
// pixmap, *image.YCbCr with 4:2:0 chroma for RGB.
func (e *engine) export(pix *C.fz_pixmap, exif int) (image.Image, error) {
	w, h, n := e.size(pix)
	if exif >= 5 {
		w, h = h, w
	}
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("%w: decoded to %d×%d", ErrCorrupt, w, h)
	}
	r := image.Rect(0, 0, w, h)
	switch n {
	case 1:
		img := image.NewGray(r)
		C.dnph_export_gray(e.ctx, pix, C.int(exif), (*C.uchar)(&img.Pix[0]), C.int(img.Stride))
		return img, nil
	case 3:
		img := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
		C.dnph_export_ycc(e.ctx, pix, C.int(exif), (*C.uchar)(&img.Y[0]), C.int(img.YStride),
			(*C.uchar)(&img.Cb[0]), (*C.uchar)(&img.Cr[0]), C.int(img.CStride))
		return img, nil
	}
	return nil, fmt.Errorf("%w: decoded to %d components", ErrCorrupt, n)
}

// size returns the pixel size and components of pix.
func (e *engine) size(pix *C.fz_pixmap) (w, h, n int) {
	var cw, ch, cn C.int
	C.dnph_size(e.ctx, pix, &cw, &ch, &cn)
	return int(cw), int(ch), int(cn)
}

// encodeMuPDF compresses pix as a JPEG of the given quality with MuPDF's
// writer (progressive, no chroma subsampling). Only BenchmarkEncode uses
// it, to compare with encodeBaseline.
func (e *engine) encodeMuPDF(pix *C.fz_pixmap, quality int) ([]byte, error) {
	var (
		buf  *C.fz_buffer
		data *C.uchar
		n    C.size_t
	)
	if code := C.dnph_encode(e.ctx, pix, C.int(quality), &buf, &data, &n, e.errbuf); code != 0 {
		return nil, e.fail(code)
	}
	defer C.fz_drop_buffer(e.ctx, buf)
	out := make([]byte, int(n))
	copy(out, unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)))
	return out, nil
}

// exifOrientation converts MuPDF's orientation code (fz_image_orientation)
// to the Exif Orientation value it was read from: MuPDF numbers them by
// counter-clockwise rotation, Exif by the corner where row 0 starts.
func exifOrientation(mupdf int) int {
	switch mupdf {
	case 2:
		return 8
	case 3:
		return 3
	case 4:
		return 6
	case 5:
		return 2
	case 6:
		return 5
	case 7:
		return 4
	case 8:
		return 7
	}
	return 1
}
