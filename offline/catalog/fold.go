package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps every lower-case Vietnamese letter carrying a mark to its
// base letter, and đ to d.
var foldTable = func() map[rune]byte {
	groups := map[byte]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ",
		'e': "èéẻẽẹêềếểễệ",
		'i': "ìíỉĩị",
		'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự",
		'y': "ỳýỷỹỵ",
		'd': "đð", // ð (eth) is sometimes typed for đ
	}
	m := map[rune]byte{}
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// isMark reports whether r is a combining mark, as in text typed or saved
// in decomposed form (NFD), where "ế" is e followed by two marks.
func isMark(r rune) bool {
	return r >= 0x300 && r <= 0x36f || r > utf8.RuneSelf && unicode.Is(unicode.Mn, r)
}

// Fold returns s in lower case with Vietnamese tone and vowel marks removed
// and đ written d, so that "Đăng ký" and "dang ky" compare equal. Text in
// precomposed (NFC) or decomposed (NFD) form folds the same: combining
// marks are dropped.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case isMark(r):
		default:
			r = unicode.ToLower(r)
			if c, ok := foldTable[r]; ok {
				b.WriteByte(c)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

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
		if r >= utf8.RuneSelf && isMark(r) {
			for j := max(last, 0); last >= 0 && j < len(f.end); j++ {
				f.end[j] = int32(next) // the mark belongs to the letter before it
			}
			i = next
			continue
		}
		last = b.Len()
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		default:
			r = unicode.ToLower(r)
			if c, ok := foldTable[r]; ok {
				b.WriteByte(c)
			} else {
				b.WriteRune(r)
			}
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
