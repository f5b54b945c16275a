package app

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/store"
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

// meetingList is the delegate's list of meetings: those announced on the
// LAN and those kept on the device. Its selection is a meeting, not a
// row: when a meeting appears above the chosen one, the choice stays.
type meetingList struct {
	st       *store.Store
	dir      *room.Directory
	rows     []meetingRow
	list     *widget.List
	selected string // the chosen meeting's ID
	syncing  bool   // the list is moving its highlight, not the delegate
	// autoJoin is a meeting the demo opens by itself once it is on the
	// LAN, as a delegate would by hand.
	autoJoin string
	onOpen   func(meetingRow)
	hint     *widget.Label // how meetings appear, while none has
}

// listRows is how many rows of meetings the list shows at least.
const listRows = 3

func newMeetingList(st *store.Store, dir *room.Directory, onOpen func(meetingRow)) *meetingList {
	l := &meetingList{st: st, dir: dir, onOpen: onOpen}
	l.build()
	return l
}

func (l *meetingList) build() {
	l.list = widget.NewList(
		func() int { return len(l.rows) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("\n") // two lines: where the meeting is, and the host's code whole
			sub.Truncation = fyne.TextTruncateEllipsis
			return readingBorder(nil, nil, widget.NewIcon(theme.ComputerIcon()), nil, container.NewVBox(title, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(l.rows) {
				return
			}
			r := l.rows[i]
			c := o.(*fyne.Container)
			texts := c.Objects[1].(*fyne.Container) // after the icon, in reading order
			texts.Objects[0].(*widget.Label).SetText(r.title)
			sub := i18n.T("delegate.row.cached")
			icon := theme.StorageIcon()
			if r.listing != nil {
				sub = i18n.T("delegate.row.lan", r.listing.Short())
				icon = theme.ComputerIcon()
			}
			texts.Objects[1].(*widget.Label).SetText(sub)
			c.Objects[0].(*widget.Icon).SetResource(icon)
		})
	l.list.OnSelected = func(i widget.ListItemID) {
		if l.syncing || i >= len(l.rows) {
			return
		}
		l.selected = l.rows[i].id
		l.onOpen(l.rows[i])
	}
}

// view is the list with room for listRows meetings at least.
func (l *meetingList) view() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T("delegate.meetings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	hint := widget.NewLabel(i18n.T("delegate.meetings.hint"))
	hint.Wrapping = fyne.TextWrapWord
	l.hint = hint
	l.showHint()
	row := l.list.CreateItem().MinSize().Height + theme.Padding()
	space := canvas.NewRectangle(nil)
	space.SetMinSize(fyne.NewSize(0, listRows*row))
	return readingBorder(container.NewVBox(title, hint), nil, nil, nil, container.NewStack(space, l.list))
}

// refresh merges the meetings on the LAN with those kept on the device,
// and keeps the chosen meeting highlighted wherever its row now is.
func (l *meetingList) refresh() {
	byID := map[string]*meetingRow{}
	var order []string
	for _, x := range l.dir.List() {
		x := x
		if r, ok := byID[x.ID]; ok {
			// Several hosts announce one meeting: prefer the pinned one.
			if pin, ok, _ := l.st.Pin(x.ID); ok && pin == x.Fingerprint {
				r.listing = &x
			}
			continue
		}
		byID[x.ID] = &meetingRow{id: x.ID, title: x.Title, listing: &x}
		order = append(order, x.ID)
	}
	ids, _ := l.st.Meetings()
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			r.cached = true
			continue
		}
		title := id
		if man := cachedManifest(l.st, id); man != nil {
			title = man.Meeting.Title
		}
		byID[id] = &meetingRow{id: id, title: title, cached: true}
		order = append(order, id)
	}
	sort.SliceStable(order, func(i, j int) bool { return byID[order[i]].title < byID[order[j]].title })
	l.rows = l.rows[:0]
	for _, id := range order {
		l.rows = append(l.rows, *byID[id])
	}
	l.syncing = true
	l.list.UnselectAll()
	for i, r := range l.rows {
		if r.id == l.selected {
			l.list.Select(i)
		}
	}
	l.syncing = false
	l.list.Refresh()
	l.showHint()
	for i, r := range l.rows {
		if l.autoJoin != "" && r.id == l.autoJoin && r.listing != nil {
			l.autoJoin = ""
			l.list.Select(i)
		}
	}
}

// showHint shows how meetings appear only while none is listed: the
// room it takes is the list's on a small screen.
func (l *meetingList) showHint() {
	if l.hint == nil {
		return
	}
	if len(l.rows) == 0 {
		l.hint.Show()
	} else {
		l.hint.Hide()
	}
}

// row is the chosen meeting's row, if it is listed.
func (l *meetingList) row(id string) (meetingRow, bool) {
	for _, r := range l.rows {
		if r.id == id {
			return r, true
		}
	}
	return meetingRow{}, false
}
