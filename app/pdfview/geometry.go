package pdfview

import (
	"math"
	"sort"

	"dinh/meeting/pdf"
)

// Layout constants, in Fyne units.
const (
	pageGap    = 12 // between two pages
	pageMargin = 16 // around the column of pages

	// unitsPerPointAt100 is the scale shown as 100 %: a point is 1/72 inch
	// and a Fyne unit is about 1/96 inch, as a CSS pixel.
	unitsPerPointAt100 = 96.0 / 72.0

	minZoom = 0.10 // 10 %
	maxZoom = 8.00 // 800 %

	// maxDPI caps page renders: beyond it the image is stretched, which
	// costs sharpness but not memory. maxSidePixels keeps textures within
	// what every GPU accepts.
	maxDPI        = 300.0
	minDPI        = 8.0
	maxSidePixels = 4096.0
)

// defaultPageSize is A4 portrait, used until a page's real size is known.
var defaultPageSize = ptSize{595.28, 841.89}

// zoomSteps are the stops of zoom in and zoom out, as factors of 100 %.
var zoomSteps = []float64{0.10, 0.25, 0.33, 0.50, 0.67, 0.75, 0.90, 1.00, 1.10, 1.25, 1.50, 1.75, 2.00, 2.50, 3.00, 4.00, 5.00, 6.00, 8.00}

// ptSize is a page size in points.
type ptSize struct{ w, h float64 }

// geometry places the pages of a document in one vertical column. All
// results are in Fyne units relative to the top left of the column's area.
type geometry struct {
	sizes []ptSize
	scale float32 // units per point
	tops  []float32
	maxW  float64 // widest page, points
	w, h  float32 // size of the whole column with margins
}

func newGeometry(sizes []ptSize, scale float32) *geometry {
	g := &geometry{}
	g.set(sizes, scale)
	return g
}

func (g *geometry) set(sizes []ptSize, scale float32) {
	g.sizes, g.scale = sizes, scale
	g.tops = make([]float32, len(sizes))
	g.maxW = 0
	y := float32(pageMargin)
	for i, s := range sizes {
		g.tops[i] = y
		y += float32(s.h)*scale + pageGap
		g.maxW = math.Max(g.maxW, s.w)
	}
	if len(sizes) > 0 {
		y -= pageGap
	}
	g.h = y + pageMargin
	g.w = float32(g.maxW)*scale + 2*pageMargin
}

func (g *geometry) pages() int { return len(g.sizes) }

// pageSize returns the displayed size of page i.
func (g *geometry) pageSize(i int) (w, h float32) {
	s := g.sizes[i]
	return float32(s.w) * g.scale, float32(s.h) * g.scale
}

// pageX returns the left of page i when the area is areaW wide: pages are
// centred.
func (g *geometry) pageX(i int, areaW float32) float32 {
	w, _ := g.pageSize(i)
	return float32(math.Floor(float64(max(areaW, g.w)-w) / 2))
}

func (g *geometry) bottom(i int) float32 {
	_, h := g.pageSize(i)
	return g.tops[i] + h
}

// pageAt returns the first page whose bottom edge is below y, clamped to
// the document.
func (g *geometry) pageAt(y float32) int {
	n := len(g.sizes)
	if n == 0 {
		return 0
	}
	i := sort.Search(n, func(i int) bool { return g.bottom(i) > y })
	return min(i, n-1)
}

// visible returns the first and last page that overlap [y, y+h).
func (g *geometry) visible(y, h float32) (first, last int) {
	return g.pageAt(y), g.pageAt(y + h)
}

// currentPage returns the page that takes the most of the viewport
// [y, y+h), the earliest on a tie.
func (g *geometry) currentPage(y, h float32) int {
	first, last := g.visible(y, h)
	best, bestH := first, float32(-1)
	for i := first; i <= last && i < len(g.sizes); i++ {
		vis := min(g.bottom(i), y+h) - max(g.tops[i], y)
		if vis > bestH+0.5 {
			best, bestH = i, vis
		}
	}
	return best
}

// fitWidthScale is the scale at which the widest page fills viewW.
func fitWidthScale(sizes []ptSize, viewW float32) float32 {
	maxW := 0.0
	for _, s := range sizes {
		maxW = math.Max(maxW, s.w)
	}
	if maxW <= 0 || viewW <= 2*pageMargin {
		return unitsPerPointAt100
	}
	return clampScale(float32(math.Floor(float64(viewW-2*pageMargin-1))) / float32(maxW))
}

// fitPageScale is the scale at which page s fits whole in the viewport.
func fitPageScale(s ptSize, view [2]float32) float32 {
	if s.w <= 0 || s.h <= 0 || view[0] <= 2*pageMargin || view[1] <= 2*pageMargin {
		return unitsPerPointAt100
	}
	sw := (view[0] - 2*pageMargin - 1) / float32(s.w)
	sh := (view[1] - 2*pageMargin - 1) / float32(s.h)
	return clampScale(min(sw, sh))
}

func clampScale(s float32) float32 {
	lo, hi := float32(minZoom*unitsPerPointAt100), float32(maxZoom*unitsPerPointAt100)
	if !(s >= lo) { // also NaN
		return lo
	}
	return min(s, hi)
}

// zoomPercent returns the zoom shown to the user for a scale.
func zoomPercent(scale float32) int {
	return int(math.Round(float64(scale) / unitsPerPointAt100 * 100))
}

// nextZoom returns the zoom step after (dir > 0) or before (dir < 0) the
// current scale.
func nextZoom(scale float32, dir int) float32 {
	z := float64(scale) / unitsPerPointAt100
	if dir > 0 {
		for _, s := range zoomSteps {
			if s > z*1.01 {
				return float32(s * unitsPerPointAt100)
			}
		}
		return float32(maxZoom * unitsPerPointAt100)
	}
	for k := len(zoomSteps) - 1; k >= 0; k-- {
		if zoomSteps[k] < z*0.99 {
			return float32(zoomSteps[k] * unitsPerPointAt100)
		}
	}
	return float32(minZoom * unitsPerPointAt100)
}

// renderDPI returns the resolution that draws a page of size s at scale
// units per point on a canvas with canvasScale pixels per unit, capped,
// on the renderer's cache grid.
func renderDPI(s ptSize, scale, canvasScale float32) float64 {
	dpi := 72 * float64(scale) * float64(canvasScale)
	dpi = math.Min(dpi, maxDPI)
	if side := math.Max(s.w, s.h); side > 0 {
		dpi = math.Min(dpi, maxSidePixels*72/side)
	}
	dpi = math.Max(dpi, minDPI)
	return pdf.BucketDPI(dpi)
}

// thumbDPI returns the resolution of a thumbnail of page s that fits a box
// of boxW × boxH units.
func thumbDPI(s ptSize, boxW, boxH, canvasScale float32) float64 {
	if s.w <= 0 || s.h <= 0 {
		return minDPI
	}
	scale := math.Min(float64(boxW)/s.w, float64(boxH)/s.h)
	dpi := 72 * scale * float64(canvasScale)
	return pdf.BucketDPI(math.Max(math.Min(dpi, 96), 4))
}
