package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"dinh/internal/fold"
)

// folded is a folded text that remembers where each of its bytes came from
// in the original, so that a match found in the folded text can be
// highlighted in the original.
type folded struct {
	text  string
	start []int32 // start[i]: offset in the original of the letter folded into text[i]
	end   []int32 // end[i]: offset just past that letter and any marks that follow it
}

func foldMapped(s string) folded {
	var b strings.Builder
	f := folded{start: make([]int32, 0, len(s)), end: make([]int32, 0, len(s))}
	last := -1 // index in f of the first byte of the last letter written
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		next := i + n
		if r >= utf8.RuneSelf && fold.IsMark(r) {
			for j := max(last, 0); last >= 0 && j < len(f.end); j++ {
				f.end[j] = int32(next) // the mark belongs to the letter before it
			}
			i = next
			continue
		}
		last = b.Len()
		for _, f := range fold.Rune(r) {
			b.WriteRune(f)
		}
		for b.Len() > len(f.start) {
			f.start = append(f.start, int32(i))
			f.end = append(f.end, int32(next))
		}
		i = next
	}
	f.text = b.String()
	return f
}

// span returns the original byte range of the folded range [from, to).
func (f *folded) span(from, to int) [2]int {
	return [2]int{int(f.start[from]), int(f.end[to-1])}
}

// word is a token of a folded text: a run of letters and digits.
type word struct{ from, to int }

// words splits a folded text into runs of letters and digits.
func words(s string) []word {
	var out []word
	from := -1
	for i, r := range s {
		in := r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9') ||
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case in && from < 0:
			from = i
		case !in && from >= 0:
			out = append(out, word{from, i})
			from = -1
		}
	}
	if from >= 0 {
		out = append(out, word{from, len(s)})
	}
	return out
}

// withinOne reports whether a and b are at most one edit apart, counting an
// insertion, a deletion, a substitution or the transposition of two
// neighbouring letters as one edit (optimal string alignment distance ≤ 1).
func withinOne(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i >= len(a)-1 {
			return true // equal, or only the last letter differs
		}
		if a[i+1:] == b[i+1:] {
			return true // one substitution
		}
		return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}
