package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/container"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/meeting"
)

func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return i18n.T("time.seconds", int(d.Seconds()))
	case d < time.Hour:
		return i18n.T("time.minutes", int(d.Minutes()+0.5))
	}
	return i18n.T("time.hours", int(d.Hours()), int(d.Minutes())%60)
}

// longDate is a time as Vietnamese forms write it: "08:00, thứ Năm
// 03/12/2026" (or its English equivalent); "" for no time.
func longDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return i18n.T("date.long", t.Format("15:04"), i18n.T(fmt.Sprintf("date.weekday.%d", int(t.Weekday()))), t.Format("02/01/2006"))
}

// describeChanges is the sentence a delegate reads when an update arrives.
func describeChanges(version int64, c meeting.Changes) string {
	what := words.Changes(i18n.Language(), c)
	if what == "" {
		return i18n.T("changes.none", version)
	}
	return i18n.T("changes.header", version) + " " + what + "."
}

// keptSplit returns s at the offset of old, the split it replaces when a
// view is built again (for a language switch), or at offset for the
// first build: the person's layout survives the switch.
func keptSplit(old, s *container.Split, offset float64) *container.Split {
	if old != nil {
		offset = old.Offset
	}
	s.SetOffset(offset)
	return s
}
