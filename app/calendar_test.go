package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"dinh/internal/i18n"
)

// TestCalendarAlone: the calendar, in a window of its own, shows December
// 2026 in Vietnamese from Monday with the 3rd marked, as its golden markup
// says, and gives the day tapped at the time of day it was given.
func TestCalendarAlone(t *testing.T) {
	test.NewTempApp(t)
	i18n.SetLanguage("vi")
	var got time.Time
	c := newCalendar(time.Date(2026, 12, 3, 8, 0, 0, 0, time.Local), func(d time.Time) { got = d })
	w := test.NewTempWindow(t, c.root)
	w.Resize(fyne.NewSize(360, 320))
	test.AssertRendersToMarkup(t, "calendar_dec2026.xml", w.Canvas())
	test.Tap(findButton(c.days, "24"))
	if want := time.Date(2026, 12, 24, 8, 0, 0, 0, time.Local); !got.Equal(want) {
		t.Fatalf("tapping the 24th gave %v, want %v", got, want)
	}
}
