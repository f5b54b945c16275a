package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/lan"
)

// meetingPane is the open meeting: its title, the state of the copy on
// this device, the download's progress, what changed in the last version,
// and the agenda with a button for each document.
type meetingPane struct {
	id       string // the open meeting, "" for none
	man      *meeting.Manifest
	state    lan.State
	stateErr error
	progress lan.Progress
	banner   string // what changed in the version just received

	header, details, status *widget.Label
	statusIcon              *widget.Icon
	bar                     *widget.ProgressBar
	barText, bannerText     *widget.Label
	bannerBox               *fyne.Container
	agenda                  *fyne.Container
}

// agendaDocs is what the agenda's document buttons need from the screen.
type agendaDocs interface {
	ready(doc meeting.Document) bool
	isOpen(name string) bool
	open(doc meeting.Document)
	badges(doc meeting.Document) fyne.CanvasObject
}

func newMeetingPane() *meetingPane {
	p := &meetingPane{}
	p.build()
	return p
}

func (p *meetingPane) build() {
	p.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.header.Wrapping = fyne.TextWrapWord
	p.details = wrapped("")
	p.status = wrapped("")
	p.statusIcon = widget.NewIcon(theme.InfoIcon())
	p.bar = widget.NewProgressBar()
	p.barText = widget.NewLabel("")
	p.bannerText = wrapped("")
	bannerBg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { p.banner = ""; p.refreshHeader() })
	p.bannerBox = container.NewStack(bannerBg, readingBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), dismiss, p.bannerText))
	p.agenda = container.NewVBox()
}

func (p *meetingPane) view() fyne.CanvasObject {
	statusRow := readingBorder(nil, nil, p.statusIcon, nil, p.status)
	// The meeting's details scroll with its agenda: on a small screen they
	// would otherwise take the whole height.
	return container.NewVScroll(container.NewVBox(p.header, p.details, statusRow, p.bar, p.barText, p.bannerBox, p.agenda))
}

// show starts showing meeting id with what the device holds of it.
func (p *meetingPane) show(st *store.Store, id string, onLAN bool) {
	p.id, p.banner, p.stateErr = id, "", nil
	p.progress = lan.Progress{}
	p.man = cachedManifest(st, id)
	p.state = lan.Searching
	if !onLAN {
		p.state = lan.Offline
	}
}

// refreshHeader shows the meeting's title, state, progress and banner.
func (p *meetingPane) refreshHeader() {
	if p.id == "" && p.man == nil {
		p.header.SetText(i18n.T("delegate.none"))
		p.details.SetText("")
		p.status.SetText("")
		p.statusIcon.Hide()
		p.bar.Hide()
		p.barText.Hide()
		p.bannerBox.Hide()
		return
	}
	if p.man != nil {
		m := p.man.Meeting
		p.header.SetText(m.Title)
		p.details.SetText(i18n.T("delegate.details", longDate(m.Start), m.Place, p.man.Version))
	} else {
		p.header.SetText(p.id)
		p.details.SetText("")
	}
	p.statusIcon.Show()
	msg, icon := p.stateText()
	p.status.SetText(msg)
	p.statusIcon.SetResource(icon)
	if p.banner != "" {
		p.bannerText.SetText(p.banner)
		p.bannerBox.Show()
	} else {
		p.bannerBox.Hide()
	}
	p.refreshProgress()
}

func (p *meetingPane) stateText() (string, fyne.Resource) {
	switch p.state {
	case lan.Searching:
		if p.man != nil {
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
		if p.man != nil {
			return i18n.T("state.offline_cached"), theme.WarningIcon()
		}
		return i18n.T("state.offline"), theme.WarningIcon()
	case lan.Refused:
		return refusalText(p.stateErr), theme.ErrorIcon()
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
	return i18n.T("refused.other") + " " + errorText(err)
}

func (p *meetingPane) refreshProgress() {
	pr := p.progress
	if p.state != lan.Downloading || pr.TotalBytes == 0 {
		p.bar.Hide()
		p.barText.Hide()
		return
	}
	p.bar.Show()
	p.barText.Show()
	p.bar.SetValue(float64(pr.Bytes) / float64(pr.TotalBytes))
	text := i18n.T("progress.text", i18n.Bytes(pr.Bytes), i18n.Bytes(pr.TotalBytes), min(pr.Docs+1, pr.TotalDocs), pr.TotalDocs)
	if pr.Remaining > 0 {
		text += " · " + i18n.T("progress.remaining", humanDuration(pr.Remaining))
	}
	p.barText.SetText(text)
}

// refreshAgenda lists the agenda's items, each document a button that
// opens it once its bytes are on the device, with its signature badges.
func (p *meetingPane) refreshAgenda(docs agendaDocs) {
	p.agenda.Objects = nil
	if p.man == nil {
		p.agenda.Refresh()
		return
	}
	for i, it := range p.man.Meeting.Agenda {
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
			doc, _ := p.man.Document(name)
			ready := docs.ready(doc)
			label := name
			if !ready {
				label = i18n.T("agenda.doc_pending", name)
			}
			btn := widget.NewButtonWithIcon(label, theme.DocumentIcon(), func() { docs.open(doc) })
			btn.Alignment = widget.ButtonAlignLeading
			if !ready {
				btn.Disable()
			}
			if docs.isOpen(name) {
				btn.Importance = widget.HighImportance
			}
			box.Add(btn)
			if ready {
				box.Add(container.New(layout.NewCustomPaddedLayout(0, 4, 12, 0), docs.badges(doc)))
			}
		}
		p.agenda.Add(widget.NewCard("", "", box))
	}
	p.agenda.Add(layout.NewSpacer())
	p.agenda.Refresh()
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

// cachedManifest returns the newest verified copy of a meeting on the
// device: complete if there is one, else the one still downloading.
func cachedManifest(st *store.Store, id string) *meeting.Manifest {
	for _, get := range []func(string) ([]byte, bool, error){st.Package, st.Pending} {
		raw, ok, err := get(id)
		if err != nil || !ok {
			continue
		}
		var pin *meeting.Fingerprint
		if s, ok, _ := st.Pin(id); ok {
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

// blobReady reports whether a document's verified bytes are on the device.
func blobReady(b *blob.Store, doc meeting.Document) bool { return b.Has(doc.SHA256, doc.Size) }
