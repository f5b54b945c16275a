package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/app/pdfview"
	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
)

// docPane is the open document: MuPDF's viewer, or a message for a PDF
// that cannot be shown, and beside it on demand the signature panel.
type docPane struct {
	blobs *blob.Store
	// check verifies a document's signatures, once; done runs when it
	// has.
	check    func(doc meeting.Document, done func()) *sigCheck
	focus    func(fyne.Focusable)
	onChange func() // the document opened or closed

	name      string // the open document, "" for none
	doc       meeting.Document
	viewer    *pdfview.Viewer
	viewerErr fyne.CanvasObject // shown instead of a viewer for a broken PDF
	sigShown  bool              // the signature panel is beside the viewer
	notes     *notesPane
	// notesShown: the delegate's notes are beside the viewer, in place
	// of the signature panel.
	notesShown bool

	title       *widget.Label
	content     *fyne.Container
	sigButton   *widget.Button
	notesButton *widget.Button
}

func (p *docPane) build() {
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.content = container.NewStack()
	p.sigButton = widget.NewButtonWithIcon(i18n.T("sig.button"), theme.DocumentIcon(), func() {
		p.sigShown = !p.sigShown
		p.notesShown = p.notesShown && !p.sigShown
		p.show()
	})
	p.sigButton.Hide()
	p.notesButton = widget.NewButtonWithIcon(i18n.T("notes.button"), theme.DocumentCreateIcon(), func() {
		p.notesShown = !p.notesShown
		p.sigShown = p.sigShown && !p.notesShown
		p.show()
	})
	p.notesButton.Hide()
	if p.viewer != nil {
		p.viewer.Relabel() // the language changed: the document stays open
	}
}

func (p *docPane) view() fyne.CanvasObject {
	closeDoc := widget.NewButtonWithIcon(i18n.T("viewer.close"), theme.CancelIcon(), p.close)
	v := readingBorder(readingBorder(nil, nil, nil, container.NewHBox(p.notesButton, p.sigButton, closeDoc), p.title), nil, nil, nil, p.content)
	if p.name == "" {
		p.placeholder()
	} else {
		p.show()
	}
	return v
}

func (p *docPane) placeholder() {
	// No wrapping: a wrapping label in a centring container has no width.
	msg := widget.NewLabelWithStyle(i18n.T("viewer.pick"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	p.title.SetText("")
	p.sigButton.Hide()
	p.notesButton.Hide()
	p.content.Objects = []fyne.CanvasObject{container.NewCenter(msg)}
	p.content.Refresh()
}

// open shows a verified document. A broken PDF gets a message in place of
// the viewer; the rest of the meeting is unaffected.
func (p *docPane) open(doc meeting.Document) {
	if !blobReady(p.blobs, doc) {
		return
	}
	p.release()
	p.name, p.doc = doc.Name, doc
	p.title.SetText(doc.Name)
	v, err := pdfview.OpenWith(p.blobs.Path(doc.SHA256), post)
	p.viewerErr = nil
	if err != nil {
		p.viewerErr = pdfview.NewErrorView(err)
	} else {
		p.viewer = v
	}
	c := p.check(doc, p.checked)
	p.sigShown = c.done && needsAttention(c)
	p.notesShown = p.notesShown && !p.sigShown
	path := ""
	if p.viewer != nil {
		path = p.blobs.Path(doc.SHA256)
	}
	p.notes.setDoc(doc, path, p.viewer)
	p.show()
	if p.viewer != nil {
		p.focus(p.viewer)
	}
	p.onChange()
}

// needsAttention is true when the delegate should see the signature panel
// without asking: a bad verdict, or one that differs from the host's.
func needsAttention(c *sigCheck) bool {
	return c.mismatch() || c.verdict() > pdfsig.UntrustedRoot
}

// checked runs when a document's signatures have been verified.
func (p *docPane) checked() {
	p.onChange()
	if p.name == "" {
		return
	}
	if c := p.check(p.doc, p.checked); c.done && needsAttention(c) {
		p.sigShown, p.notesShown = true, false
	}
	p.show()
}

// show lays out the open document and, when shown, its signature panel.
func (p *docPane) show() {
	if p.name == "" {
		return
	}
	var main fyne.CanvasObject = p.viewer
	if p.viewer == nil {
		main = p.viewerErr
	}
	if main == nil {
		return
	}
	p.title.SetText(p.name)
	p.sigButton.Show()
	p.notesButton.Show()
	p.notesButton.Importance = widget.MediumImportance
	if p.notesShown {
		p.notesButton.Importance = widget.HighImportance
	}
	p.notesButton.Refresh()
	switch {
	case p.sigShown:
		main = container.New(&besideOrBelow{}, main, signaturePanel(p.check(p.doc, p.checked)))
	case p.notesShown:
		main = container.New(&besideOrBelow{}, main, p.notes.view())
	}
	p.content.Objects = []fyne.CanvasObject{main}
	p.content.Refresh()
}

func (p *docPane) close() {
	p.release()
	p.name, p.doc, p.viewerErr, p.sigShown = "", meeting.Document{}, nil, false
	p.notes.setDoc(meeting.Document{}, "", nil)
	p.placeholder()
	p.onChange()
}

// release closes the viewer, which holds the document open in MuPDF.
func (p *docPane) release() {
	if p.viewer != nil {
		p.viewer.Close()
		p.viewer = nil
	}
}

// besideOrBelow places its second object (the signature panel) beside
// the first (the document) when the width allows both, and below it on a
// narrow screen, so that the panel never makes the window wider than the
// screen.
type besideOrBelow struct{}

// beside is the share of the width the first object gets side by side,
// and of the height stacked.
const beside = 0.62

func (l *besideOrBelow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b := objs[0], objs[1]
	pad := theme.Padding()
	if size.Width >= a.MinSize().Width+b.MinSize().Width+pad {
		w := max(size.Width*beside, a.MinSize().Width)
		w = min(w, size.Width-b.MinSize().Width-pad)
		a.Move(fyne.NewPos(0, 0))
		a.Resize(fyne.NewSize(w, size.Height))
		b.Move(fyne.NewPos(w+pad, 0))
		b.Resize(fyne.NewSize(size.Width-w-pad, size.Height))
		return
	}
	h := max(size.Height*beside, a.MinSize().Height)
	h = min(h, size.Height-b.MinSize().Height-pad)
	a.Move(fyne.NewPos(0, 0))
	a.Resize(fyne.NewSize(size.Width, h))
	b.Move(fyne.NewPos(0, h+pad))
	b.Resize(fyne.NewSize(size.Width, size.Height-h-pad))
}

func (l *besideOrBelow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height+theme.Padding())
}
