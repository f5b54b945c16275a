package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// tabWalk presses Tab from nothing focused until the focus comes back
// round, and returns what was focused, in order, with where it is.
func tabWalk(u *UI) (names []string, pos []fyne.Position) {
	c := u.win.Canvas()
	c.Unfocus()
	seen := map[fyne.Focusable]bool{}
	for range 400 {
		test.FocusNext(c)
		f := c.Focused()
		if f == nil || seen[f] {
			break
		}
		seen[f] = true
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.(fyne.CanvasObject))
		name := fmt.Sprintf("%T", f)
		switch w := f.(type) {
		case *widget.Entry:
			name += " " + w.PlaceHolder + "|" + w.Text
		case *dialogEntry:
			name += " " + w.PlaceHolder + "|" + w.Text
		case *widget.Button:
			name += " " + w.Text
		case *widget.Select:
			name += " " + w.Selected
		case *widget.Check:
			name += " " + w.Text
		}
		names = append(names, name)
		pos = append(pos, p)
	}
	return names, pos
}

// TestTabFollowsReadingOrder: Tab goes through each screen as a person
// reads it, top to bottom and left to right, a column at a time: it goes
// back up only to start a column further right (it went back up to the
// host's toolbar, reached only after the whole form). The delegate's screen is walked with a
// document and the notes open, the volunteer's at set-up and in the
// wizard's identity step.
func TestTabFollowsReadingOrder(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	eventually(t, "the demo document open", func() bool { return d.doc.viewer != nil && d.pane.man != nil })
	check := func(screen string) {
		t.Helper()
		var names []string
		var pos []fyne.Position
		fyne.DoAndWait(func() { names, pos = tabWalk(u) })
		if len(names) < 3 {
			t.Fatalf("%s: Tab reaches only %q", screen, names)
		}
		const tol = 4
		for i := 1; i < len(pos); i++ {
			a, b := pos[i-1], pos[i]
			if b.Y < a.Y-tol && b.X <= a.X+tol {
				t.Errorf("%s: Tab goes back up, not to a column on the right, from %s at %v to %s at %v", screen, names[i-1], a, names[i], b)
			}
		}
	}
	fyne.DoAndWait(func() { test.Tap(d.doc.notesButton) })
	check("delegate")
	fyne.DoAndWait(func() { u.tabs.SelectIndex(1) })
	check("host")
	fyne.DoAndWait(func() { u.tabs.SelectIndex(2) })
	check("volunteer, set-up")
}
