package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // attachments are JPEGs
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/volunteer"
	"dinh/sync/receipt"
)

// wizardHost is what the wizard needs from the screen or window that
// holds it: the volunteer's tab today, the kiosk's window tomorrow.
type wizardHost interface {
	window() fyne.Window
	say(msg func() string) // the footer's message, in the language of the moment; nil clears it
	setProgress(done float64, visible bool)
	showError(err error)
	goService(f func(ctx context.Context))
	listChanged() // a dossier was created, saved, sealed or discarded
}

// wizard is one dossier in its six guided steps, or a sealed dossier's
// receipt. It builds its own widgets into editor, which its host places.
type wizard struct {
	host   wizardHost
	ws     *volunteer.Workspace // set while the vault is open
	cat    *catalog.Catalog
	search *catalogSearch // the first step

	// The open dossier: cur is the UI's copy and the truth while it is
	// open; it is saved saveDelay after each change.
	cur       *dossier.Dossier
	proc      *catalog.Procedure
	step      int // 0 procedure … 5 summary
	guideStep int // the procedure step shown in step 2
	creating  bool
	sealedID  string // the sealed dossier shown, when cur is nil
	save      saver
	photos    photoShelf

	editor           *fyne.Container
	nextBtn, sealBtn *widget.Button
}

// saver holds the open dossier's pending save.
type saver struct {
	dirty bool
	timer *time.Timer
	gen   int
}

// photoShelf is the open step's photos.
type photoShelf struct {
	attaching int // batches in progress; saving waits for them
	box       *fyne.Container
	kinds     []string
	// dropPaper names the paper that photos dropped on the window show.
	dropPaper func() string
	// thumbs holds the open dossier's thumbnails, in memory only.
	thumbs struct {
		dossier string
		images  map[string]image.Image // by attachment ID; nil when unreadable
	}
}

func newWizard(host wizardHost, cat *catalog.Catalog, search *catalogSearch) *wizard {
	w := &wizard{host: host, cat: cat, search: search, editor: container.NewStack()}
	search.onCase = w.chooseCase
	search.chosen = func() string {
		if w.cur == nil {
			return ""
		}
		return w.cur.Case
	}
	return w
}

// close saves what is pending.
func (w *wizard) close() {
	if w.save.timer != nil {
		w.save.timer.Stop()
	}
	w.saveNow()
}

// clear forgets the open dossier, as the vault locks.
func (w *wizard) clear() {
	w.forgetThumbnails()
	w.cur, w.proc, w.creating = nil, nil, false
}

// dropped attaches files dropped on the window while a draft's record or
// consent step is open.
func (w *wizard) dropped(paths []string) {
	if w.cur == nil || w.ws == nil || w.ws.Vault.Locked() {
		return
	}
	switch {
	case w.step == 3 && w.photos.dropPaper != nil:
		w.attach(dossier.KindPaper, w.photos.dropPaper(), paths)
	case w.step == 4 && len(paths) > 0:
		w.attach(dossier.KindConsent, "", paths[len(paths)-1:])
	}
}

// open shows a dossier: a draft in its steps, a sealed one as its summary.
func (w *wizard) open(id string, state outbox.State) {
	w.saveNow()
	w.host.say(nil) // what was said of the previous dossier is no longer true
	w.cur, w.proc, w.creating, w.sealedID = nil, nil, false, ""
	w.search.reset() // the first step shows the opened dossier's procedure
	if state != outbox.Draft {
		w.sealedID = id
		w.host.listChanged()
		w.refreshEditor()
		return
	}
	d, err := w.ws.Desk.Load(id)
	if err != nil {
		w.host.showError(err)
		return
	}
	w.cur, w.proc, w.step, w.guideStep = d, w.cat.Lookup(d.Procedure), 1, 0
	if d.Case == "" {
		w.step = 0 // a draft started before cases were recorded
	}
	w.host.listChanged()
	w.refreshEditor()
}

// startNew begins a dossier at its first step.
func (w *wizard) startNew() {
	w.saveNow()
	w.host.say(nil)
	w.cur, w.proc, w.sealedID = nil, nil, ""
	w.creating, w.step = true, 0
	w.search.reset()
	w.host.listChanged()
	w.refreshEditor()
	w.host.window().Canvas().Focus(w.search.entry) // type at once
}

// selected is the dossier the wizard shows, for the list's highlight.
func (w *wizard) selected() string {
	if w.cur != nil {
		return w.cur.ID
	}
	return w.sealedID
}

// changed records an edit to cur and schedules its save.
func (w *wizard) changed() {
	if w.cur == nil {
		return
	}
	w.save.dirty = true
	w.ws.Vault.Touch()
	w.save.gen++
	gen := w.save.gen
	if w.save.timer != nil {
		w.save.timer.Stop()
	}
	w.save.timer = time.AfterFunc(saveDelay, func() {
		post(func() {
			if gen == w.save.gen {
				w.saveNow()
			}
		})
	})
}

// saveNow saves cur if it changed. While photos are being added it waits:
// their batch saves cur when it ends.
func (w *wizard) saveNow() {
	if w.cur == nil || !w.save.dirty || w.photos.attaching > 0 || w.ws == nil || w.ws.Vault.Locked() {
		return
	}
	if err := w.ws.Desk.Save(w.cur); err != nil {
		w.host.showError(err)
		return
	}
	w.save.dirty = false
	at := time.Now().Format("15:04:05")
	w.host.say(func() string { return i18n.T("vol.saved", at) })
	w.host.listChanged()
}

// The six steps of a dossier, in order.
var stepKeys = []string{"vol.step.procedure", "vol.step.papers", "vol.step.guide", "vol.step.record", "vol.step.consent", "vol.step.summary"}

// refreshEditor shows the open dossier's current step, a sealed dossier,
// or a hint.
func (w *wizard) refreshEditor() {
	var body fyne.CanvasObject
	switch {
	case w.creating || w.cur != nil:
		body = w.stepView()
	case w.sealedID != "":
		body = w.sealedView(w.sealedID)
	default:
		body = container.NewCenter(widget.NewLabelWithStyle(i18n.T("vol.pick"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	}
	w.editor.Objects = []fyne.CanvasObject{body}
	w.editor.Refresh()
}

// stepView is the stepper, the step's content and the buttons to move on.
func (w *wizard) stepView() fyne.CanvasObject {
	bar := container.NewHBox()
	for i, k := range stepKeys {
		b := widget.NewButton(fmt.Sprintf("%d. %s", i+1, i18n.T(k)), nil)
		i := i
		b.OnTapped = func() { w.goStep(i) }
		switch {
		case i == w.step:
			b.Importance = widget.HighImportance
		case w.cur == nil && i > 0:
			b.Disable()
		default:
			b.Importance = widget.LowImportance
		}
		bar.Add(b)
	}
	var content fyne.CanvasObject
	switch w.step {
	case 0:
		content = w.stepProcedure()
	case 1:
		content = w.stepPapers()
	case 2:
		content = w.stepGuide()
	case 3:
		content = w.stepRecord()
	case 4:
		content = w.stepConsent()
	default:
		content = w.stepSummary()
	}
	back := widget.NewButtonWithIcon(i18n.T("vol.back"), theme.NavigateBackIcon(), func() { w.goStep(w.step - 1) })
	if w.step == 0 || w.cur == nil {
		back.Disable()
	}
	w.nextBtn = widget.NewButtonWithIcon(i18n.T("vol.next"), theme.NavigateNextIcon(), func() { w.goStep(w.step + 1) })
	w.nextBtn.IconPlacement = widget.ButtonIconTrailingText
	w.nextBtn.Importance = widget.HighImportance
	if w.step == len(stepKeys)-1 || w.cur == nil {
		w.nextBtn.Hide()
	}
	nav := readingBorder(nil, nil, back, w.nextBtn)
	title := ""
	if w.cur != nil {
		title = w.cur.ProcedureName
		if title == "" {
			title = w.cur.Procedure
		}
		if w.cur.Case != "" {
			title += " – " + w.cur.Case
		}
	}
	top := container.NewVBox(container.NewHScroll(bar))
	if title != "" {
		top.Add(bigLabel(title))
	}
	top.Add(widget.NewSeparator())
	return readingBorder(top, container.NewVBox(widget.NewSeparator(), nav), nil, nil, wheelPage(container.NewVScroll(content)))
}

func (w *wizard) goStep(i int) {
	if i < 0 || i >= len(stepKeys) || w.cur == nil && i > 0 {
		return
	}
	w.saveNow()
	w.step = i
	w.refreshEditor()
}

// --- step 1: procedure and case ------------------------------------------

func (w *wizard) stepProcedure() fyne.CanvasObject {
	if w.cur != nil && w.search.code == "" {
		w.search.code = w.cur.Procedure
	}
	return w.search.view()
}

// chooseCase starts the draft, or sets the case of a draft that has none.
func (w *wizard) chooseCase(p *catalog.Procedure, c *catalog.Case) {
	var papers []string
	for _, pp := range c.Papers {
		papers = append(papers, pp.Name)
	}
	if w.cur != nil {
		w.cur.Procedure, w.cur.ProcedureName, w.cur.Case = p.Code, p.Name, c.Name
		w.cur.Papers = nil
		for _, n := range papers {
			w.cur.Papers = append(w.cur.Papers, dossier.PaperCheck{Name: n})
		}
		w.save.dirty = true
	} else {
		d, err := w.ws.Desk.Create(p.Code, p.Name, c.Name, papers)
		if err != nil {
			w.host.showError(err)
			return
		}
		w.cur = d
	}
	w.proc, w.creating, w.guideStep = p, false, 0
	w.goStep(1)
	w.host.listChanged()
}

// caseOf is the catalogue's case of the open dossier.
func (w *wizard) caseOf() *catalog.Case {
	if w.proc == nil || w.cur == nil {
		return nil
	}
	for i := range w.proc.Cases {
		if w.proc.Cases[i].Name == w.cur.Case {
			return &w.proc.Cases[i]
		}
	}
	return nil
}

// --- step 2: papers --------------------------------------------------------

func (w *wizard) stepPapers() fyne.CanvasObject {
	box := container.NewVBox(wrapped(i18n.T("vol.papers.text")))
	c := w.caseOf()
	info := map[string]catalog.Paper{}
	if c != nil {
		for _, p := range c.Papers {
			info[p.Name] = p
		}
	}
	missing := container.NewVBox()
	showMissing := func() {
		missing.Objects = nil
		m := w.cur.Missing()
		if len(m) == 0 {
			ok := wrapped(i18n.T("vol.papers.all"))
			ok.Importance = widget.SuccessImportance
			missing.Add(ok)
		} else {
			missing.Add(widget.NewLabelWithStyle(i18n.T("vol.papers.missing", len(m)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			for _, name := range m {
				where := info[name].WhereToGet
				if where == "" {
					where = i18n.T("vol.papers.ask")
				}
				missing.Add(wrapped("• " + name + "\n   " + i18n.T("vol.papers.where") + ": " + where))
			}
		}
		missing.Refresh()
	}
	if len(w.cur.Papers) == 0 {
		box.Add(wrapped(i18n.T("vol.papers.none")))
	}
	for i := range w.cur.Papers {
		pc := &w.cur.Papers[i]
		p := info[pc.Name]
		check := widget.NewCheck(pc.Name, func(b bool) {
			pc.Have = b
			w.changed()
			showMissing()
		})
		check.SetChecked(pc.Have)
		var detail []string
		if p.Originals > 0 {
			detail = append(detail, i18n.T("vol.papers.originals", p.Originals))
		}
		if p.Copies > 0 {
			detail = append(detail, i18n.T("vol.papers.copies", p.Copies))
		}
		if p.Note != "" {
			detail = append(detail, p.Note)
		}
		row := container.NewVBox(check)
		if len(detail) > 0 {
			l := wrapped(strings.Join(detail, " · "))
			l.TextStyle.Italic = true
			row.Add(container.NewPadded(l))
		}
		box.Add(row)
	}
	showMissing()
	box.Add(widget.NewSeparator())
	box.Add(missing)
	return box
}

// --- step 3: the steps of the online procedure, one per screen -------------

func (w *wizard) stepGuide() fyne.CanvasObject {
	c := w.caseOf()
	if c == nil || len(c.Steps) == 0 {
		return wrapped(i18n.T("vol.guide.none"))
	}
	w.guideStep = min(max(w.guideStep, 0), len(c.Steps)-1)
	s := c.Steps[w.guideStep]
	count := widget.NewLabel(i18n.T("vol.guide.count", w.guideStep+1, len(c.Steps)))
	title := bigLabel(s.Title)
	detail := wrapped(s.Detail)
	detail.SizeName = theme.SizeNameSubHeadingText
	prev := widget.NewButtonWithIcon(i18n.T("vol.guide.prev"), theme.NavigateBackIcon(), func() { w.guideStep--; w.refreshEditor() })
	next := widget.NewButtonWithIcon(i18n.T("vol.guide.next"), theme.NavigateNextIcon(), func() { w.guideStep++; w.refreshEditor() })
	next.IconPlacement = widget.ButtonIconTrailingText
	if w.guideStep == 0 {
		prev.Disable()
	}
	if w.guideStep == len(c.Steps)-1 {
		next.Disable()
	}
	bar := widget.NewProgressBar()
	bar.Max = float64(len(c.Steps))
	bar.SetValue(float64(w.guideStep + 1))
	bar.TextFormatter = func() string { return "" }
	return container.NewVBox(count, bar, title, detail, container.NewHBox(prev, next))
}

// --- step 4: the villager and their papers ---------------------------------

// bind makes an entry edit a field of the open dossier.
func (w *wizard) bind(e *widget.Entry, get func() string, set func(string)) *widget.Entry {
	e.SetText(get())
	e.OnChanged = func(s string) { set(s); w.changed() }
	return e
}

// birthText shows an ISO date as dd/mm/yyyy; birthValue reads it back,
// keeping what cannot be read so the summary can point at it.
func birthText(iso string) string {
	if t, err := time.Parse(time.DateOnly, iso); err == nil {
		return t.Format("02/01/2006")
	}
	return iso
}

func birthValue(s string) string {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", "02-01-2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return s
}

// birthCheck says what is wrong with a birth date as typed: a form that
// cannot be read, a day that does not exist (31/02), or a day after
// today. An empty field is left to the summary.
func birthCheck(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, birthValue(s))
	if err != nil {
		var d, m, y int
		if n, _ := fmt.Sscanf(strings.NewReplacer("-", "/", ".", "/").Replace(s), "%d/%d/%d", &d, &m, &y); n == 3 && y > 999 {
			return errors.New(i18n.T("vol.check.no_such_date", s))
		}
		return errors.New(i18n.T("vol.check.date_form"))
	}
	if t.After(time.Now()) {
		return errors.New(i18n.T("vol.check.future"))
	}
	return nil
}

func (w *wizard) stepRecord() fyne.CanvasObject {
	d := w.cur
	p := &d.Villager
	name := w.bind(widget.NewEntry(), func() string { return p.FullName }, func(s string) { p.FullName = s })
	birth := w.bind(widget.NewEntry(), func() string { return birthText(p.BirthDate) }, func(s string) { p.BirthDate = birthValue(s) })
	birth.SetPlaceHolder(i18n.T("vol.date.placeholder"))
	gender := widget.NewRadioGroup([]string{i18n.T("vol.male"), i18n.T("vol.female")}, nil)
	gender.Horizontal = true
	switch p.Gender {
	case "nam":
		gender.SetSelected(i18n.T("vol.male"))
	case "nữ":
		gender.SetSelected(i18n.T("vol.female"))
	}
	gender.OnChanged = func(s string) {
		p.Gender = map[string]string{i18n.T("vol.male"): "nam", i18n.T("vol.female"): "nữ"}[s]
		w.changed()
	}
	id := w.bind(widget.NewEntry(), func() string { return p.IDNumber }, func(s string) { p.IDNumber = strings.TrimSpace(s) })
	id.SetPlaceHolder("001080012345")
	phone := w.bind(widget.NewEntry(), func() string { return p.Phone }, func(s string) { p.Phone = s })
	// Each field says its mistake under it as it is typed; what was typed
	// stays in the draft, and the summary lists what still stops sealing.
	name.Validator = func(s string) error {
		if dossier.Initials(s) == "" {
			return errors.New(i18n.T("vol.check.name"))
		}
		return nil
	}
	birth.Validator = birthCheck
	id.Validator = func(s string) error {
		if s = strings.TrimSpace(s); s != "" && !dossier.ValidIDNumber(s) {
			return errors.New(i18n.T("vol.check.id_digits", strings.Count(s, "")-1))
		}
		return nil
	}
	phone.Validator = func(s string) error {
		if strings.TrimSpace(s) != "" && !dossier.ValidPhone(s) {
			return errors.New(i18n.T("vol.check.phone"))
		}
		return nil
	}
	addr := w.bind(widget.NewEntry(), func() string { return p.Address }, func(s string) { p.Address = s })
	request := w.bind(widget.NewMultiLineEntry(), func() string { return d.Answers[dossier.QuestionRequest] }, func(s string) { d.Answers[dossier.QuestionRequest] = s })
	request.Wrapping = fyne.TextWrapWord
	growing(request, 3, 12)
	result := w.choice([]string{"vol.result.in_person", "vol.result.post", "vol.result.online"}, dossier.QuestionResult)
	vneid := w.choice([]string{"vol.yes", "vol.no", "vol.unknown"}, dossier.QuestionVNeID)
	form := widget.NewForm(
		&widget.FormItem{Text: i18n.T("vol.name"), Widget: name},
		&widget.FormItem{Text: i18n.T("vol.birth"), Widget: birth},
		&widget.FormItem{Text: i18n.T("vol.gender"), Widget: gender},
		&widget.FormItem{Text: i18n.T("vol.id_number"), Widget: id, HintText: i18n.T("vol.id_number.hint")},
		&widget.FormItem{Text: i18n.T("vol.phone"), Widget: phone},
		&widget.FormItem{Text: i18n.T("vol.address"), Widget: addr},
		&widget.FormItem{Text: i18n.T("vol.q.request"), Widget: request},
		&widget.FormItem{Text: i18n.T("vol.q.result"), Widget: result},
		&widget.FormItem{Text: i18n.T("vol.q.vneid"), Widget: vneid},
	)
	// Photos of papers: which paper, then the files.
	var papers []string
	for _, pc := range d.Papers {
		papers = append(papers, pc.Name)
	}
	papers = append(papers, i18n.T("vol.paper.other"))
	which := widget.NewSelect(papers, nil)
	which.SetSelected(w.nextPaper())
	add := widget.NewButtonWithIcon(i18n.T("vol.photo.add"), theme.FileImageIcon(), func() {
		w.choosePhoto(func(path string) { w.attach(dossier.KindPaper, paperOf(which.Selected), []string{path}) })
	})
	w.photos.dropPaper = func() string { return paperOf(which.Selected) }
	photos := container.NewVBox(bigLabel(i18n.T("vol.photos")), wrapped(i18n.T("vol.photos.text")),
		readingBorder(nil, nil, nil, add, which), w.attachmentList(dossier.KindPaper, dossier.KindOther))
	return container.NewVBox(form, widget.NewSeparator(), photos)
}

// nextPaper is the paper the volunteer most likely photographs next: the
// first one the villager brought (ticked on step 2) with no photo yet,
// else the first with no photo, else another paper.
func (w *wizard) nextPaper() string {
	photographed := map[string]bool{}
	for _, a := range w.cur.Attachments {
		if a.Kind == dossier.KindPaper {
			photographed[a.Paper] = true
		}
	}
	for _, have := range []bool{true, false} {
		for _, pc := range w.cur.Papers {
			if (pc.Have || !have) && !photographed[pc.Name] {
				return pc.Name
			}
		}
	}
	return i18n.T("vol.paper.other")
}

func paperOf(selected string) string {
	if selected == i18n.T("vol.paper.other") {
		return ""
	}
	return selected
}

// choice is a radio group answering a question with one of keys.
func (w *wizard) choice(keys []string, question string) *widget.RadioGroup {
	var labels []string
	byLabel := map[string]string{}
	for _, k := range keys {
		labels = append(labels, i18n.T(k))
		byLabel[i18n.T(k)] = k
	}
	r := widget.NewRadioGroup(labels, nil)
	r.Horizontal = true
	if cur := w.cur.Answers[question]; cur != "" {
		r.SetSelected(i18n.T(cur))
	}
	r.OnChanged = func(s string) { w.cur.Answers[question] = byLabel[s]; w.changed() }
	return r
}

// choosePhoto opens the file dialog on pictures.
func (w *wizard) choosePhoto(then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		then(r.URI().Path())
	}, w.host.window())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".JPG", ".JPEG", ".png", ".PNG", ".webp", ".tif", ".tiff", ".bmp", ".gif"}))
	d.Resize(fyne.NewSize(900, 600))
	showDialog(w.host.window(), d)
}

// attach downscales and stores photos in the background, with progress.
func (w *wizard) attach(kind, paper string, paths []string) {
	if w.cur == nil || len(paths) == 0 {
		return
	}
	w.saveNow()
	w.photos.attaching++
	id := w.cur.ID
	w.host.setProgress(0, true)
	n := len(paths)
	w.host.say(func() string { return i18n.T("vol.photo.working", n) })
	w.host.goService(func(ctx context.Context) {
		res, err := w.ws.Desk.Attach(ctx, id, kind, paper, paths, func(done, total int) {
			post(func() { w.host.setProgress(float64(done)/float64(total), true) })
		})
		post(func() { w.attached(id, kind, res, err) })
	})
}

// attached merges a finished batch into the open dossier and saves it.
func (w *wizard) attached(id, kind string, res []dossier.Added, err error) {
	w.photos.attaching--
	w.host.setProgress(0, false)
	var failed []dossier.Added
	added := 0
	for _, r := range res {
		if r.Err != nil {
			failed = append(failed, r)
			continue
		}
		added++
		if w.cur != nil && w.cur.ID == id {
			w.cur.Attachments = append(w.cur.Attachments, r.Attachment)
			if kind == dossier.KindConsent {
				w.cur.Consent.Form = r.Attachment.ID
			}
			w.save.dirty = true
		}
	}
	w.saveNow()
	w.host.say(func() string {
		lines := []string{i18n.T("vol.photo.added", added)}
		for _, r := range failed {
			lines = append(lines, fmt.Sprintf("%s: %s", baseName(r.Path), errorText(r.Err)))
		}
		if err != nil {
			lines = append(lines, errorText(err))
		}
		return strings.Join(lines, "\n")
	})
	w.fillPhotos()
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// attachmentList shows the photos of the given kinds with a thumbnail and
// a button to remove each. It is refreshed in place as photos come and go,
// so the step keeps its scroll position.
func (w *wizard) attachmentList(kinds ...string) fyne.CanvasObject {
	box := container.NewVBox()
	w.photos.box, w.photos.kinds = box, kinds
	w.fillPhotos()
	return box
}

func (w *wizard) fillPhotos() {
	box, kinds := w.photos.box, w.photos.kinds
	if box == nil || w.cur == nil {
		return
	}
	box.Objects = nil
	for _, a := range w.cur.Attachments {
		if !slices.Contains(kinds, a.Kind) {
			continue
		}
		label := a.Name
		if a.Paper != "" {
			label = a.Paper + " – " + a.Name
		}
		info := wrapped(fmt.Sprintf("%s\n%d×%d · %s", label, a.Width, a.Height, i18n.Bytes(a.Size)))
		att := a.ID
		remove := widget.NewButtonWithIcon(i18n.T("vol.photo.remove"), theme.DeleteIcon(), func() {
			w.ask(i18n.T("vol.photo.remove"), i18n.T("vol.photo.remove.ask"), i18n.T("vol.photo.keep"), func(ok bool) {
				if ok {
					w.detach(att)
				}
			})
		})
		box.Add(readingBorder(nil, nil, w.thumbnail(a), remove, info))
	}
	if len(box.Objects) == 0 {
		l := wrapped(i18n.T("vol.photos.none"))
		l.TextStyle.Italic = true
		box.Add(l)
	}
	box.Refresh()
}

// thumbnail shows a photo small. It is decrypted and scaled down once per
// open dossier and kept only in memory (never on disk), so refreshing a
// step does not decrypt every photo again, and ten photos hold a few
// hundred kilobytes, not the full decoded images.
func (w *wizard) thumbnail(a dossier.Attachment) fyne.CanvasObject {
	size := fyne.NewSize(96, 72)
	if w.photos.thumbs.dossier != w.cur.ID {
		w.forgetThumbnails()
		w.photos.thumbs.dossier = w.cur.ID
	}
	img, ok := w.photos.thumbs.images[a.ID]
	if !ok {
		img = w.decodeThumbnail(a, 2*int(size.Width), 2*int(size.Height))
		w.photos.thumbs.images[a.ID] = img
	}
	if img == nil {
		return container.NewGridWrap(size, widget.NewIcon(theme.BrokenImageIcon()))
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScaleSmooth
	return container.NewGridWrap(size, c)
}

// decodeThumbnail decrypts a photo and scales it to fit width×height pixels; nil
// when it cannot be read.
func (w *wizard) decodeThumbnail(a dossier.Attachment, width, height int) image.Image {
	var buf bytes.Buffer
	if err := w.ws.Desk.ReadAttachment(w.cur.ID, a.ID, &buf); err != nil {
		return nil
	}
	src, _, err := image.Decode(&buf)
	clear(buf.Bytes())
	if err != nil {
		return nil
	}
	b := src.Bounds()
	scale := min(float64(width)/float64(b.Dx()), float64(height)/float64(b.Dy()), 1)
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst
}

// forgetThumbnails drops the decrypted thumbnails, as the vault locks or
// another dossier opens.
func (w *wizard) forgetThumbnails() {
	for _, img := range w.photos.thumbs.images {
		if rgba, ok := img.(*image.RGBA); ok {
			clear(rgba.Pix)
		}
	}
	w.photos.thumbs.dossier, w.photos.thumbs.images = "", map[string]image.Image{}
}

func (w *wizard) detach(att string) {
	if w.cur == nil {
		return
	}
	kept := w.cur.Attachments[:0]
	for _, a := range w.cur.Attachments {
		if a.ID != att {
			kept = append(kept, a)
		}
	}
	w.cur.Attachments = kept
	if w.cur.Consent.Form == att {
		w.cur.Consent.Form = ""
	}
	w.save.dirty = true
	w.saveNow()
	w.fillPhotos()
}

// --- step 5: consent ----------------------------------------------------------

func (w *wizard) stepConsent() fyne.CanvasObject {
	d := w.cur
	text := wrapped(i18n.T("vol.consent.text"))
	text.SizeName = theme.SizeNameSubHeadingText
	given := widget.NewCheck(i18n.T("vol.consent.given"), func(b bool) {
		d.Consent.Given = b
		if b {
			d.Consent.At = time.Now()
		} else {
			d.Consent.At = time.Time{}
		}
		w.changed()
	})
	given.SetChecked(d.Consent.Given)
	form := widget.NewButtonWithIcon(i18n.T("vol.consent.photo"), theme.FileImageIcon(), func() {
		w.choosePhoto(func(path string) { w.attach(dossier.KindConsent, "", []string{path}) })
	})
	box := container.NewVBox(text, given, form, w.attachmentList(dossier.KindConsent))
	if d.Minor() {
		if d.Consent.Guardian == nil {
			d.Consent.Guardian = &dossier.Guardian{}
		}
		g := d.Consent.Guardian
		warn := wrapped(i18n.T("vol.guardian.text"))
		warn.Importance = widget.WarningImportance
		gf := widget.NewForm(
			&widget.FormItem{Text: i18n.T("vol.guardian.name"), Widget: w.bind(widget.NewEntry(), func() string { return g.FullName }, func(s string) { g.FullName = s })},
			&widget.FormItem{Text: i18n.T("vol.guardian.relation"), Widget: w.bind(widget.NewEntry(), func() string { return g.Relation }, func(s string) { g.Relation = s })},
			&widget.FormItem{Text: i18n.T("vol.id_number"), Widget: w.bind(widget.NewEntry(), func() string { return g.IDNumber }, func(s string) { g.IDNumber = strings.TrimSpace(s) })},
			&widget.FormItem{Text: i18n.T("vol.phone"), Widget: w.bind(widget.NewEntry(), func() string { return g.Phone }, func(s string) { g.Phone = s })},
		)
		box.Add(widget.NewSeparator())
		box.Add(bigLabel(i18n.T("vol.guardian")))
		box.Add(warn)
		box.Add(gf)
	}
	return box
}

// --- step 6: notes and the summary read back to the villager -----------

func (w *wizard) stepSummary() fyne.CanvasObject {
	d := w.cur
	notes := w.bind(widget.NewMultiLineEntry(), func() string { return d.Notes }, func(s string) { d.Notes = s })
	notes.Wrapping = fyne.TextWrapWord
	growing(notes, 3, 12)
	summary := widget.NewRichTextFromMarkdown(w.summaryMarkdown())
	summary.Wrapping = fyne.TextWrapWord
	problems := container.NewVBox()
	lang := i18n.Language()
	for _, p := range d.Check() {
		l := wrapped("⚠ " + i18n.Word(lang, "dossier.problem.", string(p)))
		l.Importance = widget.DangerImportance
		problems.Add(l)
	}
	w.sealBtn = widget.NewButtonWithIcon(i18n.T("vol.seal"), theme.MailSendIcon(), w.confirmSeal)
	w.sealBtn.Importance = widget.HighImportance
	if len(problems.Objects) > 0 {
		w.sealBtn.Disable()
	}
	discard := widget.NewButtonWithIcon(i18n.T("vol.discard"), theme.DeleteIcon(), func() {
		w.ask(i18n.T("vol.discard"), i18n.T("vol.discard.ask"), i18n.T("vol.discard.keep"), func(ok bool) {
			if ok {
				w.discard()
			}
		})
	})
	discard.Importance = widget.DangerImportance
	// Sealing is the step's action; discarding the draft is kept apart,
	// below a separator, so that one is not taken for the other.
	return container.NewVBox(
		widget.NewForm(&widget.FormItem{Text: i18n.T("vol.notes"), Widget: notes}),
		widget.NewSeparator(), bigLabel(i18n.T("vol.summary")), wrapped(i18n.T("vol.summary.text")), summary,
		problems, container.NewHBox(w.sealBtn), wrapped(i18n.T("vol.seal.text")),
		widget.NewSeparator(), container.NewHBox(layout.NewSpacer(), discard))
}

// summaryMarkdown is what the volunteer reads back to the villager.
func (w *wizard) summaryMarkdown() string {
	d := w.cur
	p := d.Villager
	esc := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return strings.NewReplacer("*", "\\*", "_", "\\_", "#", "\\#", "\n", " ").Replace(s)
	}
	var b strings.Builder
	line := func(k, val string) { fmt.Fprintf(&b, "- **%s:** %s\n", i18n.T(k), esc(val)) }
	line("vol.step.procedure", d.ProcedureName+" ("+d.Procedure+")")
	line("vol.case", d.Case)
	line("vol.name", p.FullName)
	line("vol.birth", birthText(p.BirthDate))
	line("vol.id_number", p.IDNumber)
	line("vol.phone", p.Phone)
	line("vol.address", p.Address)
	line("vol.q.request", d.Answers[dossier.QuestionRequest])
	if r := d.Answers[dossier.QuestionResult]; r != "" {
		line("vol.q.result", i18n.T(r))
	}
	have := len(d.Papers) - len(d.Missing())
	line("vol.papers", i18n.T("vol.papers.count", have, len(d.Papers)))
	if m := d.Missing(); len(m) > 0 {
		line("vol.papers.missing_short", strings.Join(m, "; "))
	}
	line("vol.photos", fmt.Sprint(len(d.Attachments)))
	consent := i18n.T("vol.no")
	if d.Consent.Given {
		consent = i18n.T("vol.yes") + " – " + d.Consent.At.Format("15:04 02/01/2006")
	}
	line("vol.consent", consent)
	if g := d.Consent.Guardian; g != nil && d.Minor() {
		who := strings.TrimSpace(g.FullName)
		if rel := strings.TrimSpace(g.Relation); rel != "" {
			who = strings.TrimSpace(who + " (" + rel + ")")
		}
		line("vol.guardian", who)
	}
	return b.String()
}

func (w *wizard) confirmSeal() {
	w.ask(i18n.T("vol.seal"), i18n.T("vol.seal.ask"), i18n.T("vol.seal.later"), func(ok bool) {
		if ok {
			w.seal()
		}
	})
}

// seal seals the open dossier in the background, with progress.
func (w *wizard) seal() {
	if w.cur == nil || w.photos.attaching > 0 {
		return
	}
	w.saveNow()
	if w.save.dirty {
		return // the save failed and said why
	}
	id := w.cur.ID
	w.sealBtn.Disable()
	w.host.setProgress(0, true)
	w.host.say(func() string { return i18n.T("vol.sealing") })
	w.host.goService(func(ctx context.Context) {
		e, err := w.ws.Desk.Seal(ctx, id, func(done, total int64) {
			post(func() { w.host.setProgress(float64(done)/float64(max(total, 1)), true) })
		})
		post(func() { w.sealed(e, err) })
	})
}

func (w *wizard) sealed(e outbox.Entry, err error) {
	w.host.setProgress(0, false)
	if err != nil {
		w.host.showError(err)
		w.refreshEditor()
		return
	}
	w.cur, w.proc, w.sealedID = nil, nil, e.ID
	w.host.say(func() string { return i18n.T("vol.sealed") })
	w.host.listChanged()
	w.refreshEditor()
}

func (w *wizard) discard() {
	if w.cur == nil {
		return
	}
	if err := w.ws.Desk.Discard(w.cur.ID); err != nil {
		w.host.showError(err)
		return
	}
	w.cur, w.proc, w.save.dirty = nil, nil, false
	w.host.say(func() string { return i18n.T("vol.discarded") })
	w.host.listChanged()
	w.refreshEditor()
}

// sealedView is what the device still knows of a sealed dossier.
func (w *wizard) sealedView(id string) fyne.CanvasObject {
	e, err := w.ws.Outbox.Entry(id)
	if err != nil {
		return wrapped(errorText(err))
	}
	lang := i18n.Language()
	name := e.Procedure
	if p := w.cat.Lookup(e.Procedure); p != nil {
		name = p.Name + " (" + p.Code + ")"
	}
	state := widget.NewLabelWithStyle(entryState(lang, e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	state.Importance = widget.SuccessImportance
	box := container.NewVBox(bigLabel(name), wrapped(i18n.T("vol.sealed.who", e.Initials, e.Created.Local().Format("02/01/2006"))), state)
	if e.Rejection != nil && e.State.Unreceipted() {
		why := wrapped(words.Rejection(lang, e.Rejection, w.ws.Central().String()))
		why.Importance = widget.DangerImportance
		if e.Rejection.Resent {
			why.Importance = widget.WarningImportance
		}
		box.Add(why)
		if e.Rejection.Reason == receipt.OtherKey {
			box.Add(container.NewHBox(widget.NewButtonWithIcon(i18n.T("vol.rekey.choose"), theme.FolderOpenIcon(), w.chooseCentralKey)))
		}
	}
	for _, t := range e.History {
		box.Add(widget.NewLabel(fmt.Sprintf("%s  %s", t.At.Local().Format("15:04 02/01/2006"), i18n.Word(lang, "outbox.state.", string(t.State)))))
	}
	for _, p := range e.Progress {
		box.Add(widget.NewLabel(fmt.Sprintf("%s  %s", p.At.Local().Format("15:04 02/01/2006"), statusLabel(p.Status))))
	}
	if e.Receipt != "" {
		code := widget.NewLabelWithStyle(i18n.T("vol.receipt", e.Receipt), fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Monospace: true})
		code.SizeName = theme.SizeNameSubHeadingText
		code.Selectable = true
		box.Add(code)
		box.Add(wrapped(i18n.T("vol.receipt.hint")))
		box.Add(container.NewHBox(widget.NewButtonWithIcon(i18n.T("vol.slip.show"), theme.DocumentPrintIcon(), func() { w.showSlip(e) })))
	}
	box.Add(widget.NewSeparator())
	box.Add(wrapped(i18n.T("vol.sealed.text")))
	return box
}

// chooseCentralKey opens the file dialog on the administrator's
// central.pub, for a device set up with another central's key.
func (w *wizard) chooseCentralKey() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		w.rekey(r.URI().Path())
	}, w.host.window())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pub"}))
	d.Resize(fyne.NewSize(900, 600))
	showDialog(w.host.window(), d)
}

// rekey makes the key in the file at path the one this device seals for,
// once the volunteer has read which key and how many dossiers it seals
// again (volunteer.Workspace.ReplaceCentral: marked before the key is
// written, so nothing is lost if the app stops half-way).
func (w *wizard) rekey(path string) {
	key, err := agekey.ReadPublic(path)
	if err != nil {
		w.host.showError(err)
		return
	}
	if key.Equal(w.ws.Central()) {
		w.host.say(func() string { return i18n.T("vol.rekey.same") })
		return
	}
	entries, err := w.ws.Outbox.List()
	if err != nil {
		w.host.showError(err)
		return
	}
	n := 0
	for _, e := range entries {
		if e.State.Unreceipted() {
			n++
		}
	}
	title := i18n.T("vol.rekey.title")
	w.ask(title, i18n.T("vol.rekey.ask", words.ShortKey(key.String()), n), i18n.T("vol.rekey.no"), func(ok bool) {
		if !ok {
			return
		}
		w.host.setProgress(0, true)
		w.host.say(func() string { return i18n.T("vol.rekey.doing") })
		w.host.goService(func(ctx context.Context) {
			done, err := w.ws.ReplaceCentral(ctx, key)
			post(func() {
				w.host.setProgress(0, false)
				if err != nil {
					w.host.showError(err)
				} else {
					w.host.say(func() string { return i18n.T("vol.rekey.done", len(done)) })
				}
				w.host.listChanged()
				w.refreshEditor()
			})
		})
	})
}

// ask is a confirmation whose two answers are verbs: the action itself
// (the title) and what not doing it means (no), never "OK" and "Cancel".
func (w *wizard) ask(title, msg, no string, then func(bool)) {
	d := dialog.NewConfirm(title, msg, then, w.host.window())
	d.SetConfirmText(title)
	d.SetDismissText(no)
	showDialog(w.host.window(), d)
}

// statusLabel is an office's status update in words; an unknown one is
// shown as it came.
func statusLabel(status string) string {
	if t := i18n.T("vol.status." + status); t != "vol.status."+status {
		return t
	}
	return status
}
