package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
	"dinh/offline/outbox"
	"dinh/sync/demoprovince"
	"dinh/sync/field"
	"dinh/sync/province"
)

// syncer is the volunteer tab's view of the device's sync; the app runs
// sync/field's Device behind it.
type syncer interface {
	ID() string
	Status() field.DeviceStatus
	Changed() <-chan struct{}
}

// syncState is what the volunteer tab keeps of the sync.
type syncState struct {
	dev      syncer // set on the UI goroutine once started
	gen      int    // counts starts, so a late report of a stopped sync is dropped
	starting bool
	err      string // why the sync could not start, in words
	counts   map[outbox.State]int
	shown    string // what the open sealed dossier's view showed
	listed   string // what the list showed of each dossier (listSig)

	// The running sync's goroutines (the device, and in the demo the
	// province) and what stops them.
	cancel context.CancelFunc
	wg     sync.WaitGroup

	box      *fyne.Container
	locked   *widget.Label // the sync's line on the unlock view
	bar      *widget.ProgressBar
	settings *widget.Button
}

// startSync starts the device's sync in the background once the vault is
// set up and the device has settings. In the demo, a province runs in
// this process first, and the device's settings point at it.
func (v *volunteerScreen) startSync() {
	if v.ws == nil || v.sync.cancel != nil {
		return
	}
	demo := v.adminDir != ""
	s, err := field.LoadSettings(v.dir)
	if errors.Is(err, field.ErrNoSettings) && !demo {
		v.refreshSync()
		return
	}
	if err != nil && !demo {
		v.sync.err = i18n.T("vol.sync.bad_settings") + " " + errorText(err)
		v.refreshSync()
		return
	}
	v.sync.gen++
	gen := v.sync.gen
	v.sync.starting, v.sync.err = true, ""
	v.refreshSync()
	ctx, cancel := v.u.lifetime()
	v.sync.cancel = cancel
	ob := v.ws.Outbox
	report := func(f func()) {
		post(func() {
			if gen == v.sync.gen {
				f()
			}
		})
	}
	v.sync.wg.Go(func() {
		if demo {
			p, err := v.newProvince()
			if err != nil {
				report(func() { v.sync.starting, v.sync.err = false, syncFailed(err); v.refreshSync() })
				return
			}
			v.sync.wg.Go(func() { p.Run(ctx) })
			s = p.Settings
		}
		dev, err := field.NewDevice(field.DeviceConfig{Dir: v.dir, Settings: s, Outbox: ob, Log: v.u.cfg.Log,
			OnCatalog: func(c *catalog.Catalog) { report(func() { v.setCatalog(c, true) }) }})
		if err != nil {
			report(func() { v.sync.starting, v.sync.err = false, syncFailed(err); v.refreshSync() })
			return
		}
		v.sync.wg.Go(func() { dev.Run(ctx) })
		report(func() { v.sync.starting, v.sync.dev = false, dev })
		for {
			ch := dev.Changed()
			report(v.refreshSync)
			select {
			case <-ctx.Done():
				return
			case <-ch:
			}
		}
	})
}

// newProvince prepares the demo's hub and central, and keeps the device
// settings that reach them.
func (v *volunteerScreen) newProvince() (*demoprovince.Province, error) {
	key, err := demoCentralKey(v.adminDir)
	if err != nil {
		return nil, err
	}
	id, err := field.DeviceID(v.dir)
	if err != nil {
		return nil, err
	}
	p, err := demoprovince.New(demoprovince.Config{Dir: filepath.Join(filepath.Dir(v.dir), "demo-province"), Key: key, Device: id,
		Log: v.u.cfg.Log, Advance: time.Minute})
	if err != nil {
		return nil, err
	}
	if _, err = field.SaveSettings(v.dir, p.Settings); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// stopSync stops the device's sync and the demo province, and waits.
func (v *volunteerScreen) stopSync() {
	if v.sync.cancel == nil {
		return
	}
	v.sync.cancel()
	v.sync.wg.Wait()
	v.sync.cancel, v.sync.dev, v.sync.starting = nil, nil, false
	v.sync.gen++
}

// setCatalog puts a catalogue in use; announce says so to the volunteer.
func (v *volunteerScreen) setCatalog(c *catalog.Catalog, announce bool) {
	v.cat, v.wiz.cat = c, c
	v.wiz.search.setCatalog(c)
	if announce {
		v.say(func() string { return i18n.T("vol.sync.catalog_new", c.Updated, len(c.Procedures)) })
		if v.wiz.cur == nil && v.wiz.creating {
			v.wiz.refreshEditor()
		}
	}
}

// syncPanel is the sync's box at the foot of the dossier list.
func (v *volunteerScreen) syncPanel() fyne.CanvasObject {
	v.sync.box = container.NewVBox()
	v.sync.bar = widget.NewProgressBar()
	v.sync.settings = widget.NewButtonWithIcon(i18n.T("vol.sync.settings"), theme.SettingsIcon(), v.syncSettingsDialog)
	v.refreshSync()
	return v.sync.box
}

// refreshSync puts the sync's state into words: connected or not, what
// is still to send, the last sync, and the totals. A change in the
// outbox also refreshes the list and the open sealed dossier.
func (v *volunteerScreen) refreshSync() {
	if v.ws == nil {
		return
	}
	counts := v.ws.Outbox.Counts()
	waiting := counts[outbox.Sealed] + counts[outbox.Queued]
	if v.sync.locked != nil {
		v.sync.locked.SetText(v.lockedSyncText(counts))
	}
	if v.sync.box == nil {
		return
	}
	// The list shows each dossier's state and the office's latest
	// status: any change of them redraws it, not only a change of counts.
	if entries, err := v.ws.Outbox.List(); err == nil {
		if sig := listSig(entries); sig != v.sync.listed {
			v.sync.listed = sig
			v.refreshList()
		}
	}
	if !maps.Equal(counts, v.sync.counts) {
		if counts[outbox.Receipted] != v.sync.counts[outbox.Receipted] {
			// A receipt came back: the draft kept for it can go.
			if err := v.ws.Desk.Tidy(); err != nil {
				v.u.cfg.Log.Error("volunteer: tidy receipted drafts", "err", err)
			}
		}
		v.sync.counts = counts
		v.refreshList()
		if counts[outbox.Damaged] > 0 {
			v.resealDamaged()
		}
	}
	// The open sealed dossier: its state, receipt or the office's
	// updates may have changed.
	if v.wiz.cur == nil && v.wiz.sealedID != "" {
		if e, err := v.ws.Outbox.Entry(v.wiz.sealedID); err == nil {
			if sig := entrySig(e); sig != v.sync.shown {
				v.sync.shown = sig
				v.wiz.refreshEditor()
			}
		}
	}
	box := v.sync.box
	box.Objects = []fyne.CanvasObject{widget.NewSeparator(), widget.NewLabelWithStyle(i18n.T("vol.sync.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	line := func(icon fyne.Resource, text string, imp widget.Importance) {
		l := wrapped(text)
		l.Importance = imp
		box.Add(readingBorder(nil, nil, widget.NewIcon(icon), nil, l))
	}
	switch {
	case v.sync.err != "":
		line(theme.ErrorIcon(), v.sync.err, widget.DangerImportance)
	case v.sync.starting:
		line(theme.ViewRefreshIcon(), i18n.T("vol.sync.starting"), widget.MediumImportance)
	case v.sync.dev == nil:
		line(theme.InfoIcon(), i18n.T("vol.sync.not_set"), widget.MediumImportance)
	default:
		st := v.sync.dev.Status()
		switch {
		case st.HubConnected:
			line(theme.ConfirmIcon(), i18n.T("vol.sync.connected"), widget.SuccessImportance)
			if c := counts[outbox.Delivered]; c > 0 && waiting == 0 {
				box.Add(wrapped(i18n.T("vol.sync.at_hub", c)))
			}
		case st.Link == field.LinkNotLetIn:
			line(theme.ErrorIcon(), i18n.T("vol.sync.not_let_in"), widget.DangerImportance)
		default:
			line(theme.WarningIcon(), i18n.T("vol.sync.offline"), widget.WarningImportance)
		}
		if total := v.queuedBytes(); st.HubConnected && (st.SendFiles > 0 || waiting > 0) && total > 0 {
			left := min(st.SendBytes, total)
			box.Add(wrapped(i18n.T("vol.sync.sending", waiting, i18n.Bytes(left))))
			v.sync.bar.Max = float64(total)
			v.sync.bar.SetValue(float64(total - left))
			box.Add(v.sync.bar)
		}
		box.Add(wrapped(lastSync(st, waiting)))
		if st.Err != nil {
			line(theme.ErrorIcon(), i18n.T("vol.sync.pass_failed")+" "+errorText(st.Err), widget.DangerImportance)
		}
		if st.CatalogErr != nil {
			line(theme.WarningIcon(), catalogRefusal(st.CatalogErr), widget.WarningImportance)
		}
	}
	if n := v.refused(); n > 0 {
		line(theme.ErrorIcon(), i18n.T("vol.sync.refused", n), widget.DangerImportance)
	}
	box.Add(wrapped(i18n.T("vol.sync.totals", waiting, counts[outbox.Delivered], counts[outbox.Receipted]+counts[outbox.Purged])))
	box.Add(v.sync.settings)
	box.Refresh()
}

// refused counts the dossiers central refused that wait for a person (a
// refusal mended by a fresh copy does not).
func (v *volunteerScreen) refused() int {
	entries, _ := v.ws.Outbox.List()
	n := 0
	for _, e := range entries {
		if e.Rejection != nil && e.State.Unreceipted() && !e.Rejection.Resent {
			n++
		}
	}
	return n
}

// listSig is what the dossier list shows of each entry: its state,
// receipt and the office's latest status.
func listSig(entries []outbox.Entry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s;", entrySig(e))
	}
	return b.String()
}

// entrySig is what the volunteer sees of one dossier: its state, receipt,
// the office's updates and central's refusal.
func entrySig(e outbox.Entry) string {
	s := fmt.Sprint(e.ID, " ", e.State, " ", e.Receipt, " ", len(e.Progress))
	if r := e.Rejection; r != nil {
		s += fmt.Sprint(" ", r.Reason, " ", r.At.UnixNano(), " ", r.Resent)
	}
	return s
}

// catalogRefusal says in words why a published catalogue was not taken.
func catalogRefusal(err error) string {
	switch {
	case errors.Is(err, field.ErrCatalogOlder):
		return i18n.T("vol.sync.catalog_older")
	case errors.Is(err, field.ErrCatalogInvalid):
		return i18n.T("vol.sync.catalog_invalid")
	}
	return i18n.T("vol.sync.catalog_refused")
}

// queuedBytes is the size of the sealed dossiers not yet delivered.
func (v *volunteerScreen) queuedBytes() int64 {
	entries, _ := v.ws.Outbox.List()
	var n int64
	for _, e := range entries {
		if e.State != outbox.Sealed && e.State != outbox.Queued {
			continue
		}
		if fi, err := os.Stat(filepath.Join(v.dir, "outbox", e.SealedPath)); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// when says a time the way a person would: the hour today, else the date.
func when(t time.Time) string {
	t = t.Local()
	if y, m, d := time.Now().Date(); t.Year() == y && t.Month() == m && t.Day() == d {
		return i18n.T("vol.sync.today", t.Format("15:04"))
	}
	return t.Format("15:04 02/01/2006")
}

// syncSettingsDialog shows this device's ID for the administrator to
// enrol, and the settings that reach the commune hub.
func (v *volunteerScreen) syncSettingsDialog() {
	id, err := field.DeviceID(v.dir)
	if err != nil {
		v.say(func() string { return syncFailed(err) })
		return
	}
	s, _ := field.LoadSettings(v.dir)
	win := v.u.win
	idEntry := newDialogEntry(win, false)
	idEntry.SetText(id)
	idEntry.OnChanged = func(string) { idEntry.SetText(id) } // read-only, yet selectable
	copyBtn := widget.NewButtonWithIcon(i18n.T("vol.sync.copy"), theme.ContentCopyIcon(), func() {
		v.u.app.Clipboard().SetContent(id)
	})
	commune, listen, hub, hubAddr, cen := newDialogEntry(win, false), newDialogEntry(win, false), newDialogEntry(win, false), newDialogEntry(win, false), newDialogEntry(win, false)
	commune.SetText(s.Commune)
	listen.SetText(s.Listen)
	if s.Listen == "" {
		listen.SetText(province.DefaultDeviceListen)
	}
	hub.SetText(s.Hub)
	hubAddr.SetText(s.HubAddr)
	hubAddr.SetPlaceHolder("tcp://192.168.1.10:22000")
	cen.SetText(s.Central)
	msg := wrapped("")
	msg.Importance = widget.DangerImportance
	form := widget.NewForm(
		&widget.FormItem{Text: i18n.T("vol.sync.commune"), Widget: commune},
		&widget.FormItem{Text: i18n.T("vol.sync.hub"), Widget: hub, HintText: i18n.T("vol.sync.id_hint")},
		&widget.FormItem{Text: i18n.T("vol.sync.hub_addr"), Widget: hubAddr},
		&widget.FormItem{Text: i18n.T("vol.sync.central"), Widget: cen, HintText: i18n.T("vol.sync.id_hint")},
		&widget.FormItem{Text: i18n.T("vol.sync.listen"), Widget: listen},
	)
	var d dialog.Dialog
	save := widget.NewButtonWithIcon(i18n.T("vol.sync.save"), theme.ConfirmIcon(), func() {
		_, err := field.SaveSettings(v.dir, field.Settings{Commune: commune.Text, Listen: listen.Text, Hub: hub.Text, HubAddr: hubAddr.Text, Central: cen.Text})
		if err != nil {
			msg.SetText(errorText(err))
			return
		}
		d.Hide()
		v.stopSync()
		v.sync.err = ""
		v.startSync()
	})
	save.Importance = widget.HighImportance
	for _, e := range []*dialogEntry{commune, hub, hubAddr, cen, listen} {
		e.OnSubmitted = func(string) { save.OnTapped() } // Enter saves
	}
	body := container.NewVBox(
		wrapped(i18n.T("vol.sync.id_text")),
		readingBorder(nil, nil, nil, copyBtn, idEntry),
		widget.NewSeparator(), form, msg,
		container.NewHBox(widget.NewButton(i18n.T("vol.cancel"), func() { d.Hide() }), save))
	if v.adminDir != "" {
		body.Objects = body.Objects[:2]
		body.Add(wrapped(i18n.T("vol.sync.demo")))
		body.Add(widget.NewButton(i18n.T("vol.close"), func() { d.Hide() }))
	}
	d = dialog.NewCustomWithoutButtons(i18n.T("vol.sync.settings.title"), body, v.u.win)
	d.Resize(fyne.NewSize(720, 0))
	showDialog(win, d)
}

// syncFailed says that the sync could not start, and why in words.
func syncFailed(err error) string { return i18n.T("vol.sync.failed") + " " + errorText(err) }

// lockedSyncText tells a volunteer at the lock screen that the sync goes
// on: sealed dossiers need no passphrase to travel.
func (v *volunteerScreen) lockedSyncText(counts map[outbox.State]int) string {
	if v.sync.dev == nil && !v.sync.starting {
		return ""
	}
	return i18n.T("vol.sync.while_locked", counts[outbox.Sealed]+counts[outbox.Queued], counts[outbox.Receipted]+counts[outbox.Purged])
}

// lastSync says when this device was last in step with the hub: connected
// with nothing left to send, it is in step still, since then (the time
// alone read as "nothing for twenty minutes").
func lastSync(st field.DeviceStatus, waiting int) string {
	switch {
	case st.LastSync.IsZero():
		return i18n.T("vol.sync.never")
	case st.HubConnected && st.SendFiles == 0 && st.RecvFiles == 0 && waiting == 0:
		return i18n.T("vol.sync.in_step", when(st.LastSync))
	}
	return i18n.T("vol.sync.last", when(st.LastSync))
}
