package pdfview

import (
	"context"
	"image"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
)

// FitMode says how the page scale follows the size of the viewer.
type FitMode int

const (
	// FitWidth scales the widest page to the width of the viewer.
	FitWidth FitMode = iota
	// FitPage scales the current page to fit whole in the viewer.
	FitPage
	// FitNone keeps the zoom the user chose.
	FitNone
)

// renderWorkers is the number of pages Open renders in parallel.
const renderWorkers = 2

// Viewer is the PDF viewer widget. Its methods must be called on the Fyne
// UI goroutine (from callbacks, or wrapped in fyne.Do).
type Viewer struct {
	widget.BaseWidget

	// OnPageChanged, if set, is called with the new current page (0-based)
	// whenever it changes.
	OnPageChanged func(page int)
	// OnMarked, if set, is called with a highlight drawn while marking is
	// on (SetMarking): its page (0-based) and its area in points.
	OnMarked func(page int, r pdf.Rect)

	src    Source
	n      int
	post   func(func()) // runs a function on the UI goroutine
	tasks  tasks
	closed bool

	sizes []ptSize
	geom  *geometry
	fit   FitMode
	scale float32 // Fyne units per point
	page  int
	vp    fyne.Size // viewport
	// pin, while set, gives the scroll offset that the last GoToPage or
	// hit asked for, so that a relayout (zoom, resize, page sizes known)
	// keeps the same place; the user scrolling clears it.
	pin      func() fyne.Position
	inLayout bool
	mods     fyne.KeyModifier

	scroll      *pageScroll
	area        *pageArea
	views       map[int]*pageView
	pool        []*pageView
	rerender    *time.Timer
	focusBorder *canvas.Rectangle

	thumbList  *widget.List
	thumbPanel fyne.CanvasObject
	thumbItems []*thumbItem
	thumbCache map[int]*image.RGBA

	search searchState
	marks  map[int][]pdf.Rect // the person's own highlights, by page
	mark   marking

	root                                fyne.CanvasObject
	pageEntry                           *pageEntry
	pageTotal                           *widget.Label
	zoomLabel                           *widget.Label
	searchEntry                         *searchEntry
	hitLabel                            *widget.Label
	firstBtn, prevBtn, nextBtn, lastBtn *widget.Button
	zoomInBtn, zoomOutBtn               *widget.Button
	fitWidthBtn, fitPageBtn, thumbsBtn  *widget.Button
	prevHitBtn, nextHitBtn, searchBtn   *widget.Button
}

// Open opens the PDF at path with a renderer of two workers and returns
// the viewer showing it. Errors are those of pdf.NewRenderer: test them
// with errors.Is against pdf.ErrPassword and pdf.ErrCorrupt, and show
// them with NewErrorView. Open reads the file, so call it off the UI
// goroutine for large documents.
func Open(path string) (*Viewer, error) {
	return OpenWith(path, fyne.Do)
}

// OpenWith is Open with the function that applies results on the UI
// goroutine; Open uses fyne.Do.
func OpenWith(path string, post func(func())) (*Viewer, error) {
	r, err := pdf.NewRenderer(path, renderWorkers)
	if err != nil {
		return nil, err
	}
	return newViewer(r, post), nil
}

// NewViewer returns a viewer showing src, which it owns: Close closes it.
// It asks src for the size of the first page at once and for the others
// in the background.
func NewViewer(src Source) *Viewer {
	return newViewer(src, fyne.Do)
}

func newViewer(src Source, post func(func())) *Viewer {
	v := &Viewer{
		src:        src,
		post:       post,
		scale:      unitsPerPointAt100,
		views:      make(map[int]*pageView),
		thumbCache: make(map[int]*image.RGBA),
	}
	if src != nil {
		v.n = max(src.NumPages(), 0)
	}
	first := defaultPageSize
	if v.n > 0 {
		w, h, err := src.PageSize(0)
		first = sanePageSize(w, h, err, defaultPageSize)
	}
	v.sizes = make([]ptSize, v.n)
	for i := range v.sizes {
		v.sizes[i] = first
	}
	v.geom = newGeometry(v.sizes, v.scale)
	v.search.cur = -1
	v.mark.page = -1
	v.buildUI()
	v.ExtendBaseWidget(v)
	v.setPage(0)
	v.updateZoomLabel()
	if v.n > 1 {
		v.loadPageSizes(first)
	}
	return v
}

// sanePageSize returns the page size, or def if the size is unknown or
// absurd.
func sanePageSize(w, h float64, err error, def ptSize) ptSize {
	// PDF pages are at most 200 inches, times a UserUnit; far beyond
	// that a size is garbage.
	const maxPt = 200 * 72 * 100
	if err != nil || !(w >= 1 && h >= 1) || w > maxPt || h > maxPt {
		return def
	}
	return ptSize{w, h}
}

// loadPageSizes asks the size of every page in the background, then lays
// the document out again if any differs from the first.
func (v *Viewer) loadPageSizes(def ptSize) {
	src, n := v.src, v.n
	v.tasks.start(func(ctx context.Context) {
		sizes := make([]ptSize, n)
		for i := range sizes {
			if ctx.Err() != nil {
				return
			}
			w, h, err := src.PageSize(i)
			sizes[i] = sanePageSize(w, h, err, def)
		}
		v.post(func() {
			if v.closed {
				return
			}
			same := true
			for i := range sizes {
				same = same && sizes[i] == v.sizes[i]
			}
			if same {
				return
			}
			v.sizes = sizes
			if v.fit != FitNone {
				v.scale = v.fitScale()
			}
			v.relayout()
			v.thumbList.Refresh()
		})
	})
}

func (v *Viewer) buildUI() {
	v.area = newPageArea(v)
	v.scroll = newPageScroll(v, v.area)
	v.scroll.OnScrolled = v.onScrolled
	v.focusBorder = canvas.NewRectangle(nil)
	v.focusBorder.FillColor = nil
	v.focusBorder.StrokeColor = theme.Color(theme.ColorNameFocus)
	v.focusBorder.StrokeWidth = 2
	v.focusBorder.Hide()
	viewport := container.New(&viewportLayout{v: v}, v.scroll, v.focusBorder)

	v.thumbList = v.newThumbList()
	v.thumbPanel = readingBorder(nil, nil, nil, widget.NewSeparator(), v.thumbList)

	// A toolbar button gives the keyboard back to the page, so that the
	// shortcuts keep working after a click.
	button := func(icon fyne.Resource, tapped func()) *widget.Button {
		b := widget.NewButtonWithIcon("", icon, func() {
			tapped()
			v.focusSelf()
		})
		b.Importance = widget.LowImportance
		return b
	}
	v.thumbsBtn = button(sidebarIcon, func() { v.ShowThumbnails(!v.thumbPanel.Visible()) })
	v.thumbsBtn.Importance = widget.MediumImportance // the panel starts shown
	v.firstBtn = button(theme.MediaSkipPreviousIcon(), func() { v.GoToPage(0) })
	v.prevBtn = button(theme.NavigateBackIcon(), func() { v.GoToPage(v.page - 1) })
	v.nextBtn = button(theme.NavigateNextIcon(), func() { v.GoToPage(v.page + 1) })
	v.lastBtn = button(theme.MediaSkipNextIcon(), func() { v.GoToPage(v.n - 1) })
	v.zoomOutBtn = button(theme.ZoomOutIcon(), v.ZoomOut)
	v.zoomInBtn = button(theme.ZoomInIcon(), v.ZoomIn)
	v.fitWidthBtn = button(fitWidthIcon, func() { v.SetFit(FitWidth) })
	v.fitPageBtn = button(fitPageIcon, func() { v.SetFit(FitPage) })
	v.prevHitBtn = button(theme.MoveUpIcon(), v.PrevHit)
	v.nextHitBtn = button(theme.MoveDownIcon(), v.NextHit)
	v.searchBtn = widget.NewButtonWithIcon("", theme.SearchIcon(), func() { v.runSearch(v.searchEntry.Text) })
	v.searchBtn.Importance = widget.LowImportance

	v.pageEntry = newPageEntry()
	v.pageEntry.OnSubmitted = v.onPageSubmitted
	v.pageEntry.onLeave = func() { v.pageEntry.SetText(strconv.Itoa(v.page + 1)) }
	v.pageTotal = widget.NewLabel(i18n.T("pdfview.page.total", v.n))
	v.zoomLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.searchEntry = newSearchEntry(v)
	v.searchEntry.SetPlaceHolder(i18n.T("pdfview.search.placeholder"))
	v.searchEntry.ActionItem = v.searchBtn
	v.searchEntry.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" && v.search.query != "" {
			v.runSearch("")
		}
	}
	v.hitLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.updateHitLabel()

	seps := []fyne.CanvasObject{widget.NewSeparator(), widget.NewSeparator(), widget.NewSeparator()}
	zoomBox := container.New(&minWidthLayout{w: 56}, v.zoomLabel)
	hitBox := container.New(&minWidthLayout{w: 84}, v.hitLabel)
	toolbar := container.New(&toolbarLayout{
		flex:    v.searchEntry,
		flexMin: 140,
		// Dropped in this order when the window is narrow, as on a
		// tablet held upright or a small laptop at 150 %; all have
		// keyboard equivalents (+ and - zoom; Enter finds the next hit).
		optional: [][]fyne.CanvasObject{{v.firstBtn, v.lastBtn}, seps, {v.fitPageBtn}, {hitBox}, {v.fitWidthBtn},
			{v.zoomOutBtn, zoomBox, v.zoomInBtn}},
	},
		v.thumbsBtn, seps[0],
		v.firstBtn, v.prevBtn, container.NewCenter(v.pageEntry), v.pageTotal, v.nextBtn, v.lastBtn, seps[1],
		v.zoomOutBtn, zoomBox, v.zoomInBtn, v.fitWidthBtn, v.fitPageBtn, seps[2],
		v.searchEntry, hitBox, v.prevHitBtn, v.nextHitBtn,
	)

	v.root = readingBorder(
		container.NewVBox(toolbar, widget.NewSeparator()), nil,
		v.thumbPanel, nil,
		viewport,
	)
}

// CreateRenderer is part of fyne.Widget.
func (v *Viewer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.root)
}

// Close stops every render and search, waits for them to end and closes
// the source. The viewer shows nothing more afterwards.
func (v *Viewer) Close() {
	if v.closed {
		return
	}
	v.closed = true
	if v.rerender != nil {
		v.rerender.Stop()
		v.rerender = nil
	}
	v.tasks.close()
	for p, pv := range v.views {
		pv.release()
		delete(v.views, p)
	}
	v.pool = nil
	v.area.setPages(nil)
	for _, it := range v.thumbItems {
		it.img.Image = nil
	}
	v.thumbCache = map[int]*image.RGBA{}
	v.search.hits, v.search.byPage = nil, nil
	if v.src != nil {
		v.src.Close()
	}
}

// NumPages returns the number of pages of the document.
func (v *Viewer) NumPages() int { return v.n }

// Page returns the current page, 0-based.
func (v *Viewer) Page() int { return v.page }

// GoToPage scrolls to the top of page i (0-based), clamped to the
// document.
func (v *Viewer) GoToPage(i int) {
	if v.closed || v.n == 0 {
		return
	}
	i = min(max(i, 0), v.n-1)
	v.setPage(i)
	v.pin = func() fyne.Position { return fyne.NewPos(v.scroll.Offset.X, v.pageTop(i)) }
	if v.fit == FitPage {
		if s := v.fitScale(); s != v.scale {
			v.scale = s
			v.relayout()
			return
		}
	}
	v.scrollTo(v.pin())
}

// pageTop returns the scroll offset that shows page i from its top, with
// the gap above it.
func (v *Viewer) pageTop(i int) float32 {
	if i <= 0 {
		return 0
	}
	return v.geom.tops[i] - pageGap
}

// Fit returns the fit mode.
func (v *Viewer) Fit() FitMode { return v.fit }

// SetFit sets how pages are scaled to the viewer: FitWidth, FitPage, or
// FitNone to keep the current zoom.
func (v *Viewer) SetFit(mode FitMode) {
	if v.closed || mode < FitWidth || mode > FitNone {
		return
	}
	v.fit = mode
	if mode != FitNone {
		v.pinCurrentPage()
		v.scale = v.fitScale()
	}
	v.relayout()
}

// Zoom multiplies the zoom by factor (2 doubles it) and leaves fit mode.
// The zoom stays between 10 % and 800 %.
func (v *Viewer) Zoom(factor float64) {
	if v.closed || !(factor > 0) || math.IsInf(factor, 0) {
		return
	}
	v.setScale(clampScale(float32(float64(v.scale) * factor)))
}

// ZoomIn goes to the next zoom step.
func (v *Viewer) ZoomIn() { v.setScale(nextZoom(v.scale, 1)) }

// ZoomOut goes to the previous zoom step.
func (v *Viewer) ZoomOut() { v.setScale(nextZoom(v.scale, -1)) }

// ZoomPercent returns the zoom shown to the user, 100 being actual size.
func (v *Viewer) ZoomPercent() int { return zoomPercent(v.scale) }

func (v *Viewer) setScale(s float32) {
	if v.closed {
		return
	}
	v.fit = FitNone
	v.scale = s
	v.relayout()
}

// pinCurrentPage keeps the current page's top in place across the next
// relayout if no GoToPage or hit is pinned.
func (v *Viewer) pinCurrentPage() {
	if v.pin == nil && v.n > 0 {
		p := v.page
		top := v.scroll.Offset.Y <= v.pageTop(p)+1 && v.scroll.Offset.Y >= v.pageTop(p)-1
		if top {
			v.pin = func() fyne.Position { return fyne.NewPos(v.scroll.Offset.X, v.pageTop(p)) }
		}
	}
}

// ShowThumbnails shows or hides the thumbnail panel.
func (v *Viewer) ShowThumbnails(show bool) {
	if show {
		v.thumbPanel.Show()
		v.thumbList.ScrollTo(v.page)
	} else {
		v.thumbPanel.Hide()
	}
	if show {
		v.thumbsBtn.Importance = widget.MediumImportance
	} else {
		v.thumbsBtn.Importance = widget.LowImportance
	}
	v.thumbsBtn.Refresh()
	if r, ok := v.root.(*fyne.Container); ok {
		r.Refresh()
	}
}

func (v *Viewer) fitScale() float32 {
	if v.n == 0 || v.vp.Width <= 0 || v.vp.Height <= 0 {
		return v.scale
	}
	switch v.fit {
	case FitWidth:
		return fitWidthScale(v.sizes, v.vp.Width)
	case FitPage:
		return fitPageScale(v.sizes[min(max(v.page, 0), v.n-1)], [2]float32{v.vp.Width, v.vp.Height})
	}
	return v.scale
}

// viewportResized follows the size of the scrolled area.
func (v *Viewer) viewportResized(size fyne.Size) {
	if size == v.vp || v.closed {
		return
	}
	v.vp = size
	if v.fit != FitNone {
		v.scale = v.fitScale()
	}
	v.relayout()
}

// relayout places the pages again after a change of scale, page sizes or
// viewport, keeping the place the user was looking at.
func (v *Viewer) relayout() {
	v.updateZoomLabel()
	if v.closed || v.n == 0 {
		return
	}
	// Where the user is, in page terms, before the change.
	old := v.geom
	off := v.scroll.Offset
	ap := old.pageAt(off.Y)
	_, oh := old.pageSize(ap)
	frac := float32(0)
	if oh > 0 {
		frac = (off.Y - old.tops[ap]) / oh
	}
	oldAreaW := max(v.area.Size().Width, 1)
	cx := (off.X + v.vp.Width/2) / oldAreaW

	v.geom = newGeometry(v.sizes, v.scale)
	v.area.min = fyne.NewSize(v.geom.w, v.geom.h)
	if v.vp.Width <= 0 || v.vp.Height <= 0 {
		return
	}
	v.area.Resize(v.area.min.Max(v.vp))
	var target fyne.Position
	if v.pin != nil {
		target = v.pin()
	} else {
		_, nh := v.geom.pageSize(ap)
		target = fyne.NewPos(cx*v.area.Size().Width-v.vp.Width/2, v.geom.tops[ap]+frac*nh)
	}
	v.scrollTo(target)
}

// scrollTo moves the viewport to off, clamped, as the program's doing.
func (v *Viewer) scrollTo(off fyne.Position) {
	if v.closed {
		return
	}
	off = v.clampOffset(off)
	v.inLayout = true
	if v.scroll.Offset == off {
		v.scroll.Refresh()
	} else {
		v.scroll.ScrollToOffset(off)
	}
	v.inLayout = false
	v.updateVisible(false)
}

// scrollBy moves the viewport as the user's doing.
func (v *Viewer) scrollBy(dx, dy float32) {
	if v.closed || v.n == 0 {
		return
	}
	off := v.clampOffset(v.scroll.Offset.Add(fyne.NewPos(dx, dy)))
	if off == v.scroll.Offset {
		return
	}
	v.inLayout = true
	v.scroll.ScrollToOffset(off)
	v.inLayout = false
	v.onScrolled(off)
}

func (v *Viewer) clampOffset(off fyne.Position) fyne.Position {
	maxX := max(v.area.Size().Width-v.vp.Width, 0)
	maxY := max(v.geom.h-v.vp.Height, 0)
	return fyne.NewPos(min(max(off.X, 0), maxX), min(max(off.Y, 0), maxY))
}

// onScrolled follows the user's scrolling: new pages come into view and
// the current page is the one taking most of the viewport.
func (v *Viewer) onScrolled(off fyne.Position) {
	if v.inLayout || v.closed || v.n == 0 {
		return
	}
	v.pin = nil
	v.updateVisible(false)
	v.setPage(v.geom.currentPage(off.Y, v.vp.Height))
}

// setPage records page p as current and updates everything that shows it.
func (v *Viewer) setPage(p int) {
	changed := p != v.page
	v.page = p
	if c := v.canvas(); c == nil || c.Focused() != v.pageEntry {
		v.pageEntry.SetText(strconv.Itoa(p + 1))
	}
	if v.n == 0 {
		v.pageEntry.SetText("0")
	}
	setEnabled(v.firstBtn, p > 0)
	setEnabled(v.prevBtn, p > 0)
	setEnabled(v.nextBtn, p < v.n-1)
	setEnabled(v.lastBtn, p < v.n-1)
	if changed {
		v.markCurrentThumb()
		if v.thumbPanel.Visible() && v.canvas() != nil {
			v.thumbList.ScrollTo(p)
		}
		if v.OnPageChanged != nil {
			v.OnPageChanged(p)
		}
	}
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (v *Viewer) onPageSubmitted(text string) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || v.n == 0 {
		v.pageEntry.SetText(strconv.Itoa(v.page + 1))
		return
	}
	v.GoToPage(n - 1)
	v.pageEntry.SetText(strconv.Itoa(v.page + 1))
	v.focusSelf()
}

func (v *Viewer) updateZoomLabel() {
	if v.zoomLabel == nil {
		return
	}
	v.zoomLabel.SetText(i18n.T("pdfview.zoom.percent", zoomPercent(v.scale)))
	imp := func(b *widget.Button, on bool) {
		want := widget.LowImportance
		if on {
			want = widget.MediumImportance
		}
		if b.Importance != want {
			b.Importance = want
			b.Refresh()
		}
	}
	imp(v.fitWidthBtn, v.fit == FitWidth)
	imp(v.fitPageBtn, v.fit == FitPage)
	setEnabled(v.zoomInBtn, zoomPercent(v.scale) < int(maxZoom*100))
	setEnabled(v.zoomOutBtn, zoomPercent(v.scale) > int(minZoom*100))
}

func (v *Viewer) canvas() fyne.Canvas {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	return app.Driver().CanvasForObject(v)
}

// canvasScale returns the pixels per Fyne unit of the viewer's window.
func (v *Viewer) canvasScale() float32 {
	if c := v.canvas(); c != nil {
		if s := c.Scale(); s > 0 {
			return s
		}
	}
	return 1
}

// viewportLayout sizes the scroll container and tells the viewer its
// new size.
type viewportLayout struct{ v *Viewer }

func (l *viewportLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
	l.v.viewportResized(size)
}

func (l *viewportLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(160, 160) }

// minWidthLayout stacks its objects and keeps at least a width, so that
// labels whose text changes do not shift the toolbar.
type minWidthLayout struct{ w float32 }

func (l *minWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l *minWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.w, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// toolbarLayout places the toolbar in one row: every object at its
// minimum width except flex, which takes the room left. When the row is
// too narrow, the optional groups are hidden, first group first.
type toolbarLayout struct {
	flex     fyne.CanvasObject
	flexMin  float32
	optional [][]fyne.CanvasObject
}

func (l *toolbarLayout) isOptional(o fyne.CanvasObject) bool {
	for _, g := range l.optional {
		for _, x := range g {
			if x == o {
				return true
			}
		}
	}
	return false
}

// need returns the width of the row with the objects keep reports true for.
func (l *toolbarLayout) need(objs []fyne.CanvasObject, keep func(fyne.CanvasObject) bool) float32 {
	pad := theme.Padding()
	w, n := float32(0), 0
	for _, o := range objs {
		if !keep(o) {
			continue
		}
		if o == l.flex {
			w += l.flexMin
		} else {
			w += o.MinSize().Width
		}
		n++
	}
	return w + pad*float32(max(n-1, 0))
}

func (l *toolbarLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	hidden := map[fyne.CanvasObject]bool{}
	keep := func(o fyne.CanvasObject) bool { return !hidden[o] }
	for _, g := range l.optional {
		if l.need(objs, keep) <= size.Width {
			break
		}
		for _, o := range g {
			hidden[o] = true
		}
	}
	spare := max(size.Width-l.need(objs, keep), 0)
	pad := theme.Padding()
	x := float32(0)
	for _, o := range objs {
		if hidden[o] {
			if o.Visible() {
				o.Hide()
			}
			continue
		}
		if !o.Visible() {
			o.Show()
		}
		w := o.MinSize().Width
		if o == l.flex {
			w = l.flexMin + spare
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (l *toolbarLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.need(objs, func(o fyne.CanvasObject) bool { return !l.isOptional(o) }), h)
}

// readingBorder is container.NewBorder with its parts in reading order
// (top, left, centre, right, bottom), so that Tab reaches the toolbar
// before the pages; container.NewBorder puts the centre first.
func readingBorder(top, bottom, left, right fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	objs = append(objs, center...)
	for _, o := range []fyne.CanvasObject{right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// Relabel says the viewer's words again in the app's language, after the
// person switched it; the document, its page and zoom stay.
func (v *Viewer) Relabel() {
	v.pageTotal.SetText(i18n.T("pdfview.page.total", v.n))
	v.searchEntry.SetPlaceHolder(i18n.T("pdfview.search.placeholder"))
	v.updateZoomLabel()
	v.updateHitLabel()
}

// SearchPlaceHolder is what the empty search field says.
func (v *Viewer) SearchPlaceHolder() string { return v.searchEntry.PlaceHolder }
