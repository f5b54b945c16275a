package app

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
)

// calendar is a month of days to pick one from, in the app's language
// (Fyne's own calendar names its months in English whatever the
// language), weeks from Monday as Vietnamese calendars print them.
type calendar struct {
	root   fyne.CanvasObject
	title  *widget.Label
	days   *fyne.Container
	month  time.Time // the first of the month shown
	chosen time.Time
	picked func(time.Time)
}

// newCalendar shows chosen's month with chosen marked; picked gets the
// day tapped, at chosen's time of day.
func newCalendar(chosen time.Time, picked func(time.Time)) *calendar {
	c := &calendar{chosen: chosen, picked: picked,
		title: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		days:  container.NewGridWithColumns(7),
		month: time.Date(chosen.Year(), chosen.Month(), 1, 0, 0, 0, 0, chosen.Location())}
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { c.show(c.month.AddDate(0, -1, 0)) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { c.show(c.month.AddDate(0, 1, 0)) })
	c.root = readingBorder(container.NewBorder(nil, nil, prev, next, c.title), nil, nil, nil, c.days)
	c.show(c.month)
	return c
}

// show draws the month that starts on first.
func (c *calendar) show(first time.Time) {
	c.month = first
	c.title.SetText(i18n.T("date.month", int(first.Month()), first.Year(), i18n.T(fmt.Sprintf("date.monthName.%d", int(first.Month())))))
	c.days.RemoveAll()
	for i := range 7 {
		c.days.Add(widget.NewLabelWithStyle(i18n.T(fmt.Sprintf("date.weekday.short.%d", (i+1)%7)), fyne.TextAlignCenter, fyne.TextStyle{}))
	}
	for range (int(first.Weekday()) + 6) % 7 { // Monday first
		c.days.Add(layout.NewSpacer())
	}
	for d := first; d.Month() == first.Month(); d = d.AddDate(0, 0, 1) {
		day := d
		b := widget.NewButton(strconv.Itoa(d.Day()), func() {
			c.picked(time.Date(day.Year(), day.Month(), day.Day(), c.chosen.Hour(), c.chosen.Minute(), 0, 0, c.chosen.Location()))
		})
		b.Importance = widget.LowImportance
		if day.Year() == c.chosen.Year() && day.YearDay() == c.chosen.YearDay() {
			b.Importance = widget.HighImportance
		}
		c.days.Add(b)
	}
	c.days.Refresh()
}
