package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"strings"
	"sync"

	"dinh/internal/fitz"
)

// Errors returned by this package. Open wraps ErrPassword and ErrCorrupt
// together with the path; test them with errors.Is.
var (
	ErrPassword  = errors.New("pdf: document is password-protected")
	ErrCorrupt   = errors.New("pdf: document is damaged or not a pdf")
	ErrClosed    = errors.New("pdf: document is closed")
	ErrPageRange = errors.New("pdf: page out of range")
	ErrTooLarge  = errors.New("pdf: rendered page would be too large")
)

// MaxPixels bounds the size of one rendered page image (width × height).
// 64 megapixels is an A0 poster at about 200 DPI, 256 MB of RGBA.
const MaxPixels = 64 << 20

// Rect is a rectangle in points (1/72 inch) with the origin at the top left
// of the page and y growing downwards.
type Rect struct{ X, Y, W, H float64 }

// Document is an open PDF file. Its methods may be called from any
// goroutine, but MuPDF runs one call at a time per Document: give each
// goroutine that renders in parallel its own Document (see Renderer).
type Document struct {
	mu    sync.Mutex
	e     *engine // nil once closed
	path  string
	pages int
	boxes []pageBox // page rectangles, filled on first use
}

type pageBox struct {
	x0, y0, x1, y1 float64
	ok             bool
}

// Open opens the PDF file at path. A file that is not a PDF, is damaged
// beyond repair or has no pages gives an error wrapping ErrCorrupt; a file
// that needs a password gives one wrapping ErrPassword. Neither ever crashes
// the process.
func Open(path string) (*Document, error) {
	return OpenPassword(path, "")
}

// OpenPassword is Open for an encrypted file. A wrong password gives an
// error wrapping ErrPassword.
func OpenPassword(path, password string) (*Document, error) {
	if err := sniff(path); err != nil {
		return nil, err
	}
	e, err := newEngine()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d := &Document{e: e, path: path}
	if err := d.init(password); err != nil {
		e.close()
		return nil, err
	}
	return d, nil
}

// sniff rejects files that are not PDFs before MuPDF sees them: MuPDF also
// opens images, EPUB and XPS, and tries to repair anything.
func sniff(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if st.IsDir() {
		return fmt.Errorf("open %s: %w: is a directory", path, ErrCorrupt)
	}
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("pdf: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("open %s: %w: empty file", path, ErrCorrupt)
	}
	// Readers accept the header anywhere in the first 1024 bytes.
	if !bytes.Contains(head[:n], []byte("%PDF-")) {
		return fmt.Errorf("open %s: %w: no %%PDF header", path, ErrCorrupt)
	}
	return nil
}

func (d *Document) init(password string) error {
	e := d.e
	if err := e.open(d.path); err != nil {
		return d.openErr(err)
	}
	locked, err := e.needsPassword()
	if err != nil {
		return d.openErr(err)
	}
	if locked {
		if password == "" {
			return fmt.Errorf("open %s: %w", d.path, ErrPassword)
		}
		ok, err := e.authenticate(password)
		if err != nil {
			return d.openErr(err)
		}
		if !ok {
			return fmt.Errorf("open %s: %w: wrong password", d.path, ErrPassword)
		}
	}
	n, err := e.countPages()
	if err != nil {
		return d.openErr(err)
	}
	if n <= 0 {
		return fmt.Errorf("open %s: %w: no pages", d.path, ErrCorrupt)
	}
	d.pages = n
	d.boxes = make([]pageBox, n)
	x0, y0, x1, y1, err := d.boundsLocked(0)
	if err != nil {
		return d.openErr(err)
	}
	if !(x1-x0 >= 1 && y1-y0 >= 1) {
		return fmt.Errorf("open %s: %w: empty first page", d.path, ErrCorrupt)
	}
	return nil
}

// Check reports whether the file at path is a PDF that a delegate can
// read: MuPDF opens it without a password and every page loads with a
// size. It returns the number of pages. A host checks each document with
// it before publishing, so that a truncated or wrong file is refused by
// name instead of reaching the delegates.
func Check(path string) (int, error) {
	d, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	for i := range d.NumPages() {
		w, h, err := d.PageSize(i)
		if err != nil {
			return 0, fmt.Errorf("check %s: %w", path, err)
		}
		if !(w >= 1 && h >= 1) {
			return 0, fmt.Errorf("check %s: %w: page %d has no size", path, ErrCorrupt, i+1)
		}
	}
	return d.NumPages(), nil
}

func (d *Document) openErr(err error) error {
	var me *fitz.Error
	if errors.As(err, &me) && !corrupt(me) {
		return fmt.Errorf("open %s: %w", d.path, err)
	}
	return fmt.Errorf("open %s: %w: %w", d.path, ErrCorrupt, err)
}

// pageErr wraps an error from a page operation, marking damage as
// ErrCorrupt.
func pageErr(op string, page int, err error) error {
	var me *fitz.Error
	if errors.As(err, &me) && corrupt(me) {
		return fmt.Errorf("pdf: %s page %d: %w: %w", op, page, ErrCorrupt, err)
	}
	return fmt.Errorf("pdf: %s page %d: %w", op, page, err)
}

// Path returns the file the document was opened from.
func (d *Document) Path() string { return d.path }

// NumPages returns the number of pages, at least 1.
func (d *Document) NumPages() int { return d.pages }

func (d *Document) check(i int) error {
	if d.e == nil {
		return ErrClosed
	}
	if i < 0 || i >= d.pages {
		return fmt.Errorf("%w: page %d of %d", ErrPageRange, i, d.pages)
	}
	return nil
}

func (d *Document) boundsLocked(i int) (x0, y0, x1, y1 float64, err error) {
	if b := d.boxes[i]; b.ok {
		return b.x0, b.y0, b.x1, b.y1, nil
	}
	x0, y0, x1, y1, err = d.e.bounds(i)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	d.boxes[i] = pageBox{x0, y0, x1, y1, true}
	return x0, y0, x1, y1, nil
}

// PageSize returns the size of page i (0-based) in points, as displayed:
// rotation is already applied.
func (d *Document) PageSize(i int) (wPt, hPt float64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(i); err != nil {
		return 0, 0, err
	}
	x0, y0, x1, y1, err := d.boundsLocked(i)
	if err != nil {
		return 0, 0, pageErr("size of", i, err)
	}
	return x1 - x0, y1 - y0, nil
}

// Render draws page i (0-based) at dpi dots per inch on a white background.
// The image's bounds start at (0, 0).
func (d *Document) Render(i int, dpi float64) (*image.RGBA, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.e == nil {
		return nil, ErrClosed
	}
	d.e.resetAbort()
	return d.renderLocked(i, dpi)
}

// PixelSize returns the size of the image Render produces for page i at dpi.
func (d *Document) PixelSize(i int, dpi float64) (w, h int, err error) {
	wPt, hPt, err := d.PageSize(i)
	if err != nil {
		return 0, 0, err
	}
	w, h = pixelSize(wPt, hPt, dpi)
	return w, h, nil
}

func pixelSize(wPt, hPt, dpi float64) (w, h int) {
	s := dpi / 72
	// As fz_round_rect: a sliver under 0.001 px does not add a pixel.
	w = int(math.Ceil(wPt*s - 0.001))
	h = int(math.Ceil(hPt*s - 0.001))
	return max(w, 1), max(h, 1)
}

// renderLocked renders without resetting the abort flag; d.mu is held.
func (d *Document) renderLocked(i int, dpi float64) (*image.RGBA, error) {
	if err := d.check(i); err != nil {
		return nil, err
	}
	if !(dpi > 0) || math.IsInf(dpi, 0) {
		return nil, fmt.Errorf("pdf: render page %d: invalid dpi %g", i, dpi)
	}
	x0, y0, x1, y1, err := d.boundsLocked(i)
	if err != nil {
		return nil, pageErr("render", i, err)
	}
	w, h := pixelSize(x1-x0, y1-y0, dpi)
	if int64(w)*int64(h) > MaxPixels {
		return nil, fmt.Errorf("pdf: render page %d at %g dpi: %w (%d×%d pixels)", i, dpi, ErrTooLarge, w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if err := d.e.render(i, dpi/72, img.Pix, w, h); err != nil {
		if errors.Is(err, errAborted) {
			return nil, err
		}
		return nil, pageErr("render", i, err)
	}
	return img, nil
}

// Text returns the text of page i (0-based) in reading order: one line of
// the page per line, with a blank line between blocks.
func (d *Document) Text(i int) (string, error) {
	chars, err := d.chars(i)
	if err != nil {
		return "", err
	}
	return plainText(chars), nil
}

func (d *Document) chars(i int) ([]char, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(i); err != nil {
		return nil, err
	}
	d.e.resetAbort()
	return d.charsLocked(i)
}

func (d *Document) charsLocked(i int) ([]char, error) {
	chars, err := d.e.text(i)
	if err != nil {
		if errors.Is(err, errAborted) {
			return nil, err
		}
		return nil, pageErr("extract text of", i, err)
	}
	return chars, nil
}

func plainText(chars []char) string {
	var b strings.Builder
	for k, c := range chars {
		if k > 0 {
			prev := chars[k-1]
			if c.block != prev.block {
				b.WriteString("\n\n")
			} else if c.line != prev.line {
				b.WriteByte('\n')
			}
		}
		b.WriteRune(c.r)
	}
	return b.String()
}

// Search returns the places on page i (0-based) where query occurs,
// ignoring case and Vietnamese diacritics: "ngan sach" finds "Ngân sách",
// and "d" matches "đ". A match that continues on the next line gives one
// rectangle per line. An empty query finds nothing.
func (d *Document) Search(i int, query string) ([]Rect, error) {
	q := foldQuery(query)
	if len(q) == 0 {
		return nil, nil
	}
	chars, err := d.chars(i)
	if err != nil {
		return nil, err
	}
	return searchChars(chars, q), nil
}

// Close releases the document. It is safe to call more than once.
func (d *Document) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.e != nil {
		d.e.close()
		d.e = nil
	}
	return nil
}

// sumDPI is the resolution PageSum draws a page at: enough to see a
// changed word, cheap enough for every noted page of a new version.
const sumDPI = 36

// PageSum returns a fingerprint of what page i (0-based) shows: its size,
// its text and its drawing at a low resolution. Two versions of a
// document give a page the same sum when it looks the same, so a note on
// it can be told whether its page changed.
func (d *Document) PageSum(i int) (string, error) {
	w, h, err := d.PageSize(i)
	if err != nil {
		return "", err
	}
	text, err := d.Text(i)
	if err != nil {
		return "", err
	}
	img, err := d.Render(i, sumDPI)
	if err != nil {
		return "", err
	}
	s := sha256.New()
	fmt.Fprintf(s, "%.2f×%.2f\n%d\n%s\n", w, h, len(text), text)
	s.Write(img.Pix)
	return hex.EncodeToString(s.Sum(nil)[:16]), nil
}
