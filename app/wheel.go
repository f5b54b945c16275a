package app

import (
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne gives the mouse wheel to the innermost scrollable thing under the
// pointer. Every one-line field holds one (to slide a long text
// sideways), so over a form the wheel slid the field's text, or did
// nothing, and the page stood still: a long form could not be scrolled
// with the pointer over its fields. A page made by wheelPage takes the
// wheel over all it shows. A field of several lines grows with its text
// (growing) instead of scrolling inside itself, so that nothing is
// hidden where the wheel does not reach.

// wheelPage is page, with the wheel anywhere over it scrolling it.
func wheelPage(page *container.Scroll) fyne.CanvasObject {
	w := &wheel{page: page}
	w.ExtendBaseWidget(w)
	return container.NewStack(page, w)
}

// wheel lies over a page, draws nothing and takes no tap, hover or drag:
// only the wheel, which it gives to the page.
type wheel struct {
	widget.BaseWidget
	page *container.Scroll
}

func (w *wheel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{})
}

func (w *wheel) Scrolled(ev *fyne.ScrollEvent) { w.page.Scrolled(ev) }

// growing makes a field of several lines as tall as its text, from
// minRows up to maxRows, re-measured as it is typed in.
func growing(e *widget.Entry, minRows, maxRows int) *widget.Entry {
	fit := func() {
		e.SetMinRowsVisible(min(maxRows, max(minRows, wrappedRows(e.Text, e.Size().Width-4*theme.InnerPadding()))))
	}
	changed := e.OnChanged
	e.OnChanged = func(s string) {
		if changed != nil {
			changed(s)
		}
		fit()
	}
	fit()
	return e
}

// wrappedRows estimates how many lines text takes when wrapped at width
// (each paragraph's length over the width, with room for the words that
// do not fit at a line's end); without a width, its paragraphs.
func wrappedRows(text string, width float32) int {
	paragraphs := strings.Split(text, "\n")
	if width <= 0 {
		return len(paragraphs)
	}
	rows := 0
	for _, p := range paragraphs {
		w := fyne.MeasureText(p, theme.TextSize(), fyne.TextStyle{}).Width
		rows += max(1, int(math.Ceil(float64(w/(width*0.85)))))
	}
	return rows
}
