package pdfview

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"dinh/meeting/pdf"
)

// minMark is the smallest highlight a drag makes, in points: a click or a
// slip of the hand draws none.
const minMark = 4

// marking is the state of highlighting with the mouse.
type marking struct {
	on    bool
	page  int // the page the drag started on, -1 for none
	start fyne.Position
	draft *pdf.Rect // the highlight being drawn, in points
}

// SetMarks shows the person's own highlights, in points, by page. They
// are drawn under search hits.
func (v *Viewer) SetMarks(marks map[int][]pdf.Rect) {
	v.marks = marks
	v.redrawHighlights()
}

// SetMarking turns highlighting on or off: while on, a drag on a page
// draws a highlight there instead of moving the document, and OnMarked
// gets it when the mouse is let go.
func (v *Viewer) SetMarking(on bool) {
	v.mark = marking{on: on, page: -1}
	v.redrawHighlights()
}

// Marking reports whether a drag draws a highlight.
func (v *Viewer) Marking() bool { return v.mark.on }

func (v *Viewer) redrawHighlights() {
	for p, pv := range v.views {
		pv.setHits(v.hitRectsOn(p))
	}
}

// markRectsOn returns the highlights of page p, with the one being drawn.
func (v *Viewer) markRectsOn(p int) []hlRect {
	var out []hlRect
	for _, r := range v.marks[p] {
		out = append(out, hlRect{r: r, style: styleMark})
	}
	if d := v.mark.draft; d != nil && v.mark.page == p {
		out = append(out, hlRect{r: *d, style: styleDraft})
	}
	return out
}

// pointOn returns where pos, in the page area, falls on page p, in
// points, kept inside the page.
func (v *Viewer) pointOn(p int, pos fyne.Position) (x, y float64) {
	s := float64(v.geom.scale)
	x = float64(pos.X-v.geom.pageX(p, v.area.Size().Width)) / s
	y = float64(pos.Y-v.geom.tops[p]) / s
	return min(max(x, 0), v.sizes[p].w), min(max(y, 0), v.sizes[p].h)
}

// dragMark follows a drag that draws a highlight.
func (v *Viewer) dragMark(e *fyne.DragEvent) {
	if v.closed || v.n == 0 {
		return
	}
	m := &v.mark
	if m.page < 0 {
		m.start = e.Position.Subtract(e.Dragged)
		m.page = v.geom.pageAt(m.start.Y)
	}
	x0, y0 := v.pointOn(m.page, m.start)
	x1, y1 := v.pointOn(m.page, e.Position)
	m.draft = &pdf.Rect{X: min(x0, x1), Y: min(y0, y1), W: max(x0, x1) - min(x0, x1), H: max(y0, y1) - min(y0, y1)}
	if pv := v.views[m.page]; pv != nil {
		pv.setHits(v.hitRectsOn(m.page))
	}
}

// endMark ends a drag that draws a highlight and hands it on.
func (v *Viewer) endMark() {
	m := v.mark
	v.mark = marking{on: m.on, page: -1}
	if m.page >= 0 {
		if pv := v.views[m.page]; pv != nil {
			pv.setHits(v.hitRectsOn(m.page))
		}
	}
	if m.draft == nil || m.draft.W < minMark || m.draft.H < minMark || v.OnMarked == nil {
		return
	}
	v.OnMarked(m.page, *m.draft)
}

// Cursor shows a cross over the pages while a drag draws a highlight.
func (a *pageArea) Cursor() desktop.Cursor {
	if a.v.mark.on {
		return desktop.CrosshairCursor
	}
	return desktop.DefaultCursor
}

var _ desktop.Cursorable = (*pageArea)(nil)

// Marks returns the highlights shown, by page.
func (v *Viewer) Marks() map[int][]pdf.Rect { return v.marks }
