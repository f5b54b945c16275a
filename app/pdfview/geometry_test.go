package pdfview

import (
	"math"
	"testing"
)

func TestGeometry(t *testing.T) {
	a4 := ptSize{600, 800}
	g := newGeometry([]ptSize{a4, a4, {800, 600}}, 0.5)
	// 300 × 400 pages, a 400 × 300 one.
	if got, want := g.tops, []float32{16, 16 + 400 + 12, 16 + 2*(400+12)}; !equalF(got, want) {
		t.Fatalf("tops: got %v, want %v", got, want)
	}
	if got, want := g.h, float32(16+400+12+400+12+300+16); got != want {
		t.Errorf("height: got %v, want %v", got, want)
	}
	if got, want := g.w, float32(400+32); got != want {
		t.Errorf("width: got %v, want %v", got, want)
	}
	if got, want := g.pageX(0, 1000), float32(350); got != want {
		t.Errorf("pageX centred: got %v, want %v", got, want)
	}
	for _, c := range []struct {
		y    float32
		want int
	}{{0, 0}, {415, 0}, {417, 1}, {2000, 2}, {-50, 0}} {
		if got := g.pageAt(c.y); got != c.want {
			t.Errorf("pageAt(%v): got %d, want %d", c.y, got, c.want)
		}
	}
	for _, c := range []struct {
		y, h float32
		want int
	}{
		{0, 300, 0},   // only page 1 visible
		{300, 300, 1}, // 116 of page 1, 184 of page 2
		{0, 2000, 0},  // all visible: the first
		{416, 400, 1}, // page 2 from its top
	} {
		if got := g.currentPage(c.y, c.h); got != c.want {
			t.Errorf("currentPage(%v, %v): got %d, want %d", c.y, c.h, got, c.want)
		}
	}
}

func TestFitAndZoomScales(t *testing.T) {
	sizes := []ptSize{{600, 800}, {300, 400}}
	if got, want := fitWidthScale(sizes, 632+1), float32(1); got != want {
		t.Errorf("fit width: got %v, want %v", got, want)
	}
	if got, want := fitPageScale(ptSize{600, 800}, [2]float32{2000, 432 + 1}), float32(0.5); got != want {
		t.Errorf("fit page: got %v, want %v", got, want)
	}
	if got := fitWidthScale(nil, 500); got != unitsPerPointAt100 {
		t.Errorf("fit width of nothing: got %v", got)
	}
	if got := fitWidthScale(sizes, 1e9); got != float32(maxZoom*unitsPerPointAt100) {
		t.Errorf("fit width is capped: got %v", got)
	}
	if got, want := zoomPercent(unitsPerPointAt100), 100; got != want {
		t.Errorf("zoomPercent: got %d, want %d", got, want)
	}
	s := float32(unitsPerPointAt100)
	if got, want := zoomPercent(nextZoom(s, 1)), 110; got != want {
		t.Errorf("zoom in from 100: got %d, want %d", got, want)
	}
	if got, want := zoomPercent(nextZoom(s, -1)), 90; got != want {
		t.Errorf("zoom out from 100: got %d, want %d", got, want)
	}
	if got, want := zoomPercent(nextZoom(float32(1.05*unitsPerPointAt100), 1)), 110; got != want {
		t.Errorf("zoom in from 105: got %d, want %d", got, want)
	}
	if got := clampScale(float32(math.NaN())); got != float32(minZoom*unitsPerPointAt100) {
		t.Errorf("clampScale(NaN): got %v", got)
	}
}

func TestRenderDPI(t *testing.T) {
	a4 := ptSize{595, 842}
	for _, c := range []struct {
		name      string
		scale, cs float32
		lo, hi    float64
	}{
		{"100% at scale 1 is 96 dpi", unitsPerPointAt100, 1, 94, 98},
		{"100% on a hidpi screen", unitsPerPointAt100, 2, 188, 196},
		{"800% is capped", 8 * unitsPerPointAt100, 1, 280, maxDPI * 1.03},
		{"10% has a floor", 0.01, 1, minDPI * 0.97, minDPI * 1.03},
	} {
		if got := renderDPI(a4, c.scale, c.cs); got < c.lo || got > c.hi {
			t.Errorf("%s: got %v, want in [%v, %v]", c.name, got, c.lo, c.hi)
		}
	}
	poster := ptSize{2384, 3370} // A0
	if got := renderDPI(poster, 4, 1); got*poster.h/72 > maxSidePixels*1.03 {
		t.Errorf("A0 at 300%%: %v dpi makes %v pixels, want at most about %v", got, got*poster.h/72, maxSidePixels)
	}
	if got := thumbDPI(a4, thumbBoxW, thumbBoxH, 1); got > 20 {
		t.Errorf("thumbnail dpi: got %v, want a low resolution", got)
	}
}

func equalF(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-3 {
			return false
		}
	}
	return true
}
