package app

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/field"
)

// saveDelay is how long after the last keystroke a draft is saved. It is
// far shorter than the vault's idle lock, and every keystroke also keeps
// the vault awake, so an edit never waits for a locked vault.
const saveDelay = 1500 * time.Millisecond

// volunteerScreen is the community digital technology team's tab: the
// vault's set-up and unlock, the list of dossiers with their outbox state,
// and the six guided steps of a dossier.
type volunteerScreen struct {
	u    *UI
	dir  string
	ws   *volunteer.Workspace
	opts vault.Options
	cat  *catalog.Catalog
	// search is the catalogue search of the first step.
	search *catalogSearch
	// adminDir holds the demo's administrator keys; empty outside the demo.
	adminDir string

	root *fyne.Container // holds the current view

	// The open dossier: cur is the UI's copy and the truth while it is
	// open; it is saved saveDelay after each change.
	cur       *dossier.Dossier
	proc      *catalog.Procedure
	step      int // 0 procedure … 5 summary
	guideStep int // the procedure step shown in step 2
	dirty     bool
	saveTimer *time.Timer
	saveGen   int
	attaching int    // photo batches in progress; saving waits for them
	sealedID  string // the sealed dossier shown, when cur is nil
	creating  bool   // step 0 of a new dossier
	unlockErr string
	recovery  bool // the unlock view shows the recovery form
	// dropPaper names the paper that photos dropped on the window show.
	dropPaper func() string
	// photoBox lists the open step's photos of photoKinds.
	photoBox   *fyne.Container
	photoKinds []string
	// thumbs holds the open dossier's photo thumbnails, in memory only.
	thumbs struct {
		dossier string
		images  map[string]image.Image // by attachment ID; nil when unreadable
	}

	// Widgets the tests and updates reach.
	list        *fyne.Container
	editor      *fyne.Container
	status      *widget.Label
	progress    *widget.ProgressBar
	progressBox *fyne.Container
	passEntry   *widget.Entry
	unlockBtn   *widget.Button
	nextBtn     *widget.Button
	sealBtn     *widget.Button

	sync syncState
}

func newVolunteerScreen(u *UI, dir string) *volunteerScreen {
	v := &volunteerScreen{u: u, dir: dir}
	// The catalogue central published last, else the bundled sample.
	c, err := field.LoadCatalog(dir)
	if err != nil {
		c = catalog.Sample()
	}
	v.cat, v.search = c, newCatalogSearch(c) // the search indexes it once
	v.search.onCase = v.chooseCase
	v.search.chosen = func() string {
		if v.cur == nil {
			return ""
		}
		return v.cur.Case
	}
	v.opts = vault.Options{OnLock: func() { post(v.lockedByIdle) }}
	v.root = container.NewStack()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.progress = widget.NewProgressBar()
	v.progressBox = container.NewVBox(v.progress)
	v.progressBox.Hide()
	if ws, err := volunteer.Open(dir, v.opts); err == nil {
		v.ws = ws
	} else if !errors.Is(err, volunteer.ErrNotSetUp) {
		v.unlockErr = v.errorText(err)
	}
	return v
}

func (v *volunteerScreen) close() {
	if v.saveTimer != nil {
		v.saveTimer.Stop()
	}
	v.saveNow()
	v.stopSync()
	if v.ws != nil {
		v.ws.Close()
	}
}

// dropped attaches files dropped on the window while a draft's record or
// consent step is open.
func (v *volunteerScreen) dropped(uris []fyne.URI) {
	if v.cur == nil || v.ws == nil || v.ws.Vault.Locked() {
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	switch {
	case v.step == 3 && v.dropPaper != nil:
		v.attach(dossier.KindPaper, v.dropPaper(), paths)
	case v.step == 4 && len(paths) > 0:
		v.attach(dossier.KindConsent, "", paths[len(paths)-1:])
	}
}

func (v *volunteerScreen) content() fyne.CanvasObject {
	v.show()
	return v.root
}

// show puts the view that fits the vault's state on screen.
func (v *volunteerScreen) show() {
	var view fyne.CanvasObject
	switch {
	case v.ws == nil:
		view = v.setupView()
	case v.ws.Vault.Locked():
		view = v.unlockView()
	default:
		view = v.mainView()
	}
	v.root.Objects = []fyne.CanvasObject{view}
	v.root.Refresh()
	if v.ws != nil && v.ws.Vault.Locked() && !v.recovery && v.passEntry != nil {
		v.u.win.Canvas().Focus(v.passEntry)
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

// --- set-up, unlock, recovery -------------------------------------------

func (v *volunteerScreen) setupView() fyne.CanvasObject {
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	central, recovery := widget.NewEntry(), widget.NewEntry()
	msg := wrapped(v.unlockErr)
	msg.Importance = widget.DangerImportance
	items := []*widget.FormItem{
		{Text: i18n.T("vol.pass"), Widget: pass, HintText: i18n.T("vol.pass.hint")},
		{Text: i18n.T("vol.pass_again"), Widget: again},
	}
	if v.adminDir == "" {
		items = append(items,
			&widget.FormItem{Text: i18n.T("vol.central_key"), Widget: central, HintText: i18n.T("vol.central_key.hint")},
			&widget.FormItem{Text: i18n.T("vol.recovery_key"), Widget: recovery, HintText: i18n.T("vol.recovery_key.hint")})
	}
	form := widget.NewForm(items...)
	create := widget.NewButtonWithIcon(i18n.T("vol.setup.create"), theme.ConfirmIcon(), func() {
		if err := v.setUp(pass.Text, again.Text, central.Text, recovery.Text); err != nil {
			msg.SetText(err.Error())
			return
		}
		v.show()
	})
	create.Importance = widget.HighImportance
	pass.OnSubmitted = func(string) { v.u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { create.OnTapped() }
	box := container.NewVBox(bigLabel(i18n.T("vol.setup.title")), wrapped(i18n.T("vol.setup.text")), form, create, msg)
	return container.NewVScroll(narrow(box))
}

// setUp creates the vault; the errors are sentences for the volunteer.
func (v *volunteerScreen) setUp(pass, again, centralText, recoveryText string) error {
	if pass != again {
		return errors.New(i18n.T("vol.pass.mismatch"))
	}
	var s volunteer.Setup
	if v.adminDir != "" {
		var err error
		if s, err = demoAdmin(v.adminDir); err != nil {
			return errors.New(i18n.T("vol.open_failed", err))
		}
	} else {
		var err error
		if s.Central, err = agekey.ParsePublic(centralText); err != nil {
			return errors.New(i18n.T("vol.central_key.bad"))
		}
		if s.Recovery, err = agekey.ParsePublic(recoveryText); err != nil {
			return errors.New(i18n.T("vol.recovery_key.bad"))
		}
	}
	ws, err := volunteer.Init(v.dir, volunteer.Passphrase(pass), s, v.opts)
	if errors.Is(err, vault.ErrWeakPassphrase) {
		return errors.New(i18n.T("vol.pass.weak", vault.MinPassphraseRunes))
	}
	if err != nil {
		return errors.New(i18n.T("vol.open_failed", err))
	}
	v.ws, v.unlockErr = ws, ""
	v.startSync()
	return nil
}

// demoAdmin returns the demo administrator's public keys, creating the
// key pairs on first use. Outside the demo, keys come from the team's
// administrator.
func demoAdmin(dir string) (volunteer.Setup, error) {
	if _, err := os.Stat(filepath.Join(dir, volunteer.CentralKey)); err != nil {
		if _, err := volunteer.MakeAdminKeys(dir); err != nil {
			return volunteer.Setup{}, err
		}
	}
	cpriv, rpriv, err := volunteer.LoadAdminKeys(dir)
	if err != nil {
		return volunteer.Setup{}, err
	}
	return volunteer.Setup{Central: cpriv.Public(), Recovery: rpriv.Public()}, nil
}

// demoCentralKey is the demo administrator's central private key, which
// the demo's own central server holds.
func demoCentralKey(dir string) (agekey.Private, error) {
	c, _, err := volunteer.LoadAdminKeys(dir)
	return c, err
}

func (v *volunteerScreen) unlockView() fyne.CanvasObject {
	if v.recovery {
		return v.recoveryView()
	}
	v.passEntry = widget.NewPasswordEntry()
	v.passEntry.SetPlaceHolder(i18n.T("vol.pass"))
	msg := wrapped(v.unlockErr)
	msg.Importance = widget.DangerImportance
	v.unlockBtn = widget.NewButtonWithIcon(i18n.T("vol.unlock"), theme.LoginIcon(), func() {
		v.unlock(v.passEntry.Text)
	})
	v.unlockBtn.Importance = widget.HighImportance
	v.passEntry.OnSubmitted = func(string) { v.unlockBtn.OnTapped() }
	forgot := widget.NewButton(i18n.T("vol.forgot"), func() { v.recovery, v.unlockErr = true, ""; v.show() })
	forgot.Importance = widget.LowImportance
	v.sync.locked = wrapped(v.lockedSyncText(v.ws.Outbox.Counts()))
	box := container.NewVBox(bigLabel(i18n.T("vol.locked.title")), wrapped(i18n.T("vol.locked.text")), v.passEntry, v.unlockBtn, msg, forgot, v.sync.locked)
	return container.NewVScroll(narrow(box))
}

// unlock tries a passphrase; the message says what went wrong in words.
func (v *volunteerScreen) unlock(pass string) {
	err := v.ws.Vault.Unlock(volunteer.Passphrase(pass))
	var backoff *vault.BackoffError
	switch {
	case err == nil:
		v.unlockErr = ""
		if v.dirty {
			v.saveNow()
		}
	case errors.As(err, &backoff):
		v.unlockErr = i18n.T("vol.backoff", backoff.Until.Local().Format("15:04:05"))
	case errors.Is(err, vault.ErrWrongPassphrase):
		v.unlockErr = i18n.T("vol.wrong_pass")
	default:
		v.unlockErr = i18n.T("vol.open_failed", err)
	}
	v.show()
}

func (v *volunteerScreen) recoveryView() fyne.CanvasObject {
	key := widget.NewMultiLineEntry()
	key.SetPlaceHolder("AGE-SECRET-KEY-1…")
	key.Wrapping = fyne.TextWrapBreak
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	msg := wrapped(v.unlockErr)
	msg.Importance = widget.DangerImportance
	form := widget.NewForm(
		&widget.FormItem{Text: i18n.T("vol.recover.key"), Widget: key},
		&widget.FormItem{Text: i18n.T("vol.pass_new"), Widget: pass, HintText: i18n.T("vol.pass.hint")},
		&widget.FormItem{Text: i18n.T("vol.pass_again"), Widget: again},
	)
	do := widget.NewButtonWithIcon(i18n.T("vol.recover.do"), theme.ConfirmIcon(), func() {
		if err := v.recover(key.Text, pass.Text, again.Text); err != nil {
			msg.SetText(err.Error())
			return
		}
		v.recovery = false
		v.show()
	})
	do.Importance = widget.HighImportance
	back := widget.NewButton(i18n.T("vol.back"), func() { v.recovery = false; v.show() })
	box := container.NewVBox(bigLabel(i18n.T("vol.recover.title")), wrapped(i18n.T("vol.recover.text")), form, container.NewHBox(back, do), msg)
	return container.NewVScroll(narrow(box))
}

// recover sets a new passphrase with the administrator's recovery key and
// reopens the workspace with it.
func (v *volunteerScreen) recover(keyText, pass, again string) error {
	if pass != again {
		return errors.New(i18n.T("vol.pass.mismatch"))
	}
	key, err := agekey.ParsePrivate(keyText)
	if err != nil {
		return errors.New(i18n.T("vol.recovery_key.bad"))
	}
	p := volunteer.Passphrase(pass)
	rv, err := vault.Recover(filepath.Join(v.dir, "vault"), key, p, vault.Options{IdleTimeout: -1})
	switch {
	case errors.Is(err, vault.ErrWeakPassphrase):
		return errors.New(i18n.T("vol.pass.weak", vault.MinPassphraseRunes))
	case errors.Is(err, vault.ErrWrongRecoveryKey):
		return errors.New(i18n.T("vol.recovery_key.wrong"))
	case err != nil:
		return errors.New(i18n.T("vol.open_failed", err))
	}
	rv.Close()
	v.stopSync() // it uses the workspace's outbox
	v.ws.Close()
	ws, err := volunteer.Open(v.dir, v.opts)
	if err == nil {
		err = ws.Vault.Unlock(p)
	}
	if err != nil {
		return errors.New(i18n.T("vol.open_failed", err))
	}
	v.ws, v.unlockErr = ws, ""
	v.startSync()
	return nil
}

func (v *volunteerScreen) changePassphrase() {
	old, pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	msg := wrapped("")
	msg.Importance = widget.DangerImportance
	form := widget.NewForm(
		&widget.FormItem{Text: i18n.T("vol.pass_old"), Widget: old},
		&widget.FormItem{Text: i18n.T("vol.pass_new"), Widget: pass, HintText: i18n.T("vol.pass.hint")},
		&widget.FormItem{Text: i18n.T("vol.pass_again"), Widget: again},
	)
	var d dialog.Dialog
	ok := widget.NewButtonWithIcon(i18n.T("vol.pass_change"), theme.ConfirmIcon(), func() {
		if pass.Text != again.Text {
			msg.SetText(i18n.T("vol.pass.mismatch"))
			return
		}
		err := v.ws.Vault.ChangePassphrase(volunteer.Passphrase(old.Text), volunteer.Passphrase(pass.Text))
		switch {
		case errors.Is(err, vault.ErrWrongPassphrase), errors.Is(err, vault.ErrBackoff):
			msg.SetText(i18n.T("vol.wrong_pass"))
		case errors.Is(err, vault.ErrWeakPassphrase):
			msg.SetText(i18n.T("vol.pass.weak", vault.MinPassphraseRunes))
		case err != nil:
			msg.SetText(i18n.T("vol.open_failed", err))
		default:
			d.Hide()
			v.setStatus(i18n.T("vol.pass_changed"))
		}
	})
	ok.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(i18n.T("vol.pass_change"), container.NewVBox(form, msg, container.NewHBox(widget.NewButton(i18n.T("vol.cancel"), func() { d.Hide() }), ok)), v.u.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

// lockedByIdle runs when the vault locked itself.
func (v *volunteerScreen) lockedByIdle() {
	v.forgetThumbnails()
	v.unlockErr = i18n.T("vol.locked.idle")
	v.show()
}

func (v *volunteerScreen) lock() {
	v.saveNow()
	v.ws.Vault.Lock()
	v.forgetThumbnails()
	v.cur, v.proc, v.creating = nil, nil, false
	v.unlockErr = ""
	v.show()
}

// --- the main view: list and editor -------------------------------------

func (v *volunteerScreen) mainView() fyne.CanvasObject {
	v.list = container.NewVBox()
	v.editor = container.NewStack()
	newBtn := widget.NewButtonWithIcon(i18n.T("vol.new"), theme.ContentAddIcon(), v.startNew)
	newBtn.Importance = widget.HighImportance
	lockBtn := widget.NewButtonWithIcon(i18n.T("vol.lock"), theme.LogoutIcon(), v.lock)
	passBtn := widget.NewButtonWithIcon(i18n.T("vol.pass_change"), theme.SettingsIcon(), v.changePassphrase)
	left := container.NewBorder(
		container.NewVBox(bigLabel(i18n.T("vol.dossiers")), newBtn),
		container.NewVBox(v.syncPanel(), widget.NewSeparator(), lockBtn, passBtn),
		nil, nil, container.NewVScroll(v.list))
	right := container.NewBorder(nil, container.NewVBox(v.progressBox, v.status), nil, nil, v.editor)
	split := container.NewHSplit(left, right)
	split.SetOffset(0.26)
	v.refreshList()
	v.refreshEditor()
	return split
}

func (v *volunteerScreen) setStatus(s string) { v.status.SetText(s) }

// refreshList shows every dossier with its state; drafts first.
func (v *volunteerScreen) refreshList() {
	if v.list == nil {
		return
	}
	v.list.Objects = nil
	entries, err := v.ws.Desk.List()
	if err != nil {
		v.setStatus(i18n.T("vol.open_failed", err))
	}
	lang := i18n.Language()
	for _, e := range entries {
		name := e.Procedure
		if p := v.procedure(e.Procedure); p != nil {
			name = p.Name
		}
		if r := []rune(name); len(r) > 30 {
			name = string(r[:29]) + "…"
		}
		who := e.Initials
		if who == "" {
			who = "—"
		}
		label := fmt.Sprintf("%s · %s\n%s · %s", who, name, e.Created.Local().Format("02/01/2006"), i18n.Word(lang, "outbox.state.", string(e.State)))
		b := widget.NewButton(label, nil)
		b.Alignment = widget.ButtonAlignLeading
		id, state := e.ID, e.State
		if state == outbox.Draft {
			b.Icon = theme.DocumentCreateIcon()
		} else {
			b.Icon = theme.MailSendIcon()
		}
		if v.cur != nil && v.cur.ID == id || v.cur == nil && v.sealedID == id {
			b.Importance = widget.HighImportance
		}
		b.OnTapped = func() { v.open(id, state) }
		v.list.Add(b)
	}
	if len(entries) == 0 {
		v.list.Add(wrapped(i18n.T("vol.none")))
	}
	v.list.Refresh()
}

func (v *volunteerScreen) procedure(code string) *catalog.Procedure { return v.cat.Lookup(code) }

// open shows a dossier: a draft in its steps, a sealed one as its summary.
func (v *volunteerScreen) open(id string, state outbox.State) {
	v.saveNow()
	v.cur, v.proc, v.creating, v.sealedID = nil, nil, false, ""
	v.search.reset() // the first step shows the opened dossier's procedure
	if state != outbox.Draft {
		v.sealedID = id
		v.refreshList()
		v.refreshEditor()
		return
	}
	d, err := v.ws.Desk.Load(id)
	if err != nil {
		v.showError(err)
		return
	}
	v.cur, v.proc, v.step, v.guideStep = d, v.procedure(d.Procedure), 1, 0
	if d.Case == "" {
		v.step = 0 // a draft started before cases were recorded
	}
	v.refreshList()
	v.refreshEditor()
}

func (v *volunteerScreen) startNew() {
	v.saveNow()
	v.cur, v.proc, v.sealedID = nil, nil, ""
	v.creating, v.step = true, 0
	v.search.reset()
	v.refreshList()
	v.refreshEditor()
	v.u.win.Canvas().Focus(v.search.entry) // type at once
}

// showError puts a failure into words for the volunteer.
func (v *volunteerScreen) showError(err error) {
	v.setStatus(v.errorText(err))
	if errors.Is(err, vault.ErrLocked) {
		v.show()
	}
}

func (v *volunteerScreen) errorText(err error) string {
	var inc *dossier.IncompleteError
	switch {
	case errors.Is(err, vault.ErrLocked):
		return i18n.T("vol.locked.idle")
	case errors.Is(err, vault.ErrOldFormat):
		return i18n.T("vol.err.old_vault")
	case errors.Is(err, dossier.ErrDiskFull):
		return i18n.T("vol.err.disk_full")
	case errors.Is(err, photo.ErrTooLarge):
		return i18n.T("vol.err.too_large")
	case errors.Is(err, photo.ErrNotImage):
		return i18n.T("vol.err.not_image")
	case errors.Is(err, photo.ErrTruncated):
		return i18n.T("vol.err.truncated")
	case errors.Is(err, photo.ErrTooManyPixels):
		return i18n.T("vol.err.too_many_pixels")
	case errors.Is(err, photo.ErrCorrupt):
		return i18n.T("vol.err.corrupt")
	case errors.Is(err, vault.ErrDecrypt), errors.Is(err, dossier.ErrDamaged):
		return i18n.T("vol.err.damaged")
	case errors.As(err, &inc):
		return i18n.T("vol.err.incomplete")
	}
	return i18n.T("vol.open_failed", err)
}

// --- saving ---------------------------------------------------------------

// changed records an edit to cur and schedules its save.
func (v *volunteerScreen) changed() {
	if v.cur == nil {
		return
	}
	v.dirty = true
	v.ws.Vault.Touch()
	v.saveGen++
	gen := v.saveGen
	if v.saveTimer != nil {
		v.saveTimer.Stop()
	}
	v.saveTimer = time.AfterFunc(saveDelay, func() {
		post(func() {
			if gen == v.saveGen {
				v.saveNow()
			}
		})
	})
}

// saveNow saves cur if it changed. While photos are being added it waits:
// their batch saves cur when it ends.
func (v *volunteerScreen) saveNow() {
	if v.cur == nil || !v.dirty || v.attaching > 0 || v.ws == nil || v.ws.Vault.Locked() {
		return
	}
	if err := v.ws.Desk.Save(v.cur); err != nil {
		v.showError(err)
		return
	}
	v.dirty = false
	v.setStatus(i18n.T("vol.saved", time.Now().Format("15:04:05")))
	v.refreshList()
}
