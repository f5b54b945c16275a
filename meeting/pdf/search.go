package pdf

import "dinh/internal/fold"

// foldQuery folds a query: every rune through foldRune, runs of spaces collapsed,
// no leading or trailing space.
func foldQuery(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		for _, f := range fold.Rune(r) {
			if f == ' ' && (len(out) == 0 || out[len(out)-1] == ' ') {
				continue
			}
			out = append(out, f)
		}
	}
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return out
}

// foldedPage is the folded text of a page with, for each folded rune, the
// index of the character it came from (-1 for the space that joins lines).
type foldedPage struct {
	text []rune
	src  []int32
}

func foldChars(chars []char) foldedPage {
	p := foldedPage{
		text: make([]rune, 0, len(chars)),
		src:  make([]int32, 0, len(chars)),
	}
	space := func(src int32) {
		if len(p.text) > 0 && p.text[len(p.text)-1] != ' ' {
			p.text = append(p.text, ' ')
			p.src = append(p.src, src)
		}
	}
	for k, c := range chars {
		if k > 0 && c.line != chars[k-1].line {
			space(-1)
		}
		for _, f := range fold.Rune(c.r) {
			if f == ' ' {
				space(int32(k))
				continue
			}
			p.text = append(p.text, f)
			p.src = append(p.src, int32(k))
		}
	}
	return p
}

// find returns the start of each non-overlapping occurrence of q.
func (p foldedPage) find(q []rune) []int {
	var hits []int
	n, m := len(p.text), len(q)
	for s := 0; s+m <= n; s++ {
		if p.text[s] != q[0] {
			continue
		}
		k := 1
		for k < m && p.text[s+k] == q[k] {
			k++
		}
		if k == m {
			hits = append(hits, s)
			s += m - 1
		}
	}
	return hits
}

// rects turns the occurrence [s, s+m) into one rectangle per line it covers.
func (p foldedPage) rects(chars []char, s, m int) []Rect {
	var out []Rect
	line := -1
	var x0, y0, x1, y1 float32
	flush := func() {
		if line >= 0 && x1 > x0 && y1 > y0 {
			out = append(out, Rect{X: float64(x0), Y: float64(y0), W: float64(x1 - x0), H: float64(y1 - y0)})
		}
	}
	for k := s; k < s+m; k++ {
		i := p.src[k]
		if i < 0 {
			continue
		}
		c := chars[i]
		if c.line != line {
			flush()
			line = c.line
			x0, y0, x1, y1 = c.x0, c.y0, c.x1, c.y1
			continue
		}
		x0, y0 = min(x0, c.x0), min(y0, c.y0)
		x1, y1 = max(x1, c.x1), max(y1, c.y1)
	}
	flush()
	return out
}

func searchChars(chars []char, q []rune) []Rect {
	return foldChars(chars).search(chars, q)
}

func (p foldedPage) search(chars []char, q []rune) []Rect {
	var out []Rect
	for _, s := range p.find(q) {
		out = append(out, p.rects(chars, s, len(q))...)
	}
	return out
}
