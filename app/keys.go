package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Escape closes the newest dialog of a window, as its cancelling button
// would (Fyne 2.7's dialogs do not listen for it). A dialog shown with
// showDialog is counted, and the fields inside one are dialogEntry, which
// pass Escape on: a focused field would otherwise take the key.

// openDialogs are the dialogs showing in each window, newest last. Only
// the UI goroutine touches it.
var openDialogs = map[fyne.Window][]dialog.Dialog{}

// showDialog shows d in win, closable with Escape. Nothing keeps the
// focus behind it, so the key reaches the window.
func showDialog(win fyne.Window, d dialog.Dialog) {
	if _, ok := openDialogs[win]; !ok {
		win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
			if ev.Name == fyne.KeyEscape {
				escape(win)
			}
		})
	}
	openDialogs[win] = append(openDialogs[win], d)
	d.SetOnClosed(func() {
		openDialogs[win] = slices.DeleteFunc(openDialogs[win], func(x dialog.Dialog) bool { return x == d })
	})
	d.Show()
	if _, ok := d.(*dialog.FileDialog); ok {
		placesInLanguage(win)
	}
	win.Canvas().Unfocus()
}

// escape closes win's newest dialog, if one shows.
func escape(win fyne.Window) {
	if open := openDialogs[win]; len(open) > 0 {
		open[len(open)-1].Dismiss()
	}
}

// dialogEntry is a field in a dialog: Escape closes the dialog, as it
// does when no field has the focus.
type dialogEntry struct {
	widget.Entry
	win fyne.Window
}

func newDialogEntry(win fyne.Window, password bool) *dialogEntry {
	e := &dialogEntry{win: win}
	e.Password = password
	e.ExtendBaseWidget(e)
	if password {
		e.ActionItem = nil // the widget adds its own eye, as NewPasswordEntry does
	}
	return e
}

func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		escape(e.win)
		return
	}
	e.Entry.TypedKey(ev)
}
