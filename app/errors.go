package app

import (
	"errors"
	"io/fs"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdf"
	"dinh/offline/dossier"
	"dinh/offline/photo"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/sync/field"
	"dinh/sync/lan"
	"dinh/sync/province"
)

// errorWords is every kind of failure the app knows, as the person reads
// it. The words never hold the error's own text, which is technical and
// in English: that goes under "Chi tiết" (errorBox), for the
// administrator.
var errorWords = []struct {
	err error
	key string
}{
	{vault.ErrLocked, "vol.locked.idle"},
	{vault.ErrOldFormat, "vol.err.old_vault"},
	{vault.ErrDecrypt, "vol.err.damaged"},
	{dossier.ErrDamaged, "vol.err.damaged"},
	{dossier.ErrDiskFull, "vol.err.disk_full"},
	{syscall.ENOSPC, "vol.err.disk_full"},
	{photo.ErrTooLarge, "vol.err.too_large"},
	{photo.ErrNotImage, "vol.err.not_image"},
	{photo.ErrTruncated, "vol.err.truncated"},
	{photo.ErrTooManyPixels, "vol.err.too_many_pixels"},
	{photo.ErrCorrupt, "vol.err.corrupt"},
	{province.ErrBadCommune, "vol.sync.bad_commune"},
	{field.ErrBadAddress, "vol.sync.bad_address"},
	{field.ErrBadHubID, "vol.sync.bad_hub"},
	{field.ErrBadCentralID, "vol.sync.bad_central"},
	{store.ErrLocked, "err.in_use"},
	{meeting.ErrInvalid, "err.meeting_invalid"},
	{pdf.ErrPassword, "err.pdf_password"},
	{pdf.ErrCorrupt, "err.pdf_corrupt"},
	{fs.ErrPermission, "err.permission"},
	{fs.ErrNotExist, "err.not_found"},
}

// errorText puts a failure into words for the person: the words of its
// kind, or a plain "something went wrong" for a kind the app does not
// know. It never splices the error's own text into a sentence.
func errorText(err error) string {
	var inc *dossier.IncompleteError
	if errors.As(err, &inc) {
		return i18n.T("vol.err.incomplete")
	}
	var doc *lan.DocumentError
	if errors.As(err, &doc) {
		return i18n.T("host.err.document", doc.Name, errorText(doc.Err))
	}
	for _, w := range errorWords {
		if errors.Is(err, w.err) {
			return i18n.T(w.key)
		}
	}
	return i18n.T("err.unexpected")
}

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
	d.Show()
}
