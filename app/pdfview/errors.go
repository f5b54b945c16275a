package pdfview

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
)

// ErrorMessage explains to a delegate why a document did not open, in the
// current language. It returns "" for a nil error.
func ErrorMessage(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, pdf.ErrPassword):
		return i18n.T("pdfview.error.password")
	case errors.Is(err, pdf.ErrCorrupt):
		return i18n.T("pdfview.error.corrupt")
	case errors.Is(err, fs.ErrNotExist):
		return i18n.T("pdfview.error.missing")
	case errors.Is(err, fs.ErrPermission):
		return i18n.T("pdfview.error.permission")
	default:
		return i18n.T("pdfview.error.other")
	}
}

// NewErrorView shows, in place of the viewer, an icon, a title and the
// message of ErrorMessage; for an unexpected error it adds the technical
// detail, small, for whoever helps the delegate.
func NewErrorView(err error) fyne.CanvasObject {
	icon := theme.ErrorIcon()
	if errors.Is(err, pdf.ErrPassword) {
		icon = theme.WarningIcon()
	}
	img := canvas.NewImageFromResource(icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(64, 64))

	title := widget.NewLabelWithStyle(i18n.T("pdfview.error.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(ErrorMessage(err))
	msg.Alignment = fyne.TextAlignCenter
	msg.Wrapping = fyne.TextWrapWord
	items := []fyne.CanvasObject{container.NewCenter(img), title, msg}

	if err != nil && !errors.Is(err, pdf.ErrPassword) && !errors.Is(err, pdf.ErrCorrupt) &&
		!errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
		detail := widget.NewLabel(err.Error())
		detail.Alignment = fyne.TextAlignCenter
		detail.Wrapping = fyne.TextWrapWord
		detail.SizeName = theme.SizeNameCaptionText
		detail.Importance = widget.LowImportance
		items = append(items, detail)
	}
	box := container.NewVBox(items...)
	return container.NewCenter(container.New(&widthLayout{w: 440}, box))
}

// widthLayout gives its objects a fixed width, so that wrapped text has a
// line length to wrap at inside a centring container.
type widthLayout struct{ w float32 }

func (l *widthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l *widthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		o.Resize(fyne.NewSize(l.w, o.MinSize().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}
