package app

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/app/pdfview"
	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/notes"
	"dinh/meeting/pdf"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// notesHost is what the notes part needs of the delegate's screen: the
// window, the open meeting and where its documents are.
type notesHost interface {
	window() fyne.Window
	notedMeeting() (id, title string)
	docPath(meetingID, name string) (path string, ok bool)
}

// notesPane is the delegate's private notes on the open document: a
// note on a page or a highlight, kept on this device only, encrypted by a
// vault that only the delegate's passphrase opens.
type notesPane struct {
	host  notesHost
	dir   string       // the vault and the notes files
	vault *vault.Vault // nil until set up and opened
	book  *notes.Book  // the open meeting's notes, nil while locked
	err   error        // the notes could not be read or written
	draft string       // words typed in a note that was not kept
	// meeting and title name the meeting of the open document.
	meeting, title string
	doc            meeting.Document
	path           string // the open document's file, "" for none
	v              *pdfview.Viewer

	said    string          // what the last action did, in words
	box     *fyne.Container // the panel's content
	markBtn *widget.Button
}

func newNotesPane(host notesHost, dir string) *notesPane {
	n := &notesPane{host: host, dir: dir}
	n.box = container.NewVBox()
	return n
}

// open opens the notes vault, locked, when one was set up.
func (n *notesPane) openVault() {
	if n.vault != nil {
		return
	}
	v, err := vault.Open(n.dir, vault.Options{OnLock: func() { post(n.lockedByIdle) }})
	switch {
	case err == nil:
		n.vault = v
	case !errors.Is(err, vault.ErrNoVault):
		n.err = err
	}
}

func (n *notesPane) lockedByIdle() {
	n.book = nil
	n.refresh()
}

// close locks the notes for good, as the app closes.
func (n *notesPane) close() {
	if n.vault != nil {
		n.vault.Close()
		n.vault = nil
	}
	n.book = nil
}

// say tells what the last action did, under the panel's title, until the
// next action.
func (n *notesPane) say(text string) {
	n.said = text
	n.refresh()
}

func (n *notesPane) store() *notes.Store { return notes.NewStore(n.dir, n.vault) }

func (n *notesPane) unlocked() bool { return n.vault != nil && !n.vault.Locked() }

// setDoc follows the document shown: its notes, its highlights, and a
// highlight drawn on it.
func (n *notesPane) setDoc(doc meeting.Document, path string, v *pdfview.Viewer) {
	n.doc, n.path, n.v = doc, path, v
	if path != "" {
		n.meeting, n.title = n.host.notedMeeting()
	}
	if v != nil {
		v.OnMarked = n.marked
	}
	n.load()
}

// load reads the open meeting's notes and moves those of the open
// document to its version, flagging the pages that changed.
func (n *notesPane) load() {
	n.openVault()
	id := n.meeting
	if !n.unlocked() || id == "" {
		n.book = nil
		n.refresh()
		return
	}
	if n.book == nil || n.book.Meeting != id {
		n.book, n.err = n.store().Load(id)
		if n.err != nil {
			n.book = nil
		}
	}
	if n.book != nil && n.path != "" {
		if err := n.follow(); err != nil {
			n.err = err
		}
	}
	n.refresh()
}

// follow moves the notes on the open document to its version.
func (n *notesPane) follow() error {
	if len(n.book.Of(n.doc.Name)) == 0 {
		return nil
	}
	d, err := pdf.Open(n.path)
	if err != nil {
		return err
	}
	defer d.Close()
	before := n.book.Notes
	flagged, err := n.book.Follow(n.doc.Name, n.doc.SHA256, d)
	if err != nil {
		return err
	}
	if err := n.store().Save(n.book); err != nil {
		n.book.Notes = before
		return err
	}
	if flagged > 0 {
		n.say(i18n.T("notes.flagged", flagged))
	}
	return nil
}

// save writes the meeting's notes; on failure the change is undone in
// the book and the words stay in the draft, so nothing typed is lost.
func (n *notesPane) save(before []notes.Note, text string) bool {
	n.vault.Touch()
	if err := n.store().Save(n.book); err != nil {
		n.book.Notes = before
		n.draft = text
		showErrorDialog(i18n.T("notes.err.save"), err, n.host.window())
		n.refresh()
		return false
	}
	n.err = nil
	n.refresh()
	return true
}

// marks gives the viewer the open document's highlights.
func (n *notesPane) marks() {
	if n.v == nil {
		return
	}
	m := map[int][]pdf.Rect{}
	if n.book != nil {
		for _, x := range n.book.Of(n.doc.Name) {
			if x.Mark != nil {
				m[x.Page] = append(m[x.Page], pdf.Rect{X: x.Mark.X, Y: x.Mark.Y, W: x.Mark.W, H: x.Mark.H})
			}
		}
	}
	n.v.SetMarks(m)
	if n.book == nil && n.v.Marking() {
		n.v.SetMarking(false)
	}
}

// view is the panel beside the document.
func (n *notesPane) view() fyne.CanvasObject {
	n.refresh()
	return readingBorder(widget.NewSeparator(), nil, nil, nil, wheelPage(container.NewVScroll(n.box)))
}

// refresh shows the notes' state: not set up, locked, or the open
// document's notes.
func (n *notesPane) refresh() {
	n.marks()
	title := widget.NewLabelWithStyle(i18n.T("notes.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	objs := []fyne.CanvasObject{title}
	if n.said != "" {
		said := wrapped(n.said)
		said.Importance = widget.SuccessImportance
		objs = append(objs, said)
	}
	if n.err != nil {
		objs = append(objs, errorBox(i18n.T("notes.err.read"), n.err))
	}
	switch {
	case n.vault == nil:
		set := widget.NewButtonWithIcon(i18n.T("notes.setup"), theme.AccountIcon(), n.setUp)
		set.Importance = widget.HighImportance
		objs = append(objs, wrapped(i18n.T("notes.setup.text")), set)
	case !n.unlocked():
		open := widget.NewButtonWithIcon(i18n.T("notes.unlock"), theme.LoginIcon(), n.unlock)
		open.Importance = widget.HighImportance
		objs = append(objs, wrapped(i18n.T("notes.locked")), open)
	case n.book == nil:
	default:
		objs = append(objs, n.notesView()...)
	}
	n.box.Objects = objs
	n.box.Refresh()
}

// notesView is the open document's notes with the actions on them.
func (n *notesPane) notesView() []fyne.CanvasObject {
	private := wrapped(i18n.T("notes.private"))
	private.SizeName = theme.SizeNameCaptionText
	lock := widget.NewButtonWithIcon(i18n.T("notes.lock"), theme.VisibilityOffIcon(), func() {
		n.vault.Lock()
		n.lockedByIdle()
	})
	lock.Importance = widget.LowImportance
	lock.Alignment = widget.ButtonAlignLeading
	export := widget.NewButtonWithIcon(i18n.T("notes.export"), theme.DocumentSaveIcon(), n.export)
	export.Importance = widget.LowImportance
	export.Alignment = widget.ButtonAlignLeading
	if n.path == "" {
		return []fyne.CanvasObject{private, wrapped(i18n.T("notes.pick")), export, lock}
	}
	add := widget.NewButtonWithIcon(i18n.T("notes.add"), theme.ContentAddIcon(), func() {
		if n.v != nil {
			n.edit(nil, n.v.Page(), nil)
		}
	})
	add.Importance = widget.HighImportance
	n.markBtn = widget.NewButtonWithIcon(i18n.T("notes.mark"), theme.ColorPaletteIcon(), n.toggleMarking)
	if n.v != nil && n.v.Marking() {
		n.markBtn.SetText(i18n.T("notes.mark.on"))
		n.markBtn.Importance = widget.WarningImportance
	}
	objs := []fyne.CanvasObject{private, add, n.markBtn, export, lock, widget.NewSeparator()}
	list := n.book.Of(n.doc.Name)
	if len(list) == 0 {
		objs = append(objs, wrapped(i18n.T("notes.none")))
	}
	for _, x := range list {
		objs = append(objs, n.noteCard(x))
	}
	return objs
}

// noteCard is one note: its page, whether the page changed, its words,
// and what can be done with it.
func (n *notesPane) noteCard(x notes.Note) fyne.CanvasObject {
	key := "notes.page"
	if x.Mark != nil {
		key = "notes.page.mark"
	}
	goTo := widget.NewButton(i18n.T(key, x.Page+1), func() {
		if n.v != nil {
			n.v.GoToPage(x.Page)
		}
	})
	goTo.Importance = widget.LowImportance
	goTo.Alignment = widget.ButtonAlignLeading
	card := []fyne.CanvasObject{goTo}
	if x.Changed {
		flag := widget.NewLabelWithStyle(i18n.T("notes.changed"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		flag.Importance = widget.DangerImportance
		flag.Wrapping = fyne.TextWrapWord
		seen := widget.NewButton(i18n.T("notes.seen"), func() {
			before := append([]notes.Note(nil), n.book.Notes...)
			if n.book.Seen(x.ID) == nil {
				n.save(before, "")
			}
		})
		card = append(card, flag, seen)
	}
	if x.Text != "" {
		card = append(card, wrapped(x.Text))
	}
	editBtn := widget.NewButtonWithIcon(i18n.T("notes.edit"), theme.DocumentCreateIcon(), func() { n.edit(&x, x.Page, x.Mark) })
	editBtn.Importance = widget.LowImportance
	del := widget.NewButtonWithIcon(i18n.T("notes.delete"), theme.DeleteIcon(), func() { n.remove(x) })
	del.Importance = widget.LowImportance
	card = append(card, container.NewHBox(editBtn, layout.NewSpacer(), del), widget.NewSeparator())
	return container.NewVBox(card...)
}

func (n *notesPane) toggleMarking() {
	if n.v == nil {
		return
	}
	n.said = ""
	n.v.SetMarking(!n.v.Marking())
	if n.v.Marking() {
		n.say(i18n.T("notes.mark.how"))
	}
	n.refresh()
}

// marked runs when a highlight was drawn: the delegate may add words to
// it.
func (n *notesPane) marked(page int, r pdf.Rect) {
	if !n.unlocked() || n.book == nil {
		return
	}
	n.edit(nil, page, &notes.Rect{X: r.X, Y: r.Y, W: r.W, H: r.H})
}

// edit asks for a note's words: a new note on page, with a highlight or
// not, or old's new words.
func (n *notesPane) edit(old *notes.Note, page int, mark *notes.Rect) {
	n.said = ""
	win := n.host.window()
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetPlaceHolder(i18n.T("notes.placeholder"))
	switch {
	case old != nil:
		e.SetText(old.Text)
	case n.draft != "":
		e.SetText(n.draft)
	}
	growing(e, 4, 10)
	msg := wrapped("")
	msg.Importance = widget.DangerImportance
	head := i18n.T("notes.edit.page", page+1)
	if mark != nil {
		head = i18n.T("notes.edit.mark", page+1)
	}
	var d dialog.Dialog
	keep := widget.NewButtonWithIcon(i18n.T("notes.keep"), theme.ConfirmIcon(), func() {
		if !n.unlocked() {
			n.draft = e.Text
			d.Hide()
			n.refresh()
			return
		}
		before := append([]notes.Note(nil), n.book.Notes...)
		now := time.Now()
		var err error
		if old != nil {
			err = n.book.Edit(old.ID, e.Text, now)
		} else {
			err = n.add(page, mark, e.Text, now)
		}
		if err != nil {
			msg.SetText(errorText(err))
			return
		}
		d.Hide()
		if n.save(before, e.Text) {
			n.draft = ""
		}
	})
	keep.Importance = widget.HighImportance
	drop := widget.NewButton(i18n.T("notes.later"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(head, container.NewVBox(e, msg, container.NewHBox(drop, keep)), win)
	d.SetOnClosed(func() {
		// Words typed and not kept wait for the next note.
		if old == nil && strings.TrimSpace(e.Text) != "" && n.book != nil && !n.hasText(e.Text) {
			n.draft = e.Text
		}
	})
	d.Resize(fyne.NewSize(min(520, win.Canvas().Size().Width-40), 320))
	showDialog(win, d)
	win.Canvas().Focus(e)
}

// hasText reports whether a note on the open document holds these words.
func (n *notesPane) hasText(text string) bool {
	for _, x := range n.book.Of(n.doc.Name) {
		if x.Text == text {
			return true
		}
	}
	return false
}

// add records a new note on page, with the page's look as it is now.
func (n *notesPane) add(page int, mark *notes.Rect, text string, now time.Time) error {
	d, err := pdf.Open(n.path)
	if err != nil {
		return err
	}
	defer d.Close()
	sum, err := d.PageSum(page)
	if err != nil {
		return err
	}
	_, err = n.book.Add(notes.Note{Doc: n.doc.Name, Page: page, Text: text, Mark: mark, Version: n.doc.SHA256, PageSum: sum}, now)
	return err
}

func (n *notesPane) remove(x notes.Note) {
	d := dialog.NewCustomConfirm(i18n.T("notes.delete.title"), i18n.T("notes.delete.yes"), i18n.T("notes.delete.no"),
		wrapped(i18n.T("notes.delete.text", x.Page+1)), func(yes bool) {
			if !yes || !n.unlocked() || n.book == nil {
				return
			}
			before := append([]notes.Note(nil), n.book.Notes...)
			if n.book.Remove(x.ID) == nil {
				n.save(before, "")
			}
		}, n.host.window())
	showDialog(n.host.window(), d)
}

// setUp makes the notes vault with a passphrase of the delegate's own.
func (n *notesPane) setUp() {
	passphraseDialog(n.host.window(), passphraseAsk{
		title: i18n.T("notes.setup"), lead: i18n.T("notes.setup.warn"),
		action: i18n.T("notes.setup.ok"), later: i18n.T("notes.later"),
		do: func(_, pass string) error {
			v, err := vault.CreatePrivate(n.dir, volunteer.Passphrase(pass), vault.Options{OnLock: func() { post(n.lockedByIdle) }})
			if err == nil {
				n.vault, n.err = v, nil
			}
			return err
		},
		done: n.load,
	})
}

// unlock opens the notes with the delegate's passphrase.
func (n *notesPane) unlock() {
	win := n.host.window()
	pass := newDialogEntry(win, true)
	msg := wrapped("")
	msg.Importance = widget.DangerImportance
	var d dialog.Dialog
	ok := widget.NewButtonWithIcon(i18n.T("notes.unlock"), theme.LoginIcon(), func() {
		err := n.vault.Unlock(volunteer.Passphrase(pass.Text)) // NFC, as any keyboard types it
		var backoff *vault.BackoffError
		switch {
		case errors.As(err, &backoff):
			msg.SetText(i18n.T("vol.backoff", backoff.Until.Local().Format("15:04:05")))
			return
		case errors.Is(err, vault.ErrWrongPassphrase):
			msg.SetText(i18n.T("vol.wrong_pass"))
			return
		case err != nil:
			msg.SetText(errorText(err))
			return
		}
		d.Hide()
		n.err = nil
		n.load()
	})
	ok.Importance = widget.HighImportance
	pass.OnSubmitted = func(string) { ok.OnTapped() }
	d = dialog.NewCustomWithoutButtons(i18n.T("notes.unlock"), container.NewVBox(
		widget.NewForm(&widget.FormItem{Text: i18n.T("vol.pass"), Widget: pass}), msg,
		container.NewHBox(widget.NewButton(i18n.T("notes.later"), func() { d.Hide() }), ok)), win)
	d.Resize(fyne.NewSize(min(480, win.Canvas().Size().Width-40), 220))
	showDialog(win, d)
	win.Canvas().Focus(pass)
}

// export writes the meeting's notes as a PDF of the delegate's own.
func (n *notesPane) export() {
	if !n.unlocked() || n.book == nil {
		return
	}
	win := n.host.window()
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		err = notes.WritePDF(wc, n.exportOf(time.Now()))
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(wc.URI().Path())
			showErrorDialog(i18n.T("notes.err.export"), err, win)
			return
		}
		n.say(i18n.T("notes.exported", filepath.Base(wc.URI().Path())))
	}, win)
	d.SetFileName("ghi-chu-" + n.book.Meeting + ".pdf")
	d.Resize(fyne.NewSize(min(900, win.Canvas().Size().Width-20), min(600, win.Canvas().Size().Height-20)))
	showDialog(win, d)
}

// exportOf is what the exported PDF says, in the app's language.
func (n *notesPane) exportOf(now time.Time) notes.Export {
	e := notes.Export{
		Title: i18n.T("notes.title"), Meeting: n.title, Made: i18n.T("notes.export.made", longDate(now)), Date: now,
		Page: func(p int) string { return i18n.T("notes.page", p+1) }, Changed: i18n.T("notes.changed"), Empty: i18n.T("notes.none.meeting"),
	}
	for _, name := range n.book.Docs() {
		ed := notes.ExportDoc{Name: name, Notes: n.book.Of(name)}
		if path, ok := n.host.docPath(n.meeting, name); ok {
			ed.Picture = func(x notes.Note) (image.Image, error) { return picture(path, x) }
		}
		e.Docs = append(e.Docs, ed)
	}
	return e
}

// picture draws a highlighted note's page and cuts out its highlight.
func picture(path string, x notes.Note) (image.Image, error) {
	d, err := pdf.Open(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if x.Page >= d.NumPages() {
		return nil, nil
	}
	img, err := d.Render(x.Page, notes.PictureDPI)
	if err != nil {
		return nil, err
	}
	return notes.Picture(img, *x.Mark), nil
}
