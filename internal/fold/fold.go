// Package fold compares Vietnamese text the way a person reads it: without
// case, tone marks or vowel marks, and with đ as d, so that "Đăng ký" and
// "dang ky" are the same words. Search in the catalogue, search in a PDF
// and the IDs made from titles all fold through here.
//
// Folding is golang.org/x/text's compatibility decomposition (NFKD) with
// every non-spacing mark dropped: that strips the marks whether the text
// came precomposed (NFC) or decomposed (NFD), and turns ligatures and
// full-width letters into plain ones. Unicode gives đ no decomposition, so
// đ, Đ and ð (sometimes typed for đ) are mapped to d by hand.
package fold

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tableSize covers Latin, Latin Extended, the combining marks and
// Vietnamese (U+1EA0–U+1EF9); other runes are folded on the fly.
const tableSize = 0x2000

var (
	tableOnce sync.Once
	table     [][]rune
	ascii     = func() []rune {
		rs := make([]rune, utf8.RuneSelf)
		for i := range rs {
			rs[i] = rune(i)
		}
		return rs
	}()
)

// Rune returns the runes r is compared as: none for a combining mark, ' '
// for any space, otherwise r in lower case without its marks, possibly
// several runes (a ligature). The result must not be modified.
func Rune(r rune) []rune {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v':
			r = ' '
		}
		return ascii[r : r+1]
	}
	if r < tableSize {
		tableOnce.Do(func() {
			table = make([][]rune, tableSize)
			for r := rune(0); r < tableSize; r++ {
				table[r] = compute(r)
			}
		})
		return table[r]
	}
	return compute(r)
}

func compute(r rune) []rune {
	switch {
	case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
		return []rune{'d'}
	case unicode.IsSpace(r):
		return []rune{' '}
	}
	out := []rune{}
	for _, d := range norm.NFKD.String(string(r)) {
		if IsMark(d) {
			continue
		}
		if d == 'đ' || d == 'Đ' {
			d = 'd'
		}
		out = append(out, unicode.ToLower(d))
	}
	return out
}

// IsMark reports whether r is a non-spacing combining mark, as in text
// typed or saved decomposed, where "ế" is e followed by two marks.
func IsMark(r rune) bool {
	return r >= 0x300 && r <= 0x36f || r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r)
}

// String folds every rune of s: "Kỳ họp Đặc biệt" becomes "ky hop dac biet".
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		for _, f := range Rune(r) {
			b.WriteRune(f)
		}
	}
	return b.String()
}
