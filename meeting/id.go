package meeting

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips Vietnamese diacritics: "Kỳ họp Đặc biệt" becomes
// "ky hop dac biet". Search and IDs use it.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// NewID derives a readable meeting ID from a title and a start time, as the
// host screen does for a meeting created by hand.
func NewID(title string, start time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		id = "cuoc-hop"
	}
	return id + "-" + start.Format("20060102")
}
