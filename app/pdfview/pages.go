package pdfview

import (
	"context"
	"image/color"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
)

// rerenderDelay is how long a page keeps its stretched old image after a
// zoom or resize before it is rendered again at the new resolution, so
// that a window being dragged wider does not start a render per frame.
const rerenderDelay = 150 * time.Millisecond

var (
	paperColor       = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	paperStroke      = color.NRGBA{0xB8, 0xB8, 0xB8, 0xFF}
	placeholderColor = color.NRGBA{0xF2, 0xF2, 0xF2, 0xFF}
	placeholderText  = color.NRGBA{0x70, 0x70, 0x70, 0xFF}
	hitColor         = color.NRGBA{0xFF, 0xD6, 0x00, 0x66}
	currentHitColor  = color.NRGBA{0xFF, 0x8C, 0x00, 0x8C}
	currentHitStroke = color.NRGBA{0xE6, 0x51, 0x00, 0xFF}
	markColor        = color.NRGBA{0x7C, 0xD9, 0x4A, 0x60}
	draftColor       = color.NRGBA{0x7C, 0xD9, 0x4A, 0x40}
	draftStroke      = color.NRGBA{0x2E, 0x7D, 0x32, 0xFF}
)

// areaColor is the backdrop behind the pages.
func areaColor() color.Color {
	if app := fyne.CurrentApp(); app != nil && app.Settings().ThemeVariant() == theme.VariantDark {
		return color.NRGBA{0x30, 0x30, 0x30, 0xFF}
	}
	return color.NRGBA{0xD6, 0xD6, 0xD6, 0xFF}
}

// pageArea is the scrolled content: as tall as the whole document, but
// holding canvas objects only for the pages near the viewport.
type pageArea struct {
	widget.BaseWidget
	v       *Viewer
	min     fyne.Size
	bg      *canvas.Rectangle
	objects []fyne.CanvasObject // bg, then the live page views
}

func newPageArea(v *Viewer) *pageArea {
	a := &pageArea{v: v, bg: canvas.NewRectangle(areaColor())}
	a.objects = []fyne.CanvasObject{a.bg}
	a.ExtendBaseWidget(a)
	return a
}

func (a *pageArea) MinSize() fyne.Size { return a.min }

func (a *pageArea) CreateRenderer() fyne.WidgetRenderer { return &pageAreaRenderer{a: a} }

// setPages replaces the page views shown.
func (a *pageArea) setPages(views []fyne.CanvasObject) {
	a.objects = append(a.objects[:1], views...)
	canvas.Refresh(a)
}

// Tapped gives the keyboard focus to the viewer, so that the shortcuts
// work after a tap on the page.
func (a *pageArea) Tapped(*fyne.PointEvent) { a.v.focusSelf() }

// Dragged pans the document, as a hand on a tablet expects, or draws a
// highlight while marking is on.
func (a *pageArea) Dragged(e *fyne.DragEvent) {
	if a.v.mark.on {
		a.v.dragMark(e)
		return
	}
	a.v.scrollBy(-e.Dragged.DX, -e.Dragged.DY)
}

// DragEnd is part of fyne.Draggable.
func (a *pageArea) DragEnd() {
	if a.v.mark.on {
		a.v.endMark()
	}
}

var (
	_ fyne.Tappable  = (*pageArea)(nil)
	_ fyne.Draggable = (*pageArea)(nil)
)

// pageScroll is the viewport. It zooms on Ctrl (or Cmd) + wheel and
// scrolls otherwise. (The page area itself must not be fyne.Scrollable:
// Fyne clips drawing to a Scrollable's bounds, which for the area are the
// whole document.)
type pageScroll struct {
	container.Scroll
	v *Viewer
}

func newPageScroll(v *Viewer, content fyne.CanvasObject) *pageScroll {
	s := &pageScroll{v: v}
	s.Direction = container.ScrollBoth
	s.Content = content
	s.ExtendBaseWidget(s)
	return s
}

// Scrolled is part of fyne.Scrollable.
func (s *pageScroll) Scrolled(e *fyne.ScrollEvent) {
	if s.v.modifiers()&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		switch {
		case e.Scrolled.DY > 0:
			s.v.ZoomIn()
		case e.Scrolled.DY < 0:
			s.v.ZoomOut()
		}
		return
	}
	s.Scroll.Scrolled(e)
}

type pageAreaRenderer struct{ a *pageArea }

func (r *pageAreaRenderer) Destroy()                     {}
func (r *pageAreaRenderer) Layout(size fyne.Size)        { r.a.bg.Resize(size) }
func (r *pageAreaRenderer) MinSize() fyne.Size           { return r.a.min }
func (r *pageAreaRenderer) Objects() []fyne.CanvasObject { return r.a.objects }
func (r *pageAreaRenderer) Refresh() {
	r.a.bg.FillColor = areaColor()
	r.a.bg.Refresh()
	canvas.Refresh(r.a)
}

// hlRect is one highlight on a page, in points.
type hlRect struct {
	r     pdf.Rect
	style hlStyle
}

// hlStyle is what a highlight shows.
type hlStyle int

const (
	styleHit     hlStyle = iota // a search hit
	styleCurrent                // the current search hit
	styleMark                   // the person's own highlight
	styleDraft                  // the highlight being drawn
)

// pageView shows one page: a light placeholder with "loading", replaced
// by the rendered image, with the search highlights on top. Views are
// recycled as the user scrolls.
type pageView struct {
	widget.BaseWidget
	v    *Viewer
	page int // -1 while unused
	pt   ptSize

	paper *canvas.Rectangle
	img   *canvas.Image
	label *canvas.Text
	hits  []hlRect
	hl    []*canvas.Rectangle

	imgDPI float64 // resolution of img.Image, 0 if none
	reqDPI float64 // resolution last requested, 0 if none
	failed bool
	cancel func() // stops the render in flight, nil if none
	seq    uint64 // identifies the latest request
}

func newPageView(v *Viewer) *pageView {
	pv := &pageView{v: v, page: -1}
	pv.paper = canvas.NewRectangle(placeholderColor)
	pv.paper.StrokeColor = paperStroke
	pv.paper.StrokeWidth = 1
	pv.img = canvas.NewImageFromImage(nil)
	pv.img.FillMode = canvas.ImageFillStretch
	pv.img.ScaleMode = canvas.ImageScaleSmooth
	pv.label = canvas.NewText(i18n.T("pdfview.page.loading"), placeholderText)
	pv.label.Alignment = fyne.TextAlignCenter
	pv.ExtendBaseWidget(pv)
	return pv
}

// bind makes the view show page p, starting from the placeholder.
func (pv *pageView) bind(p int, pt ptSize) {
	pv.page, pv.pt = p, pt
	pv.label.Text = i18n.T("pdfview.page.loading")
	pv.label.Show()
	pv.paper.FillColor = placeholderColor
	pv.Refresh()
}

// release stops the view's render and forgets its page.
func (pv *pageView) release() {
	if pv.cancel != nil {
		pv.cancel()
		pv.cancel = nil
	}
	pv.seq++
	pv.page = -1
	pv.img.Image = nil
	pv.imgDPI, pv.reqDPI = 0, 0
	pv.failed = false
	pv.hits = nil
}

// request starts rendering the page at dpi, replacing any render in
// flight. The result is applied on the UI goroutine.
func (pv *pageView) request(dpi float64) {
	if pv.cancel != nil {
		pv.cancel()
	}
	pv.seq++
	pv.reqDPI = dpi
	v, page, seq := pv.v, pv.page, pv.seq
	pv.cancel = v.tasks.start(func(ctx context.Context) {
		img, err := v.src.Render(ctx, page, dpi)
		if ctx.Err() != nil {
			return // scrolled away, re-requested or closed
		}
		v.post(func() {
			if v.closed || pv.seq != seq {
				return
			}
			pv.cancel = nil
			if err != nil || img == nil {
				pv.failed = true
				pv.label.Text = i18n.T("pdfview.page.error", page+1)
				pv.label.Show()
				pv.Refresh()
				return
			}
			pv.img.Image = img
			pv.imgDPI = dpi
			pv.label.Hide()
			pv.paper.FillColor = paperColor
			pv.Refresh()
		})
	})
}

func (pv *pageView) setHits(hits []hlRect) {
	pv.hits = hits
	for len(pv.hl) < len(hits) {
		pv.hl = append(pv.hl, canvas.NewRectangle(hitColor))
	}
	for k, r := range pv.hl {
		if k >= len(hits) {
			r.Hide()
			continue
		}
		switch hits[k].style {
		case styleCurrent:
			r.FillColor, r.StrokeColor, r.StrokeWidth = currentHitColor, currentHitStroke, 1.5
		case styleMark:
			r.FillColor, r.StrokeColor, r.StrokeWidth = markColor, color.Transparent, 0
		case styleDraft:
			r.FillColor, r.StrokeColor, r.StrokeWidth = draftColor, draftStroke, 1
		default:
			r.FillColor, r.StrokeColor, r.StrokeWidth = hitColor, color.Transparent, 0
		}
	}
	pv.Refresh()
}

// hitBounds returns where highlight k is drawn inside a view of the given
// size.
func (pv *pageView) hitBounds(k int, size fyne.Size) (fyne.Position, fyne.Size) {
	if pv.pt.w <= 0 {
		return fyne.Position{}, fyne.Size{}
	}
	s := float64(size.Width) / pv.pt.w
	r := pv.hits[k].r
	const pad = 1 // a hair around the glyphs
	x0 := max(r.X*s-pad, 0)
	y0 := max(r.Y*s-pad, 0)
	x1 := min((r.X+r.W)*s+pad, float64(size.Width))
	y1 := min((r.Y+r.H)*s+pad, float64(size.Height))
	return fyne.NewPos(float32(x0), float32(y0)), fyne.NewSize(float32(max(x1-x0, 0)), float32(max(y1-y0, 0)))
}

func (pv *pageView) CreateRenderer() fyne.WidgetRenderer { return &pageViewRenderer{pv: pv} }

type pageViewRenderer struct{ pv *pageView }

func (r *pageViewRenderer) Destroy()           {}
func (r *pageViewRenderer) MinSize() fyne.Size { return fyne.Size{} }

func (r *pageViewRenderer) Objects() []fyne.CanvasObject {
	pv := r.pv
	objs := make([]fyne.CanvasObject, 0, 3+len(pv.hl))
	objs = append(objs, pv.paper, pv.img, pv.label)
	for _, h := range pv.hl {
		objs = append(objs, h)
	}
	return objs
}

func (r *pageViewRenderer) Layout(size fyne.Size) {
	pv := r.pv
	pv.paper.Resize(size)
	pv.img.Resize(size)
	ts := pv.label.MinSize()
	pv.label.Move(fyne.NewPos((size.Width-ts.Width)/2, min(size.Height/3, max(size.Height-ts.Height, 0))))
	pv.label.Resize(ts)
	// Highlights wait for the page image: on the placeholder they would
	// point at nothing.
	shown := pv.img.Image != nil
	for k, r := range pv.hl {
		if k >= len(pv.hits) || !shown {
			r.Hide()
			continue
		}
		pos, sz := pv.hitBounds(k, size)
		r.Move(pos)
		r.Resize(sz)
		r.Show()
	}
}

func (r *pageViewRenderer) Refresh() {
	pv := r.pv
	r.Layout(pv.Size())
	pv.paper.Refresh()
	pv.img.Refresh()
	pv.label.Refresh()
	for _, h := range pv.hl {
		h.Refresh()
	}
	canvas.Refresh(pv)
}

// updateVisible makes page views for the pages in the viewport and the
// one just above and below it, recycles the others (cancelling their
// renders), and requests renders at the resolution each page is shown at.
// With immediate false, a page that already shows an image at another
// resolution is re-rendered only after rerenderDelay.
func (v *Viewer) updateVisible(immediate bool) {
	if v.closed || v.n == 0 || v.vp.Width <= 0 || v.vp.Height <= 0 {
		return
	}
	off := v.scroll.Offset
	first, last := v.geom.visible(off.Y, v.vp.Height)
	lo, hi := max(first-1, 0), min(last+1, v.n-1)

	for p, pv := range v.views {
		if p < lo || p > hi {
			pv.release()
			v.pool = append(v.pool, pv)
			delete(v.views, p)
		}
	}
	areaW := v.area.Size().Width
	objs := make([]fyne.CanvasObject, 0, hi-lo+1)
	for p := lo; p <= hi; p++ {
		pv := v.views[p]
		if pv == nil {
			if k := len(v.pool); k > 0 {
				pv, v.pool = v.pool[k-1], v.pool[:k-1]
			} else {
				pv = newPageView(v)
			}
			pv.bind(p, v.sizes[p])
			pv.setHits(v.hitRectsOn(p))
			v.views[p] = pv
		}
		pv.pt = v.sizes[p]
		w, h := v.geom.pageSize(p)
		pv.Move(fyne.NewPos(v.geom.pageX(p, areaW), v.geom.tops[p]))
		pv.Resize(fyne.NewSize(w, h))
		objs = append(objs, pv)
	}
	v.area.setPages(objs)

	// The renderer serves the newest request first: ask for the pages
	// next to the viewport first, then the visible ones from the farthest
	// to the current page.
	order := make([]int, 0, hi-lo+1)
	if lo < first {
		order = append(order, lo)
	}
	if hi > last {
		order = append(order, hi)
	}
	vis := make([]int, 0, last-first+1)
	for p := first; p <= last; p++ {
		vis = append(vis, p)
	}
	cur := v.page
	sort.SliceStable(vis, func(a, b int) bool { return absInt(vis[a]-cur) > absInt(vis[b]-cur) })
	order = append(order, vis...)

	cs := v.canvasScale()
	deferred := false
	for _, p := range order {
		pv := v.views[p]
		want := renderDPI(v.sizes[p], v.scale, cs)
		if pv.reqDPI == want {
			continue
		}
		if pv.img.Image != nil && !immediate {
			deferred = true
			continue
		}
		pv.request(want)
	}
	if deferred {
		v.scheduleRerender()
	}
}

func (v *Viewer) scheduleRerender() {
	if v.rerender != nil {
		return
	}
	v.rerender = time.AfterFunc(rerenderDelay, func() {
		v.post(func() {
			v.rerender = nil
			v.updateVisible(true)
		})
	})
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// modifiers returns the modifier keys held now.
func (v *Viewer) modifiers() fyne.KeyModifier {
	if app := fyne.CurrentApp(); app != nil {
		if d, ok := app.Driver().(desktop.Driver); ok {
			return d.CurrentKeyModifiers()
		}
	}
	return v.mods
}
