package pdfview

import (
	"image"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/app/internal/uiqueue"
)

var windowSize = fyne.NewSize(1000, 760)

func TestNavigation(t *testing.T) {
	f := open(t, 30, windowSize, nil)
	v := f.v
	if got, want := f.pageLabel(), "1 / 30"; got != want {
		t.Fatalf("page label: got %q, want %q", got, want)
	}
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"next button", func() { test.Tap(v.nextBtn) }, "2 / 30"},
		{"next button again", func() { test.Tap(v.nextBtn) }, "3 / 30"},
		{"previous button", func() { test.Tap(v.prevBtn) }, "2 / 30"},
		{"last button", func() { test.Tap(v.lastBtn) }, "30 / 30"},
		{"first button", func() { test.Tap(v.firstBtn) }, "1 / 30"},
		{"typed page number", func() {
			f.c.Focus(v.pageEntry)
			v.pageEntry.SetText("")
			f.typeText("12")
			f.key(fyne.KeyReturn)
		}, "12 / 30"},
		{"page number beyond the end", func() {
			f.c.Focus(v.pageEntry)
			v.pageEntry.SetText("")
			f.typeText("999")
			f.key(fyne.KeyReturn)
		}, "30 / 30"},
		{"tap the page, then Home", func() { test.Tap(v.area); f.key(fyne.KeyHome) }, "1 / 30"},
		{"PageDown", func() { f.key(fyne.KeyPageDown) }, "2 / 30"},
		{"Right", func() { f.key(fyne.KeyRight) }, "3 / 30"},
		{"PageUp", func() { f.key(fyne.KeyPageUp) }, "2 / 30"},
		{"Left", func() { f.key(fyne.KeyLeft) }, "1 / 30"},
		{"Left on the first page", func() { f.key(fyne.KeyLeft) }, "1 / 30"},
		{"End", func() { f.key(fyne.KeyEnd) }, "30 / 30"},
		{"GoToPage", func() { v.GoToPage(19) }, "20 / 30"},
		{"GoToPage below 0", func() { v.GoToPage(-3) }, "1 / 30"},
	}
	for _, s := range steps {
		s.do()
		f.q.Drain()
		if got := f.pageLabel(); got != s.want {
			t.Errorf("%s: page label %q, want %q", s.name, got, s.want)
		}
		if got, want := v.Page()+1, atoi(s.want); got != want {
			t.Errorf("%s: Page() = %d, want %d", s.name, got-1, want-1)
		}
	}

	// The page scrolled to is the one in view, rendered.
	v.GoToPage(14)
	f.waitRendered(t, 14)
	if off, top := v.scroll.Offset.Y, v.geom.tops[14]; off > top || top-off > pageGap+1 {
		t.Errorf("page 15 starts at %v, viewport at %v", top, off)
	}
	if v.prevBtn.Disabled() || v.nextBtn.Disabled() {
		t.Errorf("buttons disabled in the middle of the document")
	}
	v.GoToPage(0)
	if !v.prevBtn.Disabled() || !v.firstBtn.Disabled() {
		t.Errorf("previous and first enabled on the first page")
	}

	// Scrolling by hand moves the current page.
	v.scrollBy(0, v.geom.tops[5]+10)
	if got, want := v.Page(), 5; got != want {
		t.Errorf("after scrolling to page 6: Page() = %d, want %d", got, want)
	}
	f.key(fyne.KeyDown)
	if v.scroll.Offset.Y <= v.geom.tops[5] {
		t.Errorf("Down did not scroll")
	}
}

func atoi(label string) int {
	n := 0
	for _, r := range strings.Fields(label)[0] {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestFitAndZoom(t *testing.T) {
	f := open(t, 30, windowSize, nil)
	v := f.v
	pageW := func() float32 { f.q.Drain(); return v.views[v.Page()].Size().Width }
	pageH := func() float32 { return v.views[v.Page()].Size().Height }

	// Fit width is the default: the page fills the viewport's width.
	if got, want := pageW(), v.vp.Width-2*pageMargin; math.Abs(float64(got-want)) > 2 {
		t.Errorf("fit width: page %v wide, want about %v", got, want)
	}
	if v.Fit() != FitWidth || v.fitWidthBtn.Importance != widget.MediumImportance {
		t.Errorf("fit width not shown as active")
	}
	// The image is rendered for the size shown (within the DPI grid).
	f.waitRendered(t, 0)
	img := v.views[0].img.Image.(*image.RGBA)
	if got, want := float32(img.Bounds().Dx()), pageW()*v.canvasScale(); math.Abs(float64(got/want-1)) > 0.05 {
		t.Errorf("render is %v pixels wide for a page shown %v wide", got, want)
	}

	test.Tap(v.fitPageBtn)
	if got := pageH(); got > v.vp.Height-2*pageMargin+1 || got < v.vp.Height-2*pageMargin-2 {
		t.Errorf("fit page: page %v high in a viewport %v high", got, v.vp.Height)
	}
	if pageW() >= v.vp.Width-2*pageMargin-2 {
		t.Errorf("fit page: page as wide as the viewport")
	}

	v.SetFit(FitNone)
	before, pct := pageW(), v.ZoomPercent()
	v.Zoom(2)
	if got, want := pageW(), 2*before; math.Abs(float64(got-want)) > 1 {
		t.Errorf("Zoom(2): page %v wide, want %v", got, want)
	}
	if got, want := v.zoomLabel.Text, itoa(2*pct)+"%"; got != want && got != itoa(2*pct+1)+"%" && got != itoa(2*pct-1)+"%" {
		t.Errorf("zoom label after Zoom(2): got %q, want %q", got, want)
	}
	if v.Fit() != FitNone {
		t.Errorf("zoom kept fit mode %v", v.Fit())
	}
	// A zoomed page gets rendered again, sharper.
	f.waitRendered(t, v.Page())

	test.Tap(v.area) // focus the page
	v.Zoom(0.5)
	w0 := pageW()
	f.shortcut(fyne.KeyEqual, fyne.KeyModifierShortcutDefault)
	if w1 := pageW(); w1 <= w0 {
		t.Errorf("Ctrl+=: page %v wide, was %v", w1, w0)
	}
	f.shortcut(fyne.KeyMinus, fyne.KeyModifierShortcutDefault)
	f.shortcut(fyne.KeyMinus, fyne.KeyModifierShortcutDefault)
	if w2 := pageW(); w2 >= w0 {
		t.Errorf("Ctrl+- twice: page %v wide, was %v", w2, w0)
	}
	test.Tap(v.zoomInBtn)
	if got := v.zoomLabel.Text; got != itoa(v.ZoomPercent())+"%" {
		t.Errorf("zoom label %q, zoom %d", got, v.ZoomPercent())
	}
	f.shortcut(fyne.Key0, fyne.KeyModifierShortcutDefault)
	if v.Fit() != FitWidth {
		t.Errorf("Ctrl+0: fit %v, want FitWidth", v.Fit())
	}

	// Zoom keeps the current page; absurd factors change nothing.
	v.GoToPage(9)
	v.Zoom(1.5)
	if got := v.Page(); got != 9 {
		t.Errorf("zoom moved from page 10 to %d", got+1)
	}
	z := v.ZoomPercent()
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		v.Zoom(bad)
	}
	if v.ZoomPercent() != z {
		t.Errorf("bad zoom factors changed the zoom from %d to %d", z, v.ZoomPercent())
	}
	v.Zoom(1e9)
	if got := v.ZoomPercent(); got != 800 {
		t.Errorf("zoom is capped: got %d%%", got)
	}

	// The window growing keeps fit width.
	v.SetFit(FitWidth)
	f.w.Resize(fyne.NewSize(1200, 760))
	if got, want := pageW(), v.vp.Width-2*pageMargin; math.Abs(float64(got-want)) > 2 {
		t.Errorf("fit width after resize: page %v wide, want about %v", got, want)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestSearch(t *testing.T) {
	f := open(t, 30, windowSize, nil)
	v := f.v

	test.Tap(v.area)
	f.shortcut(fyne.KeyF, fyne.KeyModifierShortcutDefault)
	if f.c.Focused() != v.searchEntry {
		t.Fatalf("Ctrl+F: focus on %T, want the search entry", f.c.Focused())
	}
	f.typeText("ngan sach")
	f.key(fyne.KeyReturn)
	f.q.WaitFor(t, "search results", func() bool { return !v.search.running })
	n := v.Hits()
	if n < 30 {
		t.Fatalf("\"ngan sach\" found %d times in 30 pages, want at least one a page", n)
	}
	if got, want := v.hitLabel.Text, "1 / "+itoa(n); got != want {
		t.Errorf("hit label: got %q, want %q", got, want)
	}
	first := v.search.hits[0]

	// The current hit is on the current page, highlighted over its text.
	if v.Page() != first.Page {
		t.Errorf("on page %d, first hit is on page %d", v.Page()+1, first.Page+1)
	}
	f.waitRendered(t, v.Page())
	checkHighlights(t, v.views[v.Page()])

	// F3 and Enter step forward, Shift+F3 back.
	f.key(fyne.KeyF3)
	if got, want := v.hitLabel.Text, "2 / "+itoa(n); got != want {
		t.Errorf("F3: hit label %q, want %q", got, want)
	}
	f.key(fyne.KeyReturn)
	if got, want := v.hitLabel.Text, "3 / "+itoa(n); got != want {
		t.Errorf("Enter: hit label %q, want %q", got, want)
	}
	f.shortcut(fyne.KeyF3, fyne.KeyModifierShift)
	if got, want := v.hitLabel.Text, "2 / "+itoa(n); got != want {
		t.Errorf("Shift+F3: hit label %q, want %q", got, want)
	}
	// Shift held as a key, as on drivers that report no modifiers.
	test.Tap(v.area)
	v.KeyDown(&fyne.KeyEvent{Name: "LeftShift"})
	f.key(fyne.KeyF3)
	v.KeyUp(&fyne.KeyEvent{Name: "LeftShift"})
	if got, want := v.hitLabel.Text, "1 / "+itoa(n); got != want {
		t.Errorf("Shift+F3 on the page: hit label %q, want %q", got, want)
	}
	f.key(fyne.KeyF3)

	// Going back before the first hit wraps to the last one, on the last
	// page, which comes into view.
	v.PrevHit()
	v.PrevHit()
	if got, want := v.hitLabel.Text, itoa(n)+" / "+itoa(n); got != want {
		t.Errorf("wrap around: hit label %q, want %q", got, want)
	}
	last := v.search.hits[n-1]
	if v.Page() != last.Page {
		t.Errorf("last hit on page %d, viewer on page %d", last.Page+1, v.Page()+1)
	}
	f.waitRendered(t, last.Page)
	checkHighlights(t, v.views[last.Page])

	// Every visible page shows its own hits.
	for p, pv := range v.views {
		if got, want := len(pv.hits), len(v.hitRectsOn(p)); got != want {
			t.Errorf("page %d shows %d highlights, want %d", p+1, got, want)
		}
	}

	// A search done from code, with diacritics, finds the same.
	v.Search("Ngân Sách")
	f.q.WaitFor(t, "second search", func() bool { return !v.search.running })
	if got := v.Hits(); got != n {
		t.Errorf("\"Ngân Sách\": %d hits, \"ngan sach\": %d", got, n)
	}
	v.Search("không có trong tài liệu xyz")
	f.q.WaitFor(t, "search without hits", func() bool { return !v.search.running })
	if v.Hits() != 0 || v.hitLabel.Text != "Không thấy" {
		t.Errorf("no hits: Hits() = %d, label %q", v.Hits(), v.hitLabel.Text)
	}
	for p, pv := range v.views {
		if len(pv.hits) != 0 {
			t.Errorf("page %d keeps %d old highlights", p+1, len(pv.hits))
		}
	}
	v.Search("")
	if v.hitLabel.Text != "" || v.Hits() != 0 {
		t.Errorf("empty search: label %q, %d hits", v.hitLabel.Text, v.Hits())
	}
}

// checkHighlights asserts that the highlights of a page lie inside it, one
// is the current hit, and each covers dark (text) pixels of the rendered
// image.
func checkHighlights(t *testing.T, pv *pageView) {
	t.Helper()
	if len(pv.hits) == 0 {
		t.Fatalf("page %d has no highlights", pv.page+1)
	}
	img, ok := pv.img.Image.(*image.RGBA)
	if !ok {
		t.Fatalf("page %d has no image", pv.page+1)
	}
	size := pv.Size()
	px := float32(img.Bounds().Dx()) / size.Width
	current := 0
	for k, h := range pv.hits {
		r := pv.hl[k]
		if !r.Visible() {
			t.Errorf("highlight %d hidden", k)
		}
		pos, sz := r.Position(), r.Size()
		if pos.X < 0 || pos.Y < 0 || pos.X+sz.Width > size.Width+0.5 || pos.Y+sz.Height > size.Height+0.5 || sz.Width < 2 || sz.Height < 2 {
			t.Errorf("highlight %d at %v size %v, page is %v", k, pos, sz, size)
		}
		if h.style == styleCurrent {
			current++
			if r.FillColor != currentHitColor {
				t.Errorf("current highlight drawn %v, want %v", r.FillColor, currentHitColor)
			}
		}
		dark := 0
		for y := int(pos.Y * px); y < int((pos.Y+sz.Height)*px); y++ {
			for x := int(pos.X * px); x < int((pos.X+sz.Width)*px); x++ {
				c := img.RGBAAt(x, y)
				if int(c.R)+int(c.G)+int(c.B) < 3*110 {
					dark++
				}
			}
		}
		if dark == 0 {
			t.Errorf("highlight %d at %v size %v covers no text", k, pos, sz)
		}
	}
	if current != 1 && pv.v.search.cur >= 0 && pv.v.search.hits[pv.v.search.cur].Page == pv.page {
		t.Errorf("page %d shows %d current highlights, want 1", pv.page+1, current)
	}
}

func TestThumbnails(t *testing.T) {
	f := open(t, 30, windowSize, nil)
	v := f.v
	f.q.WaitFor(t, "thumbnails", func() bool {
		n := 0
		for _, it := range v.thumbItems {
			if it.page >= 0 && it.img.Image != nil {
				n++
			}
		}
		return n >= 3
	})
	bound := 0
	for _, it := range v.thumbItems {
		if it.page >= 0 {
			bound++
		}
		if img, ok := it.img.Image.(*image.RGBA); ok && img.Bounds().Dx() > 2*thumbBoxW {
			t.Errorf("thumbnail of page %d is %d pixels wide, want a low resolution", it.page+1, img.Bounds().Dx())
		}
	}
	if bound == 0 || bound >= 30 {
		t.Errorf("%d thumbnails made for 30 pages, want only those in view", bound)
	}
	if it := thumbFor(v, 0); it == nil || !it.current || it.frame.Hidden {
		t.Errorf("thumbnail of the current page not highlighted")
	}

	// Tapping the thumbnail of page 3 goes there.
	it := thumbFor(v, 2)
	if it == nil {
		t.Fatal("no thumbnail for page 3")
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(it)
	test.TapCanvas(f.c, pos.Add(fyne.NewPos(it.Size().Width/2, it.Size().Height/2)))
	f.q.Drain()
	if got, want := f.pageLabel(), "3 / 30"; got != want {
		t.Errorf("after tapping thumbnail 3: page label %q, want %q", got, want)
	}
	if !thumbFor(v, 2).current || thumbFor(v, 0).current {
		t.Errorf("highlight did not move to thumbnail 3")
	}

	// Going far scrolls the list to the current page's thumbnail.
	v.GoToPage(25)
	f.q.Drain()
	f.q.WaitFor(t, "thumbnail of page 26", func() bool {
		it := thumbFor(v, 25)
		return it != nil && it.current && it.img.Image != nil
	})

	// The panel can be hidden, giving its room to the page.
	w := v.vp.Width
	test.Tap(v.thumbsBtn)
	if v.thumbPanel.Visible() {
		t.Fatal("thumbnail panel still shown")
	}
	if v.vp.Width <= w {
		t.Errorf("viewport %v wide with the panel hidden, %v with it", v.vp.Width, w)
	}
	test.Tap(v.thumbsBtn)
	if !v.thumbPanel.Visible() {
		t.Fatal("thumbnail panel not shown again")
	}
}

func thumbFor(v *Viewer, p int) *thumbItem {
	for _, it := range v.thumbItems {
		if it.page == p && it.Visible() {
			return it
		}
	}
	return nil
}

// TestLargeDocument checks that a 300-page document keeps a handful of
// page objects and renders only what is shown.
func TestLargeDocument(t *testing.T) {
	test.NewTempApp(t)
	q := uiqueue.New()
	r, err := openRenderer(fixturePDF(t, 300, ""))
	if err != nil {
		t.Fatal(err)
	}
	// The pages around page 100 render until cancelled.
	src := &countingSource{Source: r, hold: func(p int) bool { return p >= 98 && p <= 102 }}
	v := newViewer(src, q.Post)
	t.Cleanup(v.Close)
	v.ShowThumbnails(false)
	w := test.NewTempWindow(t, v)
	w.Resize(windowSize)
	f := &fixture{v: v, w: w, c: w.Canvas(), q: q}
	f.waitRendered(t, 0)
	if got, want := f.pageLabel(), "1 / 300"; got != want {
		t.Errorf("page label %q, want %q", got, want)
	}
	if n := len(v.area.objects) - 1; n > 4 {
		t.Errorf("%d page views for one page in view", n)
	}

	// Jump to page 100, whose render does not finish, and on to page 200:
	// the render of page 100 is cancelled.
	held := func() []renderCall {
		var out []renderCall
		for _, c := range src.calls() {
			if src.hold(c.page) {
				out = append(out, c)
			}
		}
		return out
	}
	v.GoToPage(99)
	q.WaitFor(t, "the render of page 100 to start", func() bool {
		for _, c := range held() {
			if c.page == 99 {
				return true
			}
		}
		return false
	})
	v.GoToPage(199)
	q.WaitFor(t, "every render near page 100 to be cancelled", func() bool {
		for _, c := range held() {
			if c.ctx.Err() == nil {
				return false
			}
		}
		return true
	})
	f.waitRendered(t, 199)

	// Scroll through a stretch of pages as a wheel would.
	for k := 0; k < 40; k++ {
		v.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -300)})
		q.Drain()
	}
	f.waitRendered(t, v.Page())
	if v.Page() <= 199 {
		t.Errorf("scrolling down stayed on page %d", v.Page()+1)
	}
	if n := len(v.views); n > 6 {
		t.Errorf("%d live page views, want only those near the viewport", n)
	}
	pages := map[int]bool{}
	for _, c := range src.calls() {
		pages[c.page] = true
	}
	if len(pages) > 40 {
		t.Errorf("%d of 300 pages rendered, want only those shown", len(pages))
	}
	v.GoToPage(299)
	f.waitRendered(t, 299)
	if got, want := f.pageLabel(), "300 / 300"; got != want {
		t.Errorf("page label %q, want %q", got, want)
	}
}

// TestOddSources feeds the viewer a nil source, an empty one, and one
// whose pages have absurd sizes and cannot be rendered.
func TestOddSources(t *testing.T) {
	test.NewTempApp(t)
	q := uiqueue.New()
	for _, src := range []Source{
		nil,
		&fakeSource{pages: 0, sizes: func(int) (float64, float64, error) { return 0, 0, nil }},
		&fakeSource{pages: 3, sizes: func(i int) (float64, float64, error) {
			return []float64{math.NaN(), -5, 1e30}[i], 0, nil
		}},
	} {
		v := newViewer(src, q.Post)
		w := test.NewTempWindow(t, v)
		w.Resize(windowSize)
		test.Tap(v.area)
		for _, k := range []fyne.KeyName{fyne.KeyPageDown, fyne.KeyEnd, fyne.KeyHome, fyne.KeyF3, fyne.KeyUp} {
			v.TypedKey(&fyne.KeyEvent{Name: k})
		}
		v.GoToPage(7)
		v.GoToPage(-7)
		v.Zoom(3)
		v.ZoomIn()
		v.SetFit(FitPage)
		v.SetFit(FitMode(42))
		v.Search("x")
		q.Settle()
		v.NextHit()
		v.PrevHit()
		v.ShowThumbnails(false)
		if src != nil && src.NumPages() == 3 {
			q.WaitFor(t, "render failure shown", func() bool {
				pv := v.views[0]
				return pv != nil && pv.failed
			})
			if got := v.views[0].label.Text; !strings.Contains(got, "trang 1") {
				t.Errorf("failed page says %q", got)
			}
		}
		v.Close()
		v.Close()
		v.GoToPage(1)
		v.Search("y")
		v.Zoom(2)
		q.Drain()
	}
}

// TestScreenshot draws the viewer with a search active to
// /tmp/pdfview.png, for a person to look at.
func TestScreenshot(t *testing.T) {
	f := open(t, 30, fyne.NewSize(1100, 760), nil)
	v := f.v
	v.Search("ngân sách")
	f.q.WaitFor(t, "search", func() bool { return !v.search.running && v.Hits() > 0 })
	v.NextHit()
	v.NextHit()
	f.q.WaitFor(t, "thumbnails", func() bool {
		for _, it := range v.thumbItems {
			if it.page >= 0 && it.Visible() && it.img.Image == nil {
				return false
			}
		}
		return true
	})
	for p := range v.views {
		if p >= v.Page() && float32(v.geom.tops[p]) < v.scroll.Offset.Y+v.vp.Height {
			f.waitRendered(t, p)
		}
	}
	f.q.Settle()
	checkHighlights(t, v.views[v.Page()])
	out, err := os.Create("/tmp/pdfview.png")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, f.c.Capture()); err != nil {
		t.Fatal(err)
	}
}
