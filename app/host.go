package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/internal/qr"
	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/room"
)

// hostScreen is the secretariat's screen: prepare a meeting, publish it,
// and show the room the host's fingerprint.
type hostScreen struct {
	u     *UI
	st    *store.Store
	blobs *blob.Store
	host  *room.Host

	m     *meeting.Meeting
	paths map[string]string // document name → file it comes from
	man   *meeting.Manifest
	err   error

	form      *fyne.Container
	people    *fyne.Container
	items     *fyne.Container
	published *fyne.Container
	delegates *fyne.Container // how many are connected, and each device's version
	split     *container.Split
	start     *startField
}

func newHostScreen(u *UI, st *store.Store, bl *blob.Store) *hostScreen {
	h := &hostScreen{u: u, st: st, blobs: bl, paths: map[string]string{}}
	h.m = emptyMeeting()
	return h
}

// emptyMeeting is the form of a new meeting: three days ahead, on the
// hour, with one empty agenda item.
func emptyMeeting() *meeting.Meeting {
	return &meeting.Meeting{Start: time.Now().Add(72 * time.Hour).Truncate(time.Hour), Agenda: []meeting.Item{{}}}
}

// newMeeting empties the form, after asking when something was typed
// in it; what is published goes on being served.
func (h *hostScreen) newMeeting() {
	start := func() {
		h.m, h.paths = emptyMeeting(), map[string]string{}
		h.fill()
	}
	if h.m.Title == "" && len(h.paths) == 0 {
		start()
		return
	}
	h.ask(i18n.T("host.new"), i18n.T("host.new.ask"), i18n.T("host.new.yes"), i18n.T("host.new.no"), start)
}

// ask is a question whose two answers are verbs; yes runs on the first.
func (h *hostScreen) ask(title, msg, yesText, noText string, yes func()) {
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			yes()
		}
	}, h.u.win)
	d.SetConfirmText(yesText)
	d.SetDismissText(noText)
	showDialog(h.u.win, d)
}

func (h *hostScreen) rebuild() {}

func (h *hostScreen) content() fyne.CanvasObject {
	newMeeting := widget.NewButtonWithIcon(i18n.T("host.new"), theme.DocumentCreateIcon(), h.newMeeting)
	openFolder := widget.NewButtonWithIcon(i18n.T("host.open_folder"), theme.FolderOpenIcon(), h.pickFolder)
	openDemo := widget.NewButtonWithIcon(i18n.T("host.open_demo"), theme.FileIcon(), h.loadDemo)
	publish := widget.NewButtonWithIcon(i18n.T("host.publish"), theme.UploadIcon(), h.publish)
	publish.Importance = widget.HighImportance
	toolbar := container.NewHBox(newMeeting, openFolder, openDemo, publish)

	h.form = container.NewVBox()
	h.people = container.NewVBox()
	h.items = container.NewVBox()
	h.published = container.NewVBox()
	h.delegates = container.NewVBox()
	h.fill()

	addPerson := widget.NewButtonWithIcon(i18n.T("host.add_person"), theme.ContentAddIcon(), func() {
		h.m.Participants = append(h.m.Participants, meeting.Participant{})
		h.fillPeople()
	})
	addItem := widget.NewButtonWithIcon(i18n.T("host.add_item"), theme.ContentAddIcon(), func() {
		h.m.Agenda = append(h.m.Agenda, meeting.Item{})
		h.fillItems()
	})
	editor := container.NewVBox(
		heading(i18n.T("host.meeting")), h.form,
		heading(i18n.T("host.agenda")), h.items, addItem,
		heading(i18n.T("host.people")), h.people, addPerson,
	)
	right := container.NewVBox(heading(i18n.T("host.room")), h.published, h.delegates)
	h.split = keptSplit(h.split, container.NewHSplit(wheelPage(container.NewVScroll(container.NewPadded(editor))), wheelPage(container.NewVScroll(container.NewPadded(right)))), 0.62)
	return readingBorder(toolbar, nil, nil, nil, h.split)
}

func heading(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func (h *hostScreen) fill() {
	if h.form == nil {
		return
	}
	title := widget.NewEntry()
	title.SetText(h.m.Title)
	title.OnChanged = func(s string) { h.m.Title = s }
	start := h.startField()
	place := widget.NewEntry()
	place.SetText(h.m.Place)
	place.OnChanged = func(s string) { h.m.Place = s }
	h.form.Objects = []fyne.CanvasObject{widget.NewForm(
		widget.NewFormItem(i18n.T("host.title"), title),
		&widget.FormItem{Text: i18n.T("host.start"), Widget: start.box, HintText: longDate(h.m.Start)},
		widget.NewFormItem(i18n.T("host.place"), place),
	)}
	h.form.Refresh()
	h.fillPeople()
	h.fillItems()
	h.fillPublished()
}

// startField is the meeting's time: a time picked from a list (every
// quarter of an hour, or typed) and a date typed as day/month/year or
// picked on a calendar. Nothing asks for a layout string.
type startField struct {
	box   fyne.CanvasObject
	date  *widget.Entry
	hour  *widget.SelectEntry
	times []string  // what the list of times offers
	cal   *calendar // the calendar last shown
}

func (h *hostScreen) startField() *startField {
	f := &startField{date: widget.NewEntry()}
	var times []string
	for m := 6 * 60; m <= 21*60; m += 15 {
		times = append(times, fmt.Sprintf("%02d:%02d", m/60, m%60))
	}
	f.hour, f.times = widget.NewSelectEntry(times), times
	f.hour.SetText(h.m.Start.Format("15:04"))
	f.date.SetPlaceHolder(i18n.T("host.date_form"))
	f.date.SetText(h.m.Start.Format("02/01/2006"))
	update := func() {
		d, errD := time.ParseInLocation("02/01/2006", strings.TrimSpace(f.date.Text), time.Local)
		t, errT := time.ParseInLocation("15:04", strings.TrimSpace(f.hour.Text), time.Local)
		if errD == nil && errT == nil {
			h.m.Start = time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, time.Local)
		}
	}
	f.date.Validator = func(s string) error {
		if _, err := time.ParseInLocation("02/01/2006", strings.TrimSpace(s), time.Local); err != nil {
			return errors.New(i18n.T("host.bad_date"))
		}
		return nil
	}
	f.hour.Validator = func(s string) error {
		if _, err := time.ParseInLocation("15:04", strings.TrimSpace(s), time.Local); err != nil {
			return errors.New(i18n.T("host.bad_time"))
		}
		return nil
	}
	f.date.OnChanged = func(string) { update(); h.refreshStartHint() }
	f.hour.OnChanged = func(string) { update(); h.refreshStartHint() }
	pick := widget.NewButtonWithIcon("", theme.CalendarIcon(), nil)
	pick.OnTapped = func() {
		var d dialog.Dialog
		f.cal = newCalendar(h.m.Start, func(t time.Time) {
			f.date.SetText(t.Format("02/01/2006"))
			d.Hide()
		})
		d = dialog.NewCustom(i18n.T("host.pick_date"), i18n.T("vol.close"), f.cal.root, h.u.win)
		showDialog(h.u.win, d)
	}
	f.box = readingBorder(nil, nil, nil, pick, container.NewGridWithColumns(2, f.hour, f.date))
	h.start = f
	return f
}

// refreshStartHint shows the meeting's time as a person reads it, under
// the field.
func (h *hostScreen) refreshStartHint() {
	if h.form == nil || len(h.form.Objects) == 0 {
		return
	}
	if form, ok := h.form.Objects[0].(*widget.Form); ok && len(form.Items) > 1 {
		form.Items[1].HintText = longDate(h.m.Start)
		form.Refresh()
	}
}

func (h *hostScreen) fillPeople() {
	h.people.Objects = nil
	if len(h.m.Participants) > 0 {
		// The columns' names stay above them once the fields are filled.
		col := func(key string) fyne.CanvasObject {
			return widget.NewLabelWithStyle(i18n.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		}
		spacer := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil) // the width of a row's remove button
		spacer.Hide()
		h.people.Add(readingBorder(nil, nil, nil, spacer,
			container.NewGridWithColumns(3, col("host.person_name"), col("host.person_role"), col("host.person_seat"))))
	}
	for i := range h.m.Participants {
		p := &h.m.Participants[i]
		name, role, seat := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
		name.SetPlaceHolder(i18n.T("host.person_name"))
		role.SetPlaceHolder(i18n.T("host.person_role"))
		seat.SetPlaceHolder(i18n.T("host.person_seat"))
		name.SetText(p.Name)
		role.SetText(p.Role)
		seat.SetText(p.Seat)
		name.OnChanged = func(s string) { p.Name = s }
		role.OnChanged = func(s string) { p.Role = s }
		seat.OnChanged = func(s string) { p.Seat = s }
		i := i
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			h.m.Participants = append(h.m.Participants[:i], h.m.Participants[i+1:]...)
			h.fillPeople()
		})
		row := readingBorder(nil, nil, nil, remove, container.NewGridWithColumns(3, name, role, seat))
		h.people.Add(row)
	}
	h.people.Refresh()
}

func (h *hostScreen) fillItems() {
	h.items.Objects = nil
	for i := range h.m.Agenda {
		it := &h.m.Agenda[i]
		i := i
		title, presenter, minutes := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
		minutes.SetPlaceHolder("15")
		title.SetText(it.Title)
		presenter.SetText(it.Presenter)
		if it.Minutes > 0 {
			minutes.SetText(strconv.Itoa(it.Minutes))
		}
		title.OnChanged = func(s string) { it.Title = s }
		presenter.OnChanged = func(s string) { it.Presenter = s }
		minutes.OnChanged = func(s string) { it.Minutes, _ = strconv.Atoi(strings.TrimSpace(s)) }
		docs := container.NewVBox()
		for j, name := range it.Documents {
			j := j
			rm := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
				it.Documents = append(it.Documents[:j], it.Documents[j+1:]...)
				h.fillItems()
			})
			docs.Add(readingBorder(nil, nil, widget.NewIcon(theme.DocumentIcon()), rm, widget.NewLabel(name)))
		}
		addDoc := widget.NewButtonWithIcon(i18n.T("host.add_doc"), theme.ContentAddIcon(), func() { h.pickDocument(it) })
		up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { h.moveItem(i, -1) })
		down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { h.moveItem(i, 1) })
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { h.removeItem(i) })
		if i == 0 {
			up.Disable()
		}
		if i == len(h.m.Agenda)-1 {
			down.Disable()
		}
		minutes.Validator = func(s string) error {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); strings.TrimSpace(s) != "" && (err != nil || n <= 0) {
				return errors.New(i18n.T("host.item_minutes.check"))
			}
			return nil
		}
		// Every field keeps its label once something is typed in it.
		head := readingBorder(nil, nil, widget.NewLabelWithStyle(fmt.Sprintf("%d.", i+1), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(up, down, remove))
		fields := widget.NewForm(
			&widget.FormItem{Text: i18n.T("host.item_title"), Widget: title},
			&widget.FormItem{Text: i18n.T("host.item_presenter"), Widget: presenter},
			&widget.FormItem{Text: i18n.T("host.item_minutes"), Widget: minutes},
		)
		h.items.Add(widget.NewCard("", "", container.NewVBox(head, fields, docs, container.NewHBox(addDoc))))
	}
	h.items.Refresh()
}

// removeItem takes item i off the agenda, after asking when it holds
// anything: its words or its documents would be lost with it.
func (h *hostScreen) removeItem(i int) {
	remove := func() {
		h.m.Agenda = append(h.m.Agenda[:i], h.m.Agenda[i+1:]...)
		h.fillItems()
	}
	it := h.m.Agenda[i]
	if strings.TrimSpace(it.Title) == "" && strings.TrimSpace(it.Presenter) == "" && len(it.Documents) == 0 {
		remove()
		return
	}
	h.ask(i18n.T("host.item_remove"), i18n.T("host.item_remove.ask", i+1, it.Title, len(it.Documents)),
		i18n.T("host.item_remove"), i18n.T("host.item_keep"), remove)
}

func (h *hostScreen) moveItem(i, delta int) {
	j := i + delta
	if j < 0 || j >= len(h.m.Agenda) {
		return
	}
	h.m.Agenda[i], h.m.Agenda[j] = h.m.Agenda[j], h.m.Agenda[i]
	h.fillItems()
}

func (h *hostScreen) pickDocument(it *meeting.Item) {
	dlg := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		name := filepath.Base(path)
		if err := meeting.ValidName(name); err != nil {
			showProblem(i18n.T("host.bad_doc_name", name), h.u.win)
			return
		}
		h.paths[name] = path
		it.Documents = append(it.Documents, name)
		h.fillItems()
	}, h.u.win)
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{".pdf", ".PDF"}))
	showDialog(h.u.win, dlg)
}

func (h *hostScreen) pickFolder() {
	showDialog(h.u.win, dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		dir := l.Path()
		m, err := meeting.LoadFolder(dir)
		if err != nil {
			showErrorDialog(i18n.T("host.bad_folder"), err, h.u.win)
			return
		}
		h.loadMeeting(m, dir)
	}, h.u.win))
}

func (h *hostScreen) loadDemo() {
	dir, m, err := room.WriteDemo(h.st.Dir(), "")
	if err != nil {
		showErrorDialog("", err, h.u.win)
		return
	}
	h.loadMeeting(m, dir)
}

// loadMeeting replaces the meeting being edited with one from a folder.
func (h *hostScreen) loadMeeting(m *meeting.Meeting, dir string) {
	h.m = m
	h.paths = map[string]string{}
	for _, name := range m.DocumentNames() {
		h.paths[name] = filepath.Join(dir, name)
	}
	h.fill()
}

// publish validates, signs and serves the meeting, and announces it. A
// meeting other than the one on the LAN replaces it only once the
// secretary says so.
func (h *hostScreen) publish() {
	if h.m.ID == "" {
		h.m.ID = meeting.NewID(h.m.Title, h.m.Start)
	}
	if h.man != nil && h.man.Meeting.ID != h.m.ID {
		h.ask(i18n.T("host.replace"), i18n.T("host.replace.ask", h.m.Title, h.man.Meeting.Title),
			i18n.T("host.replace.yes"), i18n.T("host.replace.no"), h.publishNow)
		return
	}
	h.publishNow()
}

func (h *hostScreen) publishNow() {
	if h.host == nil {
		host, err := room.NewHost(room.HostConfig{Store: h.st, Blobs: h.blobs, Ifaces: h.u.cfg.Ifaces, Log: h.u.cfg.Log, TrustDir: room.TrustFolder(h.st.Dir())})
		if err != nil {
			h.fail(err)
			return
		}
		h.host = host
		h.u.goService(func(ctx context.Context) { host.Run(ctx) })
		// The room's list of devices follows each change as it happens.
		h.u.goService(func(ctx context.Context) {
			for {
				select {
				case <-ctx.Done():
					return
				case <-host.Changed():
					post(h.refreshDelegates)
				}
			}
		})
	}
	man, err := h.host.PublishFiles(h.m, h.paths)
	if err != nil {
		h.fail(err)
		return
	}
	h.man, h.err = man, nil
	h.fillPublished()
}

func (h *hostScreen) fail(err error) {
	h.err = err
	h.fillPublished()
	if h.u.win != nil && h.u.win.Content() != nil {
		showErrorDialog(i18n.T("host.publish_failed"), err, h.u.win)
	}
}

func (h *hostScreen) fillPublished() {
	if h.published == nil {
		return
	}
	h.published.Objects = nil
	if h.err != nil {
		h.published.Add(errorBox(i18n.T("host.publish_failed"), h.err))
	}
	if h.man == nil || h.host == nil {
		h.published.Add(widget.NewLabel(i18n.T("host.not_published")))
		h.published.Refresh()
		return
	}
	fp := h.host.Fingerprint()
	intro := widget.NewLabel(i18n.T("host.fingerprint_intro"))
	intro.Wrapping = fyne.TextWrapWord
	code := canvas.NewText(fp.Short(), theme.Color(theme.ColorNameForeground))
	code.TextSize = 30
	code.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	code.Alignment = fyne.TextAlignCenter
	h.published.Add(intro)
	h.published.Add(code)
	if qr, err := qr.Image("dinh:fp:" + fp.String()); err == nil {
		img := canvas.NewImageFromImage(qr)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSize(220, 220))
		h.published.Add(container.NewCenter(img))
	}
	info := widget.NewLabel(i18n.T("host.published_info", h.man.Meeting.Title, h.man.Version, len(h.man.Documents), i18n.Bytes(h.man.TotalSize())))
	info.Wrapping = fyne.TextWrapWord
	h.published.Add(info)
	h.published.Refresh()
	h.refreshDelegates()
}

// refreshDelegates shows how many delegates' devices are connected, and
// for each device seen the version of the package it holds whole, and
// since when.
func (h *hostScreen) refreshDelegates() {
	if h.host == nil || h.delegates == nil {
		return
	}
	objs := []fyne.CanvasObject{widget.NewLabel(i18n.T("host.delegates", h.host.Delegates()))}
	var current int64
	if man := h.host.Manifest(); man != nil {
		current = man.Version
	}
	for _, d := range h.host.Devices() {
		var text string
		icon, imp := theme.ConfirmIcon(), widget.SuccessImportance
		switch {
		case d.Version == 0:
			text = i18n.T("host.device.none", d.Name)
			icon, imp = theme.DownloadIcon(), widget.MediumImportance
		case d.Version < current:
			text = i18n.T("host.device.old", d.Name, d.Version, d.Since.Local().Format("15:04"))
			icon, imp = theme.DownloadIcon(), widget.WarningImportance
		default:
			text = i18n.T("host.device.current", d.Name, d.Version, d.Since.Local().Format("15:04"))
		}
		if !d.Connected {
			text += " " + i18n.T("host.device.away")
			imp = widget.LowImportance
		}
		l := wrapped(text)
		l.Importance = imp
		objs = append(objs, readingBorder(nil, nil, widget.NewIcon(icon), nil, l))
	}
	h.delegates.Objects = objs
	h.delegates.Refresh()
}
