package app

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/lan"
	"dinh/sync/room"
)

// delegateScreen is a council delegate's tab. It places three parts: the
// list of meetings, the open meeting's agenda and the open document; and
// it follows the open meeting's host on the LAN.
type delegateScreen struct {
	u     *UI
	st    *store.Store
	blobs *blob.Store
	dir   *room.Directory
	sigs  signatures

	meetings *meetingList
	pane     *meetingPane
	doc      *docPane
	split    *container.Split

	follow    context.CancelFunc
	following chan struct{}
	// In the demo the delegate opens the first document by itself, as a
	// delegate would by hand.
	autoOpen bool
}

func newDelegateScreen(u *UI, st *store.Store, bl *blob.Store) *delegateScreen {
	d := &delegateScreen{u: u, st: st, blobs: bl, dir: room.NewDirectory(u.cfg.Ifaces)}
	local, err := room.LoadLocalTrust(st.Dir())
	if err != nil {
		u.cfg.Log.Error("trust folder", "err", err)
	}
	d.sigs.local = local
	d.meetings = newMeetingList(st, d.dir, d.openMeeting)
	d.pane = newMeetingPane()
	d.doc = &docPane{blobs: bl, check: d.check, focus: func(f fyne.Focusable) { u.win.Canvas().Focus(f) }, onChange: d.refreshAgenda,
		notes: newNotesPane(d, filepath.Join(st.Dir(), "notes"))}
	d.doc.build()
	return d
}

func (d *delegateScreen) start() {
	d.dir.OnChange = func() { post(d.meetings.refresh) }
	d.u.goService(func(ctx context.Context) {
		if err := d.dir.Run(ctx); err != nil && ctx.Err() == nil {
			d.u.cfg.Log.Error("browse", "err", err)
		}
	})
	d.u.goService(func(ctx context.Context) {
		t := time.NewTicker(5 * time.Second) // listings age out
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				post(d.meetings.refresh)
			}
		}
	})
	d.meetings.refresh()
}

func (d *delegateScreen) close() {
	d.stopFollowing()
	d.doc.release()
	d.doc.notes.close()
}

// What the notes part needs of the screen.

func (d *delegateScreen) window() fyne.Window { return d.u.win }

func (d *delegateScreen) notedMeeting() (id, title string) {
	if d.pane.man != nil {
		title = d.pane.man.Meeting.Title
	}
	return d.pane.id, title
}

func (d *delegateScreen) docPath(meetingID, name string) (string, bool) {
	man := cachedManifest(d.st, meetingID)
	if man == nil {
		return "", false
	}
	for _, doc := range man.Documents {
		if doc.Name == name && d.ready(doc) {
			return d.blobs.Path(doc.SHA256), true
		}
	}
	return "", false
}

// rebuild makes the widgets again in the new language, keeping the open
// meeting and document.
func (d *delegateScreen) rebuild() {
	d.meetings.build()
	d.pane.build()
	d.doc.build()
	d.meetings.refresh()
}

func (d *delegateScreen) content() fyne.CanvasObject {
	var oldLeft *container.Split
	if d.split != nil {
		oldLeft, _ = d.split.Leading.(*container.Split)
	}
	left := keptSplit(oldLeft, container.NewVSplit(d.meetings.view(), d.pane.view()), 0.3)
	d.split = keptSplit(d.split, container.NewHSplit(left, d.doc.view()), 0.34)
	d.refreshMeeting()
	return d.split
}

func (d *delegateScreen) refreshMeeting() {
	d.pane.refreshHeader()
	d.refreshAgenda()
}

func (d *delegateScreen) refreshAgenda() { d.pane.refreshAgenda(d) }

// The agenda's documents, for the meeting pane.

func (d *delegateScreen) ready(doc meeting.Document) bool { return blobReady(d.blobs, doc) }
func (d *delegateScreen) isOpen(name string) bool         { return d.doc.name == name }
func (d *delegateScreen) badges(doc meeting.Document) fyne.CanvasObject {
	return container.NewHBox(verdictBadges(d.check(doc, d.doc.checked)))
}

func (d *delegateScreen) open(doc meeting.Document) {
	d.autoOpen = false // the delegate chose: the demo opens nothing by itself any more
	d.doc.open(doc)
}

func (d *delegateScreen) stopFollowing() {
	if d.follow != nil {
		d.follow()
		<-d.following
		d.follow = nil
	}
}

// openMeeting shows what the device holds of a meeting at once, then
// follows its host when it is on the LAN.
func (d *delegateScreen) openMeeting(r meetingRow) {
	if d.pane.id == r.id && d.follow != nil {
		return
	}
	d.stopFollowing()
	d.pane.show(d.st, r.id, r.listing != nil)
	d.refreshMeeting()
	picked := ""
	if r.listing != nil {
		picked = r.listing.Fingerprint
	}
	p := d.pane
	f := &lan.Follower{
		MeetingID: r.id, Cache: d.st, Blobs: d.blobs, Who: room.Identity(d.st),
		Locate:  d.dir.Locate(r.id, room.Expect(d.st, r.id, picked)),
		Confirm: d.confirm,
		OnState: func(s lan.State, err error) {
			post(func() {
				if p.id != r.id {
					return
				}
				p.state, p.stateErr = s, err
				if s == lan.Downloading || s == lan.UpToDate {
					p.man = cachedManifest(d.st, r.id)
				}
				d.refreshMeeting()
				if s == lan.UpToDate && d.autoOpen && p.man != nil && len(p.man.Documents) > 0 {
					d.autoOpen = false
					d.doc.open(p.man.Documents[0])
				}
			})
		},
		OnProgress: func(pr lan.Progress) {
			post(func() {
				if p.id == r.id {
					prev := p.progress.Docs
					p.progress = pr
					p.refreshProgress()
					if pr.Docs != prev {
						d.refreshAgenda() // a document became readable
					}
				}
			})
		},
		OnUpdate: func(man *meeting.Manifest, c meeting.Changes) {
			post(func() {
				if p.id != r.id {
					return
				}
				first := p.man == nil || len(c.Added) == len(man.Documents)
				p.man = man
				if !first {
					p.banner = describeChanges(man.Version, c)
				}
				d.meetings.refresh()
				d.refreshMeeting()
				if d.autoOpen && len(man.Documents) > 0 {
					d.autoOpen = false
					d.doc.open(man.Documents[0])
				}
			})
		},
	}
	ctx, cancel := d.u.lifetime()
	d.follow, d.following = cancel, make(chan struct{})
	done := d.following
	d.u.goService(func(context.Context) {
		defer close(done)
		err := f.Run(ctx)
		if errors.Is(err, lan.ErrNotConfirmed) {
			post(func() {
				if p.id == r.id {
					p.state, p.stateErr = lan.Refused, err
					d.refreshMeeting()
				}
			})
		}
	})
}

// confirm asks the delegate to compare the host's fingerprint with the one
// on the room's screen, and waits for the answer.
func (d *delegateScreen) confirm(ctx context.Context, fp meeting.Fingerprint) (bool, error) {
	answer := make(chan bool, 1)
	post(func() {
		code := widget.NewLabelWithStyle(fp.Short(), fyne.TextAlignCenter, fyne.TextStyle{Bold: true, Monospace: true})
		code.SizeName = theme.SizeNameHeadingText
		text := widget.NewLabel(i18n.T("confirm.text"))
		text.Wrapping = fyne.TextWrapWord
		body := container.NewVBox(text, code)
		dlg := dialog.NewCustomConfirm(i18n.T("confirm.title"), i18n.T("confirm.yes"), i18n.T("confirm.no"), body,
			func(ok bool) { answer <- ok }, d.u.win)
		dlg.Resize(fyne.NewSize(520, 300))
		showDialog(d.u.win, dlg)
	})
	select {
	case ok := <-answer:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
