package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/agekey"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// vaultGate is the way into the volunteer's vault: setting it up,
// unlocking it, resetting a forgotten passphrase with the administrator's
// recovery key, and changing the passphrase.
type vaultGate struct {
	s         *volunteerScreen
	err       string // what went wrong last, in words
	recovery  bool   // the recovery form is shown
	passEntry *widget.Entry
	unlockBtn *widget.Button
}

// Mistakes at the gate that no package reports.
var (
	errPassMismatch   = errors.New("the two passphrases differ")
	errBadCentralKey  = errors.New("the central key is not valid")
	errBadRecoveryKey = errors.New("the recovery key is not valid")
)

// gateText puts a failure at the gate into words.
func gateText(err error) string {
	switch {
	case errors.Is(err, errPassMismatch):
		return i18n.T("vol.pass.mismatch")
	case errors.Is(err, errBadCentralKey):
		return i18n.T("vol.central_key.bad")
	case errors.Is(err, errBadRecoveryKey):
		return i18n.T("vol.recovery_key.bad")
	case errors.Is(err, vault.ErrWeakPassphrase):
		return i18n.T("vol.pass.weak", vault.MinPassphraseRunes)
	case errors.Is(err, vault.ErrWrongRecoveryKey):
		return i18n.T("vol.recovery_key.wrong")
	}
	return errorText(err)
}

// view is the gate's form for the vault's state.
func (g *vaultGate) view() fyne.CanvasObject {
	if g.s.ws == nil {
		return g.setupView()
	}
	return g.unlockView()
}

func (g *vaultGate) setupView() fyne.CanvasObject {
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	central, recovery := widget.NewEntry(), widget.NewEntry()
	msg := wrapped(g.err)
	msg.Importance = widget.DangerImportance
	items := []*widget.FormItem{
		{Text: i18n.T("vol.pass"), Widget: pass, HintText: i18n.T("vol.pass.hint")},
		{Text: i18n.T("vol.pass_again"), Widget: again},
	}
	if g.s.adminDir == "" {
		items = append(items,
			&widget.FormItem{Text: i18n.T("vol.central_key"), Widget: central, HintText: i18n.T("vol.central_key.hint")},
			&widget.FormItem{Text: i18n.T("vol.recovery_key"), Widget: recovery, HintText: i18n.T("vol.recovery_key.hint")})
	}
	form := widget.NewForm(items...)
	create := widget.NewButtonWithIcon(i18n.T("vol.setup.create"), theme.ConfirmIcon(), func() {
		if err := g.setUp(pass.Text, again.Text, central.Text, recovery.Text); err != nil {
			msg.SetText(gateText(err))
			return
		}
		g.s.show()
	})
	create.Importance = widget.HighImportance
	pass.OnSubmitted = func(string) { g.s.u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { create.OnTapped() }
	box := container.NewVBox(bigLabel(i18n.T("vol.setup.title")), wrapped(i18n.T("vol.setup.text")), form, create, msg)
	return wheelPage(container.NewVScroll(narrow(box)))
}

// setUp creates the vault; gateText puts its errors into words.
func (g *vaultGate) setUp(pass, again, centralText, recoveryText string) error {
	if pass != again {
		return errPassMismatch
	}
	var s volunteer.Setup
	if g.s.adminDir != "" {
		var err error
		if s, err = demoAdmin(g.s.adminDir); err != nil {
			return err
		}
	} else {
		var err error
		if s.Central, err = agekey.ParsePublic(centralText); err != nil {
			return fmt.Errorf("%w: %w", errBadCentralKey, err)
		}
		if s.Recovery, err = agekey.ParsePublic(recoveryText); err != nil {
			return fmt.Errorf("%w: %w", errBadRecoveryKey, err)
		}
	}
	ws, err := volunteer.Init(g.s.dir, volunteer.Passphrase(pass), s, g.s.opts)
	if err != nil {
		return err
	}
	g.s.setWorkspace(ws)
	g.err = ""
	g.s.startSync()
	return nil
}

// demoAdmin returns the demo administrator's public keys, creating the
// key pairs on first use. Outside the demo, keys come from the team's
// administrator.
func demoAdmin(dir string) (volunteer.Setup, error) {
	if _, err := os.Stat(filepath.Join(dir, agekey.CentralKey)); err != nil {
		if _, err := agekey.MakeAdminKeys(dir); err != nil {
			return volunteer.Setup{}, err
		}
	}
	cpriv, rpriv, err := agekey.LoadAdminKeys(dir)
	if err != nil {
		return volunteer.Setup{}, err
	}
	return volunteer.Setup{Central: cpriv.Public(), Recovery: rpriv.Public()}, nil
}

// demoCentralKey is the demo administrator's central private key, which
// the demo's own central server holds.
func demoCentralKey(dir string) (agekey.Private, error) {
	c, _, err := agekey.LoadAdminKeys(dir)
	return c, err
}

func (g *vaultGate) unlockView() fyne.CanvasObject {
	if g.recovery {
		return g.recoveryView()
	}
	g.passEntry = widget.NewPasswordEntry()
	g.passEntry.SetPlaceHolder(i18n.T("vol.pass"))
	msg := wrapped(g.err)
	msg.Importance = widget.DangerImportance
	g.unlockBtn = widget.NewButtonWithIcon(i18n.T("vol.unlock"), theme.LoginIcon(), func() {
		g.unlock(g.passEntry.Text)
	})
	g.unlockBtn.Importance = widget.HighImportance
	g.passEntry.OnSubmitted = func(string) { g.unlockBtn.OnTapped() }
	forgot := widget.NewButton(i18n.T("vol.forgot"), func() { g.recovery, g.err = true, ""; g.s.show() })
	forgot.Importance = widget.LowImportance
	g.s.sync.locked = wrapped(g.s.lockedSyncText(g.s.ws.Outbox.Counts()))
	box := container.NewVBox(bigLabel(i18n.T("vol.locked.title")), wrapped(i18n.T("vol.locked.text")), g.passEntry, g.unlockBtn, msg, forgot, g.s.sync.locked)
	return wheelPage(container.NewVScroll(narrow(box)))
}

// unlock tries a passphrase; the message says what went wrong in words.
func (g *vaultGate) unlock(pass string) {
	err := g.s.ws.Vault.Unlock(volunteer.Passphrase(pass))
	var backoff *vault.BackoffError
	switch {
	case err == nil:
		g.err = ""
		g.s.wiz.saveNow()
		g.s.resealDamaged()
	case errors.As(err, &backoff):
		g.err = i18n.T("vol.backoff", backoff.Until.Local().Format("15:04:05"))
	case errors.Is(err, vault.ErrWrongPassphrase):
		g.err = i18n.T("vol.wrong_pass")
	default:
		g.err = errorText(err)
	}
	g.s.show()
}

func (g *vaultGate) recoveryView() fyne.CanvasObject {
	key := widget.NewMultiLineEntry()
	key.SetPlaceHolder("AGE-SECRET-KEY-1…")
	key.Wrapping = fyne.TextWrapBreak
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	msg := wrapped(g.err)
	msg.Importance = widget.DangerImportance
	form := widget.NewForm(
		&widget.FormItem{Text: i18n.T("vol.recover.key"), Widget: key},
		&widget.FormItem{Text: i18n.T("vol.pass_new"), Widget: pass, HintText: i18n.T("vol.pass.hint")},
		&widget.FormItem{Text: i18n.T("vol.pass_again"), Widget: again},
	)
	do := widget.NewButtonWithIcon(i18n.T("vol.recover.do"), theme.ConfirmIcon(), func() {
		if err := g.recover(key.Text, pass.Text, again.Text); err != nil {
			msg.SetText(gateText(err))
			return
		}
		g.recovery = false
		g.s.show()
	})
	do.Importance = widget.HighImportance
	back := widget.NewButton(i18n.T("vol.back"), func() { g.recovery = false; g.s.show() })
	box := container.NewVBox(bigLabel(i18n.T("vol.recover.title")), wrapped(i18n.T("vol.recover.text")), form, container.NewHBox(back, do), msg)
	return wheelPage(container.NewVScroll(narrow(box)))
}

// recover sets a new passphrase with the administrator's recovery key and
// reopens the workspace with it.
func (g *vaultGate) recover(keyText, pass, again string) error {
	if pass != again {
		return errPassMismatch
	}
	key, err := agekey.ParsePrivate(keyText)
	if err != nil {
		return fmt.Errorf("%w: %w", errBadRecoveryKey, err)
	}
	p := volunteer.Passphrase(pass)
	rv, err := vault.Recover(filepath.Join(g.s.dir, "vault"), key, p, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	rv.Close()
	g.s.stopSync() // it uses the workspace's outbox
	g.s.ws.Close()
	ws, err := volunteer.Open(g.s.dir, g.s.opts)
	if err == nil {
		err = ws.Vault.Unlock(p)
	}
	if err != nil {
		return err
	}
	g.s.setWorkspace(ws)
	g.err = ""
	g.s.startSync()
	return nil
}

func (g *vaultGate) changePassphrase() {
	passphraseDialog(g.s.u.win, passphraseAsk{
		title: i18n.T("vol.pass_change"), action: i18n.T("vol.pass_change"), later: i18n.T("vol.cancel"), old: true,
		do: func(old, pass string) error {
			return g.s.ws.Vault.ChangePassphrase(volunteer.Passphrase(old), volunteer.Passphrase(pass))
		},
		done: func() { g.s.say(func() string { return i18n.T("vol.pass_changed") }) },
	})
}

// passphraseAsk is what passphraseDialog asks for and does.
type passphraseAsk struct {
	title, lead   string // the dialog's title, and what to know first ("" for nothing)
	action, later string // its two buttons
	old           bool   // ask for the current passphrase first
	// do sets the passphrase; done runs once it has.
	do   func(old, pass string) error
	done func()
}

// passphraseDialog asks for a new passphrase twice (and the current one
// first when a.old), says under the fields what went wrong in words, and
// closes once a.do has succeeded. Enter goes from field to field and, from
// the last, does the action.
func passphraseDialog(win fyne.Window, a passphraseAsk) {
	old, pass, again := newDialogEntry(win, true), newDialogEntry(win, true), newDialogEntry(win, true)
	msg := wrapped("")
	msg.Importance = widget.DangerImportance
	form := widget.NewForm()
	fields := []*dialogEntry{pass, again}
	if a.old {
		form.Append(i18n.T("vol.pass_old"), old)
		fields = append([]*dialogEntry{old}, fields...)
	}
	form.AppendItem(&widget.FormItem{Text: i18n.T("vol.pass_new"), Widget: pass, HintText: i18n.T("vol.pass.hint")})
	form.Append(i18n.T("vol.pass_again"), again)
	var d dialog.Dialog
	ok := widget.NewButtonWithIcon(a.action, theme.ConfirmIcon(), func() {
		if pass.Text != again.Text {
			msg.SetText(i18n.T("vol.pass.mismatch"))
			return
		}
		err := a.do(old.Text, pass.Text)
		switch {
		case errors.Is(err, vault.ErrWrongPassphrase), errors.Is(err, vault.ErrBackoff):
			msg.SetText(i18n.T("vol.wrong_pass"))
		case errors.Is(err, vault.ErrWeakPassphrase):
			msg.SetText(i18n.T("vol.pass.weak", vault.MinPassphraseRunes))
		case err != nil:
			msg.SetText(errorText(err))
		default:
			d.Hide()
			a.done()
		}
	})
	ok.Importance = widget.HighImportance
	for i, e := range fields {
		if i+1 < len(fields) {
			next := fields[i+1]
			e.OnSubmitted = func(string) { win.Canvas().Focus(next) }
		} else {
			e.OnSubmitted = func(string) { ok.OnTapped() }
		}
	}
	var body []fyne.CanvasObject
	if a.lead != "" {
		body = append(body, wrapped(a.lead))
	}
	body = append(body, form, msg, container.NewHBox(widget.NewButton(a.later, func() { d.Hide() }), ok))
	d = dialog.NewCustomWithoutButtons(a.title, container.NewVBox(body...), win)
	d.Resize(fyne.NewSize(min(560, win.Canvas().Size().Width-40), 360))
	showDialog(win, d)
	win.Canvas().Focus(fields[0])
}
