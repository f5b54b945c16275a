package pdfview

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
)

// searchState is the last search and the hit the user is on.
type searchState struct {
	query   string // trimmed query of the last search started
	hits    []pdf.Hit
	byPage  map[int][]int // page → indexes into hits
	cur     int           // current hit, -1 if none
	running bool
	failed  bool
	cancel  func()
	seq     uint64
}

// Search looks for query in the whole document, ignoring case and
// Vietnamese diacritics, without blocking: the hit count, the highlights
// and the jump to the first hit from the current page follow when the
// search is done. An empty query clears the search.
func (v *Viewer) Search(query string) {
	if v.closed {
		return
	}
	if v.searchEntry.Text != query {
		v.searchEntry.SetText(query)
	}
	v.runSearch(query)
}

// Hits returns the number of hits of the last finished search.
func (v *Viewer) Hits() int { return len(v.search.hits) }

// NextHit moves to the next hit, wrapping around.
func (v *Viewer) NextHit() { v.stepHit(1) }

// PrevHit moves to the previous hit, wrapping around.
func (v *Viewer) PrevHit() { v.stepHit(-1) }

func (v *Viewer) runSearch(query string) {
	s := &v.search
	q := strings.TrimSpace(query)
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.seq++
	s.query = q
	s.running, s.failed = false, false
	v.setHits(nil)
	if q == "" || v.src == nil || v.n == 0 {
		v.updateHitLabel()
		return
	}
	s.running = true
	v.updateHitLabel()
	seq := s.seq
	s.cancel = v.tasks.start(func(ctx context.Context) {
		hits, err := v.src.Search(ctx, q)
		if ctx.Err() != nil {
			return
		}
		v.post(func() {
			if v.closed || v.search.seq != seq {
				return
			}
			v.search.cancel = nil
			v.search.running = false
			v.search.failed = err != nil && !errors.Is(err, context.Canceled) && len(hits) == 0
			v.setHits(hits)
			if len(hits) > 0 {
				v.goToHit(v.firstHitFrom(v.page))
			}
			v.updateHitLabel()
		})
	})
}

// setHits replaces the hits and redraws the highlights.
func (v *Viewer) setHits(hits []pdf.Hit) {
	s := &v.search
	s.hits, s.cur = hits, -1
	s.byPage = make(map[int][]int)
	for k, h := range hits {
		if h.Page >= 0 && h.Page < v.n {
			s.byPage[h.Page] = append(s.byPage[h.Page], k)
		}
	}
	v.redrawHighlights()
}

// hitRectsOn returns the highlights of page p: the person's own, then
// the search hits over them.
func (v *Viewer) hitRectsOn(p int) []hlRect {
	s := &v.search
	out := v.markRectsOn(p)
	for _, k := range s.byPage[p] {
		for _, r := range s.hits[k].Rects {
			style := styleHit
			if k == s.cur {
				style = styleCurrent
			}
			out = append(out, hlRect{r: r, style: style})
		}
	}
	return out
}

// firstHitFrom returns the first hit on page p or after it, wrapping.
func (v *Viewer) firstHitFrom(p int) int {
	for k, h := range v.search.hits {
		if h.Page >= p {
			return k
		}
	}
	return 0
}

func (v *Viewer) stepHit(dir int) {
	if v.closed {
		return
	}
	s := &v.search
	if q := strings.TrimSpace(v.searchEntry.Text); q != s.query {
		v.runSearch(q)
		return
	}
	n := len(s.hits)
	if n == 0 {
		return
	}
	k := s.cur
	switch {
	case k < 0 && dir > 0:
		k = v.firstHitFrom(v.page)
	case k < 0:
		k = (v.firstHitFrom(v.page) - 1 + n) % n
	default:
		k = (k + dir + n) % n
	}
	v.goToHit(k)
	v.updateHitLabel()
}

// goToHit makes hit k current, redraws the highlights of the pages
// concerned and scrolls the hit into view.
func (v *Viewer) goToHit(k int) {
	s := &v.search
	if k < 0 || k >= len(s.hits) {
		return
	}
	old := s.cur
	s.cur = k
	for _, j := range []int{old, k} {
		if j < 0 || j >= len(s.hits) {
			continue
		}
		p := s.hits[j].Page
		if pv := v.views[p]; pv != nil {
			pv.setHits(v.hitRectsOn(p))
		}
	}
	p := s.hits[k].Page
	if p < 0 || p >= v.n {
		return
	}
	v.setPage(p)
	v.pin = func() fyne.Position { return v.hitOffset(k) }
	v.scrollTo(v.pin())
}

// hitOffset returns the scroll offset that shows hit k: unchanged if it is
// in view already, else with the hit a third of the way down.
func (v *Viewer) hitOffset(k int) fyne.Position {
	h := v.search.hits[k]
	off := v.scroll.Offset
	if len(h.Rects) == 0 {
		return fyne.NewPos(off.X, v.pageTop(h.Page))
	}
	x0, y0 := h.Rects[0].X, h.Rects[0].Y
	x1, y1 := x0+h.Rects[0].W, y0+h.Rects[0].H
	for _, r := range h.Rects[1:] {
		x0, y0 = min(x0, r.X), min(y0, r.Y)
		x1, y1 = max(x1, r.X+r.W), max(y1, r.Y+r.H)
	}
	s := v.geom.scale
	left := v.geom.pageX(h.Page, v.area.Size().Width)
	top, bottom := v.geom.tops[h.Page]+float32(y0)*s, v.geom.tops[h.Page]+float32(y1)*s
	if top < off.Y || bottom > off.Y+v.vp.Height {
		off.Y = top - v.vp.Height/3
	}
	xl, xr := left+float32(x0)*s, left+float32(x1)*s
	if xl < off.X || xr > off.X+v.vp.Width {
		off.X = xl - v.vp.Width/3
	}
	return off
}

func (v *Viewer) updateHitLabel() {
	s := &v.search
	var text string
	switch {
	case s.running:
		text = i18n.T("pdfview.search.running")
	case s.failed:
		text = i18n.T("pdfview.search.error")
	case s.query == "":
		text = ""
	case len(s.hits) == 0:
		text = i18n.T("pdfview.search.none")
	case s.cur < 0:
		text = i18n.T("pdfview.search.count", 0, len(s.hits))
	default:
		text = i18n.T("pdfview.search.count", s.cur+1, len(s.hits))
	}
	v.hitLabel.SetText(text)
	enable := len(s.hits) > 0
	for _, b := range []*widget.Button{v.prevHitBtn, v.nextHitBtn} {
		if enable {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}
