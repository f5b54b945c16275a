package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/internal/words"
)

// errorText puts a failure into words for the person, in the app's
// language (package words holds the kinds). It never splices the error's
// own text into a sentence: that goes under "Chi tiết" (errorBox), for the
// administrator.
func errorText(err error) string { return words.Error(i18n.Language(), err) }

// errorBox is a failure in words, with its technical text folded away
// under "Chi tiết" and selectable, to read out to an administrator.
func errorBox(lead string, err error) fyne.CanvasObject {
	words := errorText(err)
	if lead != "" {
		words = lead + " " + words
	}
	msg := wrapped(words)
	msg.Importance = widget.DangerImportance
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapBreak
	detail.Selectable = true
	return container.NewVBox(msg, widget.NewAccordion(widget.NewAccordionItem(i18n.T("err.details"), detail)))
}

// showErrorDialog is dialog.ShowError with the words in the app's
// language and the detail folded away.
func showErrorDialog(lead string, err error, win fyne.Window) {
	d := dialog.NewCustom(i18n.T("err.title"), i18n.T("vol.close"), errorBox(lead, err), win)
	d.Resize(fyne.NewSize(520, 0))
	showDialog(win, d)
}

// showProblem tells of a mistake the person can mend (a file's name, say),
// in words with nothing technical to fold away.
func showProblem(text string, win fyne.Window) {
	d := dialog.NewCustom(i18n.T("err.title"), i18n.T("vol.close"), wrapped(text), win)
	d.Resize(fyne.NewSize(520, 0))
	showDialog(win, d)
}
