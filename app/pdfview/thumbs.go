package pdfview

import (
	"context"
	"image"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Thumbnail box, in Fyne units: an A4 page fits it exactly.
const (
	thumbBoxW = 92
	thumbBoxH = 130

	// maxThumbs bounds the thumbnails kept in memory.
	maxThumbs = 160
)

func (v *Viewer) newThumbList() *widget.List {
	l := widget.NewList(
		func() int { return v.n },
		func() fyne.CanvasObject { return newThumbItem(v) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*thumbItem).bind(id) },
	)
	l.OnSelected = func(id widget.ListItemID) {
		l.UnselectAll()
		v.GoToPage(id)
		v.focusSelf()
	}
	return l
}

// cacheThumb keeps img as the thumbnail of page, dropping the thumbnails
// farthest from it when there are too many.
func (v *Viewer) cacheThumb(page int, img *image.RGBA) {
	v.thumbCache[page] = img
	for len(v.thumbCache) > maxThumbs {
		far, dist := -1, -1
		for p := range v.thumbCache {
			if d := absInt(p - page); d > dist {
				far, dist = p, d
			}
		}
		delete(v.thumbCache, far)
	}
}

// markCurrentThumb updates the highlight of the bound thumbnails.
func (v *Viewer) markCurrentThumb() {
	for _, it := range v.thumbItems {
		it.setCurrent(it.page >= 0 && it.page == v.page)
	}
}

// thumbItem is one row of the thumbnail list: the page in miniature and
// its number, highlighted when it is the current page.
type thumbItem struct {
	widget.BaseWidget
	v       *Viewer
	page    int // -1 while unbound
	current bool

	frame *canvas.Rectangle // highlight behind the current page
	paper *canvas.Rectangle
	img   *canvas.Image
	num   *canvas.Text

	cancel func()
	seq    uint64
}

func newThumbItem(v *Viewer) *thumbItem {
	it := &thumbItem{v: v, page: -1}
	it.frame = canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	it.frame.CornerRadius = 4
	it.frame.Hide()
	it.paper = canvas.NewRectangle(placeholderColor)
	it.paper.StrokeColor = paperStroke
	it.paper.StrokeWidth = 1
	it.img = canvas.NewImageFromImage(nil)
	it.img.FillMode = canvas.ImageFillContain
	it.img.ScaleMode = canvas.ImageScaleSmooth
	it.num = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	it.num.Alignment = fyne.TextAlignCenter
	it.num.TextSize = theme.TextSize() * 0.9
	v.thumbItems = append(v.thumbItems, it)
	it.ExtendBaseWidget(it)
	return it
}

// bind shows page p in this row, rendering its thumbnail if not cached.
func (it *thumbItem) bind(p int) {
	v := it.v
	if v.closed || p < 0 || p >= v.n {
		return
	}
	it.current = p == v.page
	if p == it.page {
		it.Refresh()
		return
	}
	if it.cancel != nil {
		it.cancel()
		it.cancel = nil
	}
	it.seq++
	it.page = p
	it.num.Text = strconv.Itoa(p + 1)
	if img := v.thumbCache[p]; img != nil {
		it.img.Image = img
	} else {
		it.img.Image = nil
		it.request()
	}
	it.Refresh()
}

func (it *thumbItem) request() {
	v, page, seq := it.v, it.page, it.seq
	dpi := thumbDPI(v.sizes[page], thumbBoxW, thumbBoxH, v.canvasScale())
	it.cancel = v.tasks.start(func(ctx context.Context) {
		img, err := v.src.Render(ctx, page, dpi)
		if ctx.Err() != nil || err != nil || img == nil {
			return // the placeholder stays
		}
		v.post(func() {
			if v.closed {
				return
			}
			v.cacheThumb(page, img)
			if it.seq == seq {
				it.cancel = nil
				it.img.Image = img
				it.Refresh()
			}
		})
	})
}

func (it *thumbItem) setCurrent(cur bool) {
	if cur == it.current {
		return
	}
	it.current = cur
	it.Refresh()
}

func (it *thumbItem) CreateRenderer() fyne.WidgetRenderer { return &thumbRenderer{it: it} }

type thumbRenderer struct{ it *thumbItem }

func (r *thumbRenderer) Destroy() {}

func (r *thumbRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.it.frame, r.it.paper, r.it.img, r.it.num}
}

func (r *thumbRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	return fyne.NewSize(thumbBoxW+4*pad, thumbBoxH+3*pad+r.it.num.MinSize().Height)
}

func (r *thumbRenderer) Layout(size fyne.Size) {
	it := r.it
	pad := theme.Padding()
	it.frame.Resize(size)
	pt := defaultPageSize
	if it.page >= 0 && it.page < len(it.v.sizes) {
		pt = it.v.sizes[it.page]
	}
	s := min(thumbBoxW/pt.w, thumbBoxH/pt.h)
	w, h := float32(pt.w*s), float32(pt.h*s)
	pos := fyne.NewPos((size.Width-w)/2, pad+(thumbBoxH-h)/2)
	it.paper.Move(pos)
	it.paper.Resize(fyne.NewSize(w, h))
	it.img.Move(pos)
	it.img.Resize(fyne.NewSize(w, h))
	ns := it.num.MinSize()
	it.num.Move(fyne.NewPos(0, 2*pad+thumbBoxH))
	it.num.Resize(fyne.NewSize(size.Width, ns.Height))
}

func (r *thumbRenderer) Refresh() {
	it := r.it
	it.frame.FillColor = theme.Color(theme.ColorNameSelection)
	it.frame.Hidden = !it.current
	it.num.TextStyle.Bold = it.current
	if it.current {
		it.num.Color = theme.Color(theme.ColorNamePrimary)
		it.paper.StrokeColor = theme.Color(theme.ColorNamePrimary)
		it.paper.StrokeWidth = 2
	} else {
		it.num.Color = theme.Color(theme.ColorNameForeground)
		it.paper.StrokeColor = paperStroke
		it.paper.StrokeWidth = 1
	}
	if it.img.Image != nil {
		it.paper.FillColor = paperColor
	} else {
		it.paper.FillColor = placeholderColor
	}
	r.Layout(it.Size())
	it.frame.Refresh()
	it.paper.Refresh()
	it.img.Refresh()
	it.num.Refresh()
}
