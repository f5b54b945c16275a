// Package pdf renders, extracts text from and searches PDF documents with
// MuPDF, for the meeting viewer. It has no Fyne and no network code.
//
// API summary (pages are 0-based; sizes and rectangles are in points, 1/72
// inch, origin at the page's top left, y down):
//
//	d, err := pdf.Open(path)               // errors.Is(err, pdf.ErrCorrupt / pdf.ErrPassword)
//	d, err := pdf.OpenPassword(path, pw)   // encrypted file
//	d.NumPages() int
//	d.PageSize(i) (wPt, hPt float64, err error)
//	d.PixelSize(i, dpi) (w, h int, err error)
//	d.Render(i, dpi) (*image.RGBA, error)  // white background, bounds at (0,0)
//	d.Text(i) (string, error)
//	d.Search(i, query) ([]pdf.Rect, error) // case- and diacritic-insensitive
//	d.Close() error
//
//	r, err := pdf.NewRenderer(path, workers, pdf.WithCacheBytes(n))
//	r.NumPages() int
//	r.PageSize(i) (wPt, hPt float64, err error)
//	r.Render(ctx, i, dpi) (*image.RGBA, error) // cached, newest first, cancellable; do not modify the image
//	r.Search(ctx, query) ([]pdf.Hit, error)   // whole document, Hit{Page, Rects} per occurrence
//	r.Close() error
//	pdf.BucketDPI(dpi) float64                 // the DPI the Renderer really renders at
//
// A Document runs one MuPDF call at a time; the Renderer keeps one Document
// per worker so that pages render in parallel. A viewer should use the
// Renderer, ask for the visible pages with a context it cancels when they
// scroll away, and draw the returned *image.RGBA directly: encoding it to
// PNG costs many times the render (about 3 ms a page at 150 DPI).
//
// Search matches case-insensitively and ignores Vietnamese diacritics: "ngan
// sach" finds "Ngân sách", "dau tu" finds "đầu tư". The rectangles come from
// MuPDF's character quads, so highlights sit on the words. A scanned page
// without a text layer has no hits.
//
// Robustness: Open reads the file header before MuPDF sees it, and every
// MuPDF call runs inside fz_try, so an empty, truncated, random or
// otherwise malformed file gives ErrCorrupt instead of a crash. Renders are
// bounded by MaxPixels.
//
// MuPDF is AGPL-3.0-or-later; it is linked from the static build bundled
// by github.com/gen2brain/go-fitz (see mupdf.go and mupdf.h). The package
// needs cgo.
package pdf
