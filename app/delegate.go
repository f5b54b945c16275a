package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/app/pdfview"
	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/lan"
	"dinh/sync/room"
)

// meetingRow is one line of the delegate's meeting list: a meeting on the
// LAN, one kept on the device, or both.
type meetingRow struct {
	id      string
	title   string
	listing *room.Listing
	cached  bool
}

type delegateScreen struct {
	u     *UI
	st    *store.Store
	blobs *blob.Store
	dir   *room.Directory

	rows      []meetingRow
	current   string
	man       *meeting.Manifest
	state     lan.State
	stateErr  error
	progress  lan.Progress
	banner    string
	openName  string
	openDoc   meeting.Document
	viewer    *pdfview.Viewer
	viewerErr fyne.CanvasObject // shown instead of a viewer for a broken PDF
	sigs      signatures
	// sigShown is true while the signature panel is beside the viewer.
	sigShown  bool
	follow    context.CancelFunc
	following chan struct{}
	// In the demo the delegate joins the in-process host by itself and
	// opens the first document, as a delegate would by hand.
	autoJoin string
	autoOpen bool

	list          *widget.List
	left          *fyne.Container
	right         *fyne.Container
	agenda        *fyne.Container
	header        *widget.Label
	details       *widget.Label
	status        *widget.Label
	statusIcon    *widget.Icon
	bar           *widget.ProgressBar
	barText       *widget.Label
	bannerBox     *fyne.Container
	bannerText    *widget.Label
	split         *container.Split
	docTitle      *widget.Label
	viewerContent *fyne.Container
	sigButton     *widget.Button
}

func newDelegateScreen(u *UI, st *store.Store, bl *blob.Store) *delegateScreen {
	d := &delegateScreen{u: u, st: st, blobs: bl, dir: room.NewDirectory(u.cfg.Ifaces)}
	local, err := room.LoadLocalTrust(st.Dir())
	if err != nil {
		u.cfg.Log.Error("trust folder", "err", err)
	}
	d.sigs.local = local
	d.buildUI()
	return d
}

func (d *delegateScreen) start() {
	d.dir.OnChange = func() { post(d.refreshRows) }
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
				post(d.refreshRows)
			}
		}
	})
	d.refreshRows()
}

func (d *delegateScreen) close() {
	d.stopFollowing()
	if d.viewer != nil {
		d.viewer.Close()
		d.viewer = nil
	}
}

func (d *delegateScreen) buildUI() {
	d.list = widget.NewList(
		func() int { return len(d.rows) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ComputerIcon()), nil, container.NewVBox(title, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(d.rows) {
				return
			}
			r := d.rows[i]
			c := o.(*fyne.Container)
			texts := c.Objects[0].(*fyne.Container)
			texts.Objects[0].(*widget.Label).SetText(r.title)
			sub := i18n.T("delegate.row.cached")
			icon := theme.StorageIcon()
			if r.listing != nil {
				sub = i18n.T("delegate.row.lan", r.listing.Short())
				icon = theme.ComputerIcon()
			}
			texts.Objects[1].(*widget.Label).SetText(sub)
			c.Objects[1].(*widget.Icon).SetResource(icon)
		})
	d.list.OnSelected = func(i widget.ListItemID) {
		if i < len(d.rows) {
			d.openMeeting(d.rows[i])
		}
	}
	d.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.header.Wrapping = fyne.TextWrapWord
	d.details = widget.NewLabel("")
	d.details.Wrapping = fyne.TextWrapWord
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.statusIcon = widget.NewIcon(theme.InfoIcon())
	d.bar = widget.NewProgressBar()
	d.barText = widget.NewLabel("")
	d.bannerText = widget.NewLabel("")
	d.bannerText.Wrapping = fyne.TextWrapWord
	bannerBg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { d.banner = ""; d.refreshMeeting() })
	d.bannerBox = container.NewStack(bannerBg, container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), dismiss, d.bannerText))
	d.agenda = container.NewVBox()
	d.docTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.viewerContent = container.NewStack()
	d.sigButton = widget.NewButtonWithIcon(i18n.T("sig.button"), theme.DocumentIcon(), func() {
		d.sigShown = !d.sigShown
		d.showDocument()
	})
	d.sigButton.Hide()
}

func (d *delegateScreen) rebuild() {
	d.buildUI()
	d.refreshRows()
	d.refreshMeeting()
	if d.viewer != nil {
		d.showDocument()
	}
}

func (d *delegateScreen) content() fyne.CanvasObject {
	lanTitle := widget.NewLabelWithStyle(i18n.T("delegate.meetings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	hint := widget.NewLabel(i18n.T("delegate.meetings.hint"))
	hint.Wrapping = fyne.TextWrapWord
	meetings := container.NewBorder(container.NewVBox(lanTitle, hint), nil, nil, nil, d.list)
	statusRow := container.NewBorder(nil, nil, d.statusIcon, nil, d.status)
	top := container.NewVBox(d.header, d.details, statusRow, d.bar, d.barText, d.bannerBox)
	agenda := container.NewBorder(top, nil, nil, nil, container.NewVScroll(d.agenda))
	leftSplit := container.NewVSplit(meetings, agenda)
	leftSplit.SetOffset(0.3)
	closeDoc := widget.NewButtonWithIcon(i18n.T("viewer.close"), theme.CancelIcon(), d.closeDocument)
	d.right = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(d.sigButton, closeDoc), d.docTitle), nil, nil, nil, d.viewerContent)
	d.split = container.NewHSplit(leftSplit, d.right)
	d.split.SetOffset(0.34)
	d.refreshMeeting()
	d.showPlaceholder()
	return d.split
}

func (d *delegateScreen) showPlaceholder() {
	if d.viewer != nil {
		return
	}
	// No wrapping: a wrapping label in a centring container has no width.
	msg := widget.NewLabelWithStyle(i18n.T("viewer.pick"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	d.docTitle.SetText("")
	d.sigButton.Hide()
	d.viewerContent.Objects = []fyne.CanvasObject{container.NewCenter(msg)}
	d.viewerContent.Refresh()
}

// refreshRows merges the meetings on the LAN with those kept on the device.
func (d *delegateScreen) refreshRows() {
	byID := map[string]*meetingRow{}
	var order []string
	for _, l := range d.dir.List() {
		l := l
		if r, ok := byID[l.ID]; ok {
			// Several hosts announce one meeting: prefer the pinned one.
			if pin, ok, _ := d.st.Pin(l.ID); ok && pin == l.Fingerprint {
				r.listing = &l
			}
			continue
		}
		byID[l.ID] = &meetingRow{id: l.ID, title: l.Title, listing: &l}
		order = append(order, l.ID)
	}
	ids, _ := d.st.Meetings()
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			r.cached = true
			continue
		}
		title := id
		if man := d.loadManifest(id); man != nil {
			title = man.Meeting.Title
		}
		byID[id] = &meetingRow{id: id, title: title, cached: true}
		order = append(order, id)
	}
	sort.SliceStable(order, func(i, j int) bool { return byID[order[i]].title < byID[order[j]].title })
	d.rows = d.rows[:0]
	for _, id := range order {
		d.rows = append(d.rows, *byID[id])
	}
	d.list.Refresh()
	for i, r := range d.rows {
		if d.autoJoin != "" && r.id == d.autoJoin && r.listing != nil {
			d.autoJoin = ""
			d.list.Select(i)
		}
	}
}

// loadManifest returns the newest verified copy of a meeting on the device:
// complete if there is one, else the one still downloading.
func (d *delegateScreen) loadManifest(id string) *meeting.Manifest {
	for _, get := range []func(string) ([]byte, bool, error){d.st.Package, d.st.Pending} {
		raw, ok, err := get(id)
		if err != nil || !ok {
			continue
		}
		var pin *meeting.Fingerprint
		if s, ok, _ := d.st.Pin(id); ok {
			if fp, err := meeting.ParseFingerprint(s); err == nil {
				pin = &fp
			}
		}
		if man, _, err := meeting.Open(raw, pin); err == nil {
			return man
		}
	}
	return nil
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
	if d.current == r.id && d.follow != nil {
		return
	}
	d.stopFollowing()
	d.current, d.banner, d.stateErr = r.id, "", nil
	d.progress = lan.Progress{}
	d.man = d.loadManifest(r.id)
	d.state = lan.Searching
	if r.listing == nil {
		d.state = lan.Offline
	}
	d.refreshMeeting()
	picked := ""
	if r.listing != nil {
		picked = r.listing.Fingerprint
	}
	f := &lan.Follower{
		MeetingID: r.id, Cache: d.st, Blobs: d.blobs,
		Locate:  d.dir.Locate(r.id, room.Expect(d.st, r.id, picked)),
		Confirm: d.confirm,
		OnState: func(s lan.State, err error) {
			post(func() {
				if d.current != r.id {
					return
				}
				d.state, d.stateErr = s, err
				if s == lan.Downloading || s == lan.UpToDate {
					d.man = d.loadManifest(r.id)
				}
				d.refreshMeeting()
				if s == lan.UpToDate && d.autoOpen && d.man != nil && len(d.man.Documents) > 0 {
					d.autoOpen = false
					d.openDocument(d.man.Documents[0])
				}
			})
		},
		OnProgress: func(p lan.Progress) {
			post(func() {
				if d.current == r.id {
					prev := d.progress.Docs
					d.progress = p
					d.refreshProgress()
					if p.Docs != prev {
						d.refreshAgenda() // a document became readable
					}
				}
			})
		},
		OnUpdate: func(man *meeting.Manifest, c meeting.Changes) {
			post(func() {
				if d.current != r.id {
					return
				}
				first := d.man == nil || len(c.Added) == len(man.Documents)
				d.man = man
				if !first {
					d.banner = describeChanges(man.Version, c)
				}
				d.refreshRows()
				d.refreshMeeting()
				if d.autoOpen && len(man.Documents) > 0 {
					d.autoOpen = false
					d.openDocument(man.Documents[0])
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
				if d.current == r.id {
					d.state, d.stateErr = lan.Refused, err
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
		dlg.Show()
	})
	select {
	case ok := <-answer:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (d *delegateScreen) refreshMeeting() {
	if d.current == "" && d.man == nil {
		d.header.SetText(i18n.T("delegate.none"))
		d.details.SetText("")
		d.status.SetText("")
		d.statusIcon.Hide()
		d.bar.Hide()
		d.barText.Hide()
		d.bannerBox.Hide()
		d.agenda.Objects = nil
		d.agenda.Refresh()
		return
	}
	if d.man != nil {
		m := d.man.Meeting
		d.header.SetText(m.Title)
		d.details.SetText(i18n.T("delegate.details", formatStart(m.Start), m.Place, d.man.Version))
	} else {
		d.header.SetText(d.current)
		d.details.SetText("")
	}
	d.statusIcon.Show()
	msg, icon := d.stateText()
	d.status.SetText(msg)
	d.statusIcon.SetResource(icon)
	if d.banner != "" {
		d.bannerText.SetText(d.banner)
		d.bannerBox.Show()
	} else {
		d.bannerBox.Hide()
	}
	d.refreshProgress()
	d.refreshAgenda()
}

func (d *delegateScreen) stateText() (string, fyne.Resource) {
	switch d.state {
	case lan.Searching:
		if d.man != nil {
			return i18n.T("state.searching_cached"), theme.SearchIcon()
		}
		return i18n.T("state.searching"), theme.SearchIcon()
	case lan.Connecting:
		return i18n.T("state.connecting"), theme.ViewRefreshIcon()
	case lan.Downloading:
		return i18n.T("state.downloading"), theme.DownloadIcon()
	case lan.UpToDate:
		return i18n.T("state.uptodate"), theme.ConfirmIcon()
	case lan.Offline:
		if d.man != nil {
			return i18n.T("state.offline_cached"), theme.WarningIcon()
		}
		return i18n.T("state.offline"), theme.WarningIcon()
	case lan.Refused:
		return refusalText(d.stateErr), theme.ErrorIcon()
	}
	return "", theme.InfoIcon()
}

func refusalText(err error) string {
	switch {
	case errors.Is(err, meeting.ErrKeyMismatch):
		return i18n.T("refused.key")
	case errors.Is(err, meeting.ErrBadSignature):
		return i18n.T("refused.signature")
	case errors.Is(err, lan.ErrCorruptDocument):
		return i18n.T("refused.document")
	case errors.Is(err, lan.ErrNotConfirmed):
		return i18n.T("refused.declined")
	}
	return i18n.T("refused.other", fmt.Sprint(err))
}

func (d *delegateScreen) refreshProgress() {
	p := d.progress
	if d.state != lan.Downloading || p.TotalBytes == 0 {
		d.bar.Hide()
		d.barText.Hide()
		return
	}
	d.bar.Show()
	d.barText.Show()
	d.bar.SetValue(float64(p.Bytes) / float64(p.TotalBytes))
	text := i18n.T("progress.text", i18n.Bytes(p.Bytes), i18n.Bytes(p.TotalBytes), min(p.Docs+1, p.TotalDocs), p.TotalDocs)
	if p.Remaining > 0 {
		text += " · " + i18n.T("progress.remaining", humanDuration(p.Remaining))
	}
	d.barText.SetText(text)
}

func (d *delegateScreen) refreshAgenda() {
	d.agenda.Objects = nil
	if d.man == nil {
		d.agenda.Refresh()
		return
	}
	for i, it := range d.man.Meeting.Agenda {
		title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, it.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		box := container.NewVBox(title)
		var meta []string
		if it.Presenter != "" {
			meta = append(meta, it.Presenter)
		}
		if it.Minutes > 0 {
			meta = append(meta, i18n.T("agenda.minutes", it.Minutes))
		}
		if len(meta) > 0 {
			box.Add(widget.NewLabel(joinDot(meta)))
		}
		for _, name := range it.Documents {
			doc, _ := d.man.Document(name)
			ready := d.blobs.Has(doc.SHA256, doc.Size)
			label := name
			if !ready {
				label = i18n.T("agenda.doc_pending", name)
			}
			btn := widget.NewButtonWithIcon(label, theme.DocumentIcon(), func() { d.openDocument(doc) })
			btn.Alignment = widget.ButtonAlignLeading
			if !ready {
				btn.Disable()
			}
			if d.openName == name {
				btn.Importance = widget.HighImportance
			}
			box.Add(btn)
			if ready {
				c := d.check(doc, d.checked)
				box.Add(container.New(layout.NewCustomPaddedLayout(0, 4, 12, 0), container.NewHBox(verdictBadges(c))))
			}
		}
		d.agenda.Add(widget.NewCard("", "", box))
	}
	d.agenda.Add(layout.NewSpacer())
	d.agenda.Refresh()
}

func joinDot(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += " · "
		}
		out += x
	}
	return out
}

// openDocument shows a verified document in the viewer. A broken PDF gets
// a message in place of the viewer; the rest of the meeting is unaffected.
func (d *delegateScreen) openDocument(doc meeting.Document) {
	if !d.blobs.Has(doc.SHA256, doc.Size) {
		return
	}
	d.autoOpen = false // the delegate chose: the demo opens nothing by itself any more
	if d.viewer != nil {
		d.viewer.Close()
		d.viewer = nil
	}
	d.openName, d.openDoc = doc.Name, doc
	d.docTitle.SetText(doc.Name)
	v, err := pdfview.OpenWith(d.blobs.Path(doc.SHA256), post)
	d.viewerErr = nil
	if err != nil {
		d.viewerErr = pdfview.NewErrorView(err)
	} else {
		d.viewer = v
	}
	c := d.check(doc, d.checked)
	d.sigShown = c.done && needsAttention(c)
	d.showDocument()
	if d.viewer != nil {
		d.u.win.Canvas().Focus(d.viewer)
	}
	d.refreshAgenda()
}

// needsAttention is true when the delegate should see the signature panel
// without asking: a bad verdict, or one that differs from the host's.
func needsAttention(c *sigCheck) bool {
	return c.mismatch() || c.verdict() > pdfsig.UntrustedRoot
}

// checked runs when a document's signatures have been verified.
func (d *delegateScreen) checked() {
	d.refreshAgenda()
	if d.openName == "" {
		return
	}
	if c := d.sigs.checks[d.openDoc.SHA256]; c != nil && c.done && needsAttention(c) {
		d.sigShown = true
	}
	d.showDocument()
}

// showDocument lays out the open document and, when shown, its signature
// panel.
func (d *delegateScreen) showDocument() {
	if d.openName == "" {
		return
	}
	var main fyne.CanvasObject = d.viewer
	if d.viewer == nil {
		main = d.viewerErr
	}
	if main == nil {
		return
	}
	d.sigButton.Show()
	if d.sigShown {
		panel := signaturePanel(d.check(d.openDoc, d.checked))
		split := container.NewHSplit(main, panel)
		split.SetOffset(0.62)
		main = split
	}
	d.viewerContent.Objects = []fyne.CanvasObject{main}
	d.viewerContent.Refresh()
}

func (d *delegateScreen) closeDocument() {
	if d.viewer != nil {
		d.viewer.Close()
		d.viewer = nil
	}
	d.openName, d.openDoc, d.viewerErr, d.sigShown = "", meeting.Document{}, nil, false
	d.showPlaceholder()
	d.refreshAgenda()
}
