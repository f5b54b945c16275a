package pdfview

import (
	"context"
	"image"

	"dinh/meeting/pdf"
)

// Source is what the viewer needs from a document. *pdf.Renderer
// implements it. Every method except NumPages may block, so the viewer
// only calls them from its own goroutines.
type Source interface {
	// NumPages returns the number of pages; it must not block.
	NumPages() int
	// PageSize returns the size of page i (0-based) in points.
	PageSize(i int) (wPt, hPt float64, err error)
	// Render draws page i at dpi and returns early with ctx.Err() when ctx
	// is done. The image is shared: the viewer never modifies it.
	Render(ctx context.Context, i int, dpi float64) (*image.RGBA, error)
	// Search finds query in every page, in page order.
	Search(ctx context.Context, query string) ([]pdf.Hit, error)
	// Close releases the document.
	Close() error
}

var _ Source = (*pdf.Renderer)(nil)
