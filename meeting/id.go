package meeting

import (
	"strings"
	"time"

	"dinh/internal/fold"
)

// NewID derives a readable meeting ID from a title and a start time, as the
// host screen does for a meeting created by hand.
func NewID(title string, start time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range fold.String(title) {
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
