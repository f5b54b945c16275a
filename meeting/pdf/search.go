package pdf

import (
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin, Latin Extended and Vietnamese (U+1EA0–U+1EF9);
// other runes are folded on the fly.
const foldTableSize = 0x2000

var (
	foldOnce  sync.Once
	foldTable [][]rune
)

// foldRune maps r to the runes it is compared as: lower case, without
// diacritics, "đ" as "d", compatibility forms (ligatures, full-width)
// decomposed. Combining marks fold to nothing, so decomposed text matches
// precomposed text. Any space folds to ' '.
func foldRune(r rune) []rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' {
			r = ' '
		}
		return asciiRunes[r : r+1]
	}
	if r < foldTableSize {
		foldOnce.Do(buildFoldTable)
		return foldTable[r]
	}
	return computeFold(r)
}

var asciiRunes = func() []rune {
	rs := make([]rune, 0x80)
	for i := range rs {
		rs[i] = rune(i)
	}
	return rs
}()

func buildFoldTable() {
	foldTable = make([][]rune, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		foldTable[r] = computeFold(r)
	}
}

func computeFold(r rune) []rune {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return []rune{'d'}
	}
	if unicode.IsSpace(r) {
		return []rune{' '}
	}
	var out []rune
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if d == 'đ' || d == 'Đ' {
			d = 'd'
		}
		out = append(out, unicode.ToLower(d))
	}
	return out
}

// fold folds a query: every rune through foldRune, runs of spaces collapsed,
// no leading or trailing space.
func fold(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		for _, f := range foldRune(r) {
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
		for _, f := range foldRune(c.r) {
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
