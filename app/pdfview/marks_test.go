package pdfview

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"

	"dinh/meeting/pdf"
)

// drag moves the mouse over the page area from (in the area) by (dx, dy)
// in four steps and lets go, with the events the desktop driver sends: the
// pointer's place now, and how far it moved since the last event. (Fyne's
// test.Drag sends one event with the start and the whole way.)
func drag(f *fixture, from fyne.Position, dx, dy float32) {
	const steps = 4
	pos := from
	for range steps {
		d := fyne.Delta{DX: dx / steps, DY: dy / steps}
		pos = pos.Add(d)
		f.v.area.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: pos}, Dragged: d})
	}
	f.v.area.DragEnd()
	f.q.Drain()
}

// TestMarking: with marking on, a drag over a page draws a highlight
// there, in the page's points, and leaves the document where it was; with
// it off, the same drag moves the document. The highlights given back are
// drawn on their page.
func TestMarking(t *testing.T) {
	f := open(t, 3, fyne.NewSize(700, 600), nil)
	v := f.v
	v.SetFit(FitNone)
	f.q.Drain()
	var got []pdf.Rect
	var pages []int
	v.OnMarked = func(page int, r pdf.Rect) { pages, got = append(pages, page), append(got, r) }

	// Where page 1's point (100, 150) is in the page area.
	s := v.geom.scale
	at := fyne.NewPos(v.geom.pageX(0, v.area.Size().Width)+100*s, v.geom.tops[0]+150*s)

	v.SetMarking(true)
	before := v.scroll.Offset
	drag(f, at, 200*s, 30*s)
	if v.scroll.Offset != before {
		t.Fatalf("a drag while marking moved the document from %v to %v", before, v.scroll.Offset)
	}
	if len(got) != 1 || pages[0] != 0 {
		t.Fatalf("marked %v on pages %v, want one highlight on page 1", got, pages)
	}
	r := got[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"x", r.X, 100}, {"y", r.Y, 150}, {"width", r.W, 200}, {"height", r.H, 30}} {
		if math.Abs(c.got-c.want) > 1 {
			t.Errorf("highlight %s is %.1f points, want %.0f", c.name, c.got, c.want)
		}
	}

	// A click draws nothing.
	drag(f, at, 2, 2)
	if len(got) != 1 {
		t.Fatalf("a slip of the hand made a highlight: %v", got[1:])
	}

	v.SetMarks(map[int][]pdf.Rect{0: {r}})
	f.q.Drain()
	pv := v.views[0]
	if len(pv.hits) != 1 || pv.hits[0].style != styleMark || pv.hl[0].FillColor != markColor || !pv.hl[0].Visible() {
		t.Fatalf("page 1 draws %+v, want the highlight", pv.hits)
	}
	pos, sz := pv.hl[0].Position(), pv.hl[0].Size()
	if math.Abs(float64(pos.X-100*s)) > 2 || math.Abs(float64(sz.Width-200*s)) > 3 {
		t.Errorf("highlight drawn at %v size %v, want at x %.0f, %.0f wide", pos, sz, 100*s, 200*s)
	}

	v.SetMarking(false)
	drag(f, at, 0, -200)
	if v.scroll.Offset.Y <= before.Y {
		t.Fatalf("with marking off a drag did not move the document (offset %v)", v.scroll.Offset)
	}
	if len(got) != 1 {
		t.Fatal("a drag with marking off made a highlight")
	}
}
