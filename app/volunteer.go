package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
	"dinh/offline/outbox"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/field"
)

// saveDelay is how long after the last keystroke a draft is saved. It is
// far shorter than the vault's idle lock, and every keystroke also keeps
// the vault awake, so an edit never waits for a locked vault.
const saveDelay = 1500 * time.Millisecond

// volunteerScreen is the community digital technology team's tab. It
// holds three parts and places them: the vault's gate (set-up, unlock,
// recovery), the wizard of the open dossier, and the sync panel; beside
// them, the list of dossiers with their outbox state.
type volunteerScreen struct {
	u    *UI
	dir  string
	ws   *volunteer.Workspace
	opts vault.Options
	cat  *catalog.Catalog
	// adminDir holds the demo's administrator keys; empty outside the demo.
	adminDir string

	gate      *vaultGate
	wiz       *wizard
	sync      syncState
	resealing bool // damaged dossiers are being sealed again

	root  *fyne.Container // holds the current view
	list  *fyne.Container
	find  *finder // narrows the list
	foot  footer
	split splits
}

// splits are the volunteer's dividers, kept where the person put them
// across a language switch: the list beside the wizard, and the list
// above the sync panel.
type splits struct{ main, left *container.Split }

// footer is the volunteer's message line and progress bar, under the
// wizard. The message is kept as a function, so that a language switch
// says it again in the new language.
type footer struct {
	status      *widget.Label
	said        func() string
	progress    *widget.ProgressBar
	progressBox *fyne.Container
}

func (f *footer) refresh() {
	text := ""
	if f.said != nil {
		text = f.said()
	}
	f.status.SetText(text)
}

func newVolunteerScreen(u *UI, dir string) *volunteerScreen {
	v := &volunteerScreen{u: u, dir: dir}
	// The catalogue central published last, else the bundled sample.
	c, err := field.LoadCatalog(dir)
	if err != nil {
		c = catalog.Sample()
	}
	v.cat = c
	v.wiz = newWizard(v, c, newCatalogSearch(c)) // the search indexes it once
	v.gate = &vaultGate{s: v}
	v.opts = vault.Options{OnLock: func() { post(v.lockedByIdle) }}
	v.root = container.NewStack()
	v.foot.status = widget.NewLabel("")
	v.foot.status.Wrapping = fyne.TextWrapWord
	v.foot.progress = widget.NewProgressBar()
	v.foot.progressBox = container.NewVBox(v.foot.progress)
	v.foot.progressBox.Hide()
	if ws, err := volunteer.Open(dir, v.opts); err == nil {
		v.setWorkspace(ws)
	} else if !errors.Is(err, volunteer.ErrNotSetUp) {
		v.gate.err = errorText(err)
	}
	return v
}

// setWorkspace uses ws from now on, in every part.
func (v *volunteerScreen) setWorkspace(ws *volunteer.Workspace) {
	v.ws, v.wiz.ws = ws, ws
}

func (v *volunteerScreen) close() {
	v.wiz.close()
	v.stopSync()
	if v.ws != nil {
		v.ws.Close()
	}
}

// dropped attaches files dropped on the window to the open draft.
func (v *volunteerScreen) dropped(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	v.wiz.dropped(paths)
}

func (v *volunteerScreen) content() fyne.CanvasObject {
	v.foot.refresh() // in the language of the moment
	v.show()
	return v.root
}

// show puts the view that fits the vault's state on screen.
func (v *volunteerScreen) show() {
	var view fyne.CanvasObject
	if v.ws == nil || v.ws.Vault.Locked() {
		view = v.gate.view()
	} else {
		view = v.mainView()
	}
	v.root.Objects = []fyne.CanvasObject{view}
	v.root.Refresh()
	if v.ws != nil && v.ws.Vault.Locked() && !v.gate.recovery && v.gate.passEntry != nil {
		v.u.win.Canvas().Focus(v.gate.passEntry)
	}
}

func bigLabel(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// narrow centres a form at a readable width.
func narrow(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, o.MinSize().Height), o))
}

// lockedByIdle runs when the vault locked itself.
func (v *volunteerScreen) lockedByIdle() {
	v.wiz.forgetThumbnails()
	v.gate.err = i18n.T("vol.locked.idle")
	v.show()
}

func (v *volunteerScreen) lock() {
	v.wiz.saveNow()
	v.ws.Vault.Lock()
	v.wiz.clear()
	v.gate.err = ""
	v.show()
}

// --- the main view: list and editor -------------------------------------

func (v *volunteerScreen) mainView() fyne.CanvasObject {
	v.list = container.NewVBox()
	v.find = newFinder(v.find, v.refreshList)
	newBtn := widget.NewButtonWithIcon(i18n.T("vol.new"), theme.ContentAddIcon(), v.wiz.startNew)
	newBtn.Importance = widget.HighImportance
	lockBtn := widget.NewButtonWithIcon(i18n.T("vol.lock"), theme.LogoutIcon(), v.lock)
	passBtn := widget.NewButtonWithIcon(i18n.T("vol.pass_change"), theme.SettingsIcon(), v.gate.changePassphrase)
	// On a small screen the list keeps most of the height; the sync panel
	// scrolls below it, and the divider moves either way.
	list := readingBorder(container.NewVBox(bigLabel(i18n.T("vol.dossiers")), newBtn, v.find.view()), nil, nil, nil,
		container.NewVScroll(v.list))
	tools := wheelPage(container.NewVScroll(container.NewVBox(v.syncPanel(), widget.NewSeparator(), lockBtn, passBtn)))
	v.split.left = keptSplit(v.split.left, container.NewVSplit(list, tools), 0.6)
	right := readingBorder(nil, container.NewVBox(v.foot.progressBox, v.foot.status), nil, nil, v.wiz.editor)
	v.split.main = keptSplit(v.split.main, container.NewHSplit(v.split.left, right), 0.26)
	v.refreshList()
	v.wiz.refreshEditor()
	return v.split.main
}

// resealDamaged seals again, in the background, every dossier whose
// sealed file was found damaged on this device (the sync found it before
// sending), from the draft the vault keeps until the receipt. It needs
// the vault open; a locked vault waits for the volunteer.
func (v *volunteerScreen) resealDamaged() {
	if v.resealing || v.ws == nil || v.ws.Vault.Locked() {
		return
	}
	ids, err := v.ws.Desk.Damaged()
	if err != nil || len(ids) == 0 {
		return
	}
	v.resealing = true
	desk := v.ws.Desk
	v.u.goService(func(ctx context.Context) {
		var done int
		var failed error
		for _, id := range ids {
			if _, err := desk.Seal(ctx, id, nil); err != nil {
				failed = err
				continue
			}
			done++
		}
		post(func() {
			v.resealing = false
			switch {
			case failed != nil:
				n, all := done, len(ids)
				v.say(func() string { return i18n.T("vol.resealed_failed", n, all) + " " + errorText(failed) })
			default:
				n := done
				v.say(func() string { return i18n.T("vol.resealed", n) })
			}
			v.refreshList()
		})
	})
}

// The wizard's host: the tab's status line, progress bar and list.

func (v *volunteerScreen) window() fyne.Window { return v.u.win }

// say puts msg in the footer, where it is said again in the new language
// after a switch; nil clears it.
func (v *volunteerScreen) say(msg func() string) {
	v.foot.said = msg
	v.foot.refresh()
}
func (v *volunteerScreen) goService(f func(context.Context)) { v.u.goService(f) }
func (v *volunteerScreen) listChanged()                      { v.refreshList() }

func (v *volunteerScreen) setProgress(done float64, visible bool) {
	v.foot.progress.SetValue(done)
	if visible {
		v.foot.progressBox.Show()
	} else {
		v.foot.progressBox.Hide()
	}
}

// showError puts a failure into words for the volunteer; a vault that
// locked meanwhile brings back the gate.
func (v *volunteerScreen) showError(err error) {
	v.say(func() string { return errorText(err) })
	if errors.Is(err, vault.ErrLocked) {
		v.show()
	}
}

// refreshList shows every dossier with its state; drafts first.
func (v *volunteerScreen) refreshList() {
	if v.list == nil {
		return
	}
	v.list.Objects = nil
	entries, err := v.ws.Desk.List()
	if err != nil {
		v.say(func() string { return errorText(err) })
	}
	lang := i18n.Language()
	shown := 0
	for _, e := range entries {
		name := e.Procedure
		if p := v.cat.Lookup(e.Procedure); p != nil {
			name = p.Name
		}
		if v.find != nil && !v.find.matches(e, name) {
			continue
		}
		shown++
		// A row as wide as its longest words would push the page aside:
		// the dossier's page says them whole.
		name = clip(name, 30)
		who := e.Initials
		if who == "" {
			who = "—"
		}
		where := clip(entryState(lang, e), 24)
		label := fmt.Sprintf("%s · %s\n%s · %s", who, name, e.Created.Local().Format("02/01/2006"), where)
		b := widget.NewButton(label, nil)
		b.Alignment = widget.ButtonAlignLeading
		id, state := e.ID, e.State
		if state == outbox.Draft {
			b.Icon = theme.DocumentCreateIcon()
		} else {
			b.Icon = theme.MailSendIcon()
		}
		if v.wiz.selected() == id {
			b.Importance = widget.HighImportance
		}
		b.OnTapped = func() { v.wiz.open(id, state) }
		v.list.Add(b)
	}
	switch {
	case len(entries) == 0:
		v.list.Add(wrapped(i18n.T("vol.none")))
	case shown == 0:
		v.list.Add(wrapped(i18n.T("vol.find.none")))
	}
	v.list.Refresh()
}

// entryState is where a dossier stands, as the list and its page say it:
// the office's newest status once it has moved the dossier on, a refusal
// when a person must act, else its state on this device.
func entryState(lang string, e outbox.Entry) string {
	switch n := len(e.Progress); {
	case n > 0 && e.State == outbox.Receipted:
		return statusLabel(e.Progress[n-1].Status)
	case e.Rejection != nil && e.State.Unreceipted() && !e.Rejection.Resent:
		return i18n.T("vol.rejected") // the dossier's page says why
	}
	return i18n.Word(lang, "outbox.state.", string(e.State))
}

// clip cuts s to n characters, the last an ellipsis.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
