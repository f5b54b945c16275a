package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// firstScroll is the first scroll inside o that moves up and down.
func firstScroll(o fyne.CanvasObject) *container.Scroll {
	var found *container.Scroll
	walk(o, func(o fyne.CanvasObject) {
		// A page scrolls up and down; a row of steps only sideways.
		if s, ok := o.(*container.Scroll); ok && found == nil && s.Direction != container.ScrollHorizontalOnly {
			found = s
		}
	})
	return found
}

// wheelOver turns the mouse wheel down by one notch with the pointer over
// o (test.Scroll gives it to what Fyne's window would: the innermost
// scrollable thing there) and says how far page moved.
func wheelOver(c fyne.Canvas, o fyne.CanvasObject, page *container.Scroll) float32 {
	before := page.Offset.Y
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(5, 5))
	test.Scroll(c, pos, 0, -40)
	return page.Offset.Y - before
}

// TestWheelOverFieldsScrollsThePage: on the host's long form, in a window
// too short to show it, the wheel turned over a field scrolls the page
// (it used to be taken by the field, which slid its text sideways or did
// nothing); and a field of several lines in the volunteer's form grows
// with its text, so the wheel over it scrolls the page too.
func TestWheelOverFieldsScrollsThePage(t *testing.T) {
	t.Run("host form", func(t *testing.T) {
		u := startDemo(t)
		fyne.DoAndWait(func() {
			u.tabs.SelectIndex(1)
			u.win.Resize(fyne.NewSize(1024, 400))
		})
		fyne.DoAndWait(func() {
			page := firstScroll(u.host.split.Leading)
			if page == nil || page.Content.MinSize().Height <= page.Size().Height {
				t.Fatalf("the host's form fits its window: nothing to scroll")
			}
			var fields []*widget.Entry
			walk(page.Content, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok && len(fields) < 3 {
					fields = append(fields, e)
				}
			})
			for _, e := range fields {
				if moved := wheelOver(u.win.Canvas(), e, page); moved <= 0 {
					t.Errorf("the wheel over the field holding %q moved the page by %v, want it scrolled down", e.Text, moved)
				}
			}
		})
	})
	t.Run("volunteer's request", func(t *testing.T) {
		w, h, _ := caseChosen(t)
		w.goStep(3)
		h.win.Resize(fyne.NewSize(900, 500))
		var request *widget.Entry
		walk(w.editor, func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok && e.MultiLine && request == nil {
				request = e
			}
		})
		if request == nil {
			t.Fatal("no field of several lines on the record step")
		}
		empty := request.MinSize().Height
		test.Type(request, strings.Repeat("Xin cấp lại giấy khai sinh cho cháu, bản cũ bị ướt khi lũ về.\n", 8))
		if grown := request.MinSize().Height; grown < 2*empty {
			t.Errorf("the request with 8 lines is %v tall, empty %v: want it grown to show them", grown, empty)
		}
		page := firstScroll(w.editor)
		if moved := wheelOver(h.win.Canvas(), request, page); moved <= 0 {
			t.Errorf("the wheel over the request moved the page by %v, want it scrolled down", moved)
		}
	})
}
