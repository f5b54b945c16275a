package app

import (
	"bytes"
	"context"
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
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
)

// The six steps of a dossier, in order.
var stepKeys = []string{"vol.step.procedure", "vol.step.papers", "vol.step.guide", "vol.step.record", "vol.step.consent", "vol.step.summary"}

// refreshEditor shows the open dossier's current step, a sealed dossier,
// or a hint.
func (v *volunteerScreen) refreshEditor() {
	if v.editor == nil {
		return
	}
	var body fyne.CanvasObject
	switch {
	case v.creating || v.cur != nil:
		body = v.stepView()
	case v.sealedID != "":
		body = v.sealedView(v.sealedID)
	default:
		body = container.NewCenter(widget.NewLabelWithStyle(i18n.T("vol.pick"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	}
	v.editor.Objects = []fyne.CanvasObject{body}
	v.editor.Refresh()
}

// stepView is the stepper, the step's content and the buttons to move on.
func (v *volunteerScreen) stepView() fyne.CanvasObject {
	bar := container.NewHBox()
	for i, k := range stepKeys {
		b := widget.NewButton(fmt.Sprintf("%d. %s", i+1, i18n.T(k)), nil)
		i := i
		b.OnTapped = func() { v.goStep(i) }
		switch {
		case i == v.step:
			b.Importance = widget.HighImportance
		case v.cur == nil && i > 0:
			b.Disable()
		default:
			b.Importance = widget.LowImportance
		}
		bar.Add(b)
	}
	var content fyne.CanvasObject
	switch v.step {
	case 0:
		content = v.stepProcedure()
	case 1:
		content = v.stepPapers()
	case 2:
		content = v.stepGuide()
	case 3:
		content = v.stepRecord()
	case 4:
		content = v.stepConsent()
	default:
		content = v.stepSummary()
	}
	back := widget.NewButtonWithIcon(i18n.T("vol.back"), theme.NavigateBackIcon(), func() { v.goStep(v.step - 1) })
	if v.step == 0 || v.cur == nil {
		back.Disable()
	}
	v.nextBtn = widget.NewButtonWithIcon(i18n.T("vol.next"), theme.NavigateNextIcon(), func() { v.goStep(v.step + 1) })
	v.nextBtn.IconPlacement = widget.ButtonIconTrailingText
	v.nextBtn.Importance = widget.HighImportance
	if v.step == len(stepKeys)-1 || v.cur == nil {
		v.nextBtn.Hide()
	}
	nav := container.NewBorder(nil, nil, back, v.nextBtn)
	title := ""
	if v.cur != nil {
		title = v.cur.ProcedureName
		if title == "" {
			title = v.cur.Procedure
		}
		if v.cur.Case != "" {
			title += " – " + v.cur.Case
		}
	}
	top := container.NewVBox(container.NewHScroll(bar))
	if title != "" {
		top.Add(bigLabel(title))
	}
	top.Add(widget.NewSeparator())
	return container.NewBorder(top, container.NewVBox(widget.NewSeparator(), nav), nil, nil, container.NewVScroll(content))
}

func (v *volunteerScreen) goStep(i int) {
	if i < 0 || i >= len(stepKeys) || v.cur == nil && i > 0 {
		return
	}
	v.saveNow()
	v.step = i
	v.refreshEditor()
}

// --- step 1: procedure and case ------------------------------------------

func (v *volunteerScreen) stepProcedure() fyne.CanvasObject {
	if v.cur != nil && v.search.code == "" {
		v.search.code = v.cur.Procedure
	}
	return v.search.view()
}

// chooseCase starts the draft, or sets the case of a draft that has none.
func (v *volunteerScreen) chooseCase(p *catalog.Procedure, c *catalog.Case) {
	var papers []string
	for _, pp := range c.Papers {
		papers = append(papers, pp.Name)
	}
	if v.cur != nil {
		v.cur.Procedure, v.cur.ProcedureName, v.cur.Case = p.Code, p.Name, c.Name
		v.cur.Papers = nil
		for _, n := range papers {
			v.cur.Papers = append(v.cur.Papers, dossier.PaperCheck{Name: n})
		}
		v.dirty = true
	} else {
		d, err := v.ws.Desk.Create(p.Code, p.Name, c.Name, papers)
		if err != nil {
			v.showError(err)
			return
		}
		v.cur = d
	}
	v.proc, v.creating, v.guideStep = p, false, 0
	v.goStep(1)
	v.refreshList()
}

// caseOf is the catalogue's case of the open dossier.
func (v *volunteerScreen) caseOf() *catalog.Case {
	if v.proc == nil || v.cur == nil {
		return nil
	}
	for i := range v.proc.Cases {
		if v.proc.Cases[i].Name == v.cur.Case {
			return &v.proc.Cases[i]
		}
	}
	return nil
}

// --- step 2: papers --------------------------------------------------------

func (v *volunteerScreen) stepPapers() fyne.CanvasObject {
	box := container.NewVBox(wrapped(i18n.T("vol.papers.text")))
	c := v.caseOf()
	info := map[string]catalog.Paper{}
	if c != nil {
		for _, p := range c.Papers {
			info[p.Name] = p
		}
	}
	missing := container.NewVBox()
	showMissing := func() {
		missing.Objects = nil
		m := v.cur.Missing()
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
	if len(v.cur.Papers) == 0 {
		box.Add(wrapped(i18n.T("vol.papers.none")))
	}
	for i := range v.cur.Papers {
		pc := &v.cur.Papers[i]
		p := info[pc.Name]
		check := widget.NewCheck(pc.Name, func(b bool) {
			pc.Have = b
			v.changed()
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

func (v *volunteerScreen) stepGuide() fyne.CanvasObject {
	c := v.caseOf()
	if c == nil || len(c.Steps) == 0 {
		return wrapped(i18n.T("vol.guide.none"))
	}
	v.guideStep = min(max(v.guideStep, 0), len(c.Steps)-1)
	s := c.Steps[v.guideStep]
	count := widget.NewLabel(i18n.T("vol.guide.count", v.guideStep+1, len(c.Steps)))
	title := bigLabel(s.Title)
	detail := wrapped(s.Detail)
	detail.SizeName = theme.SizeNameSubHeadingText
	prev := widget.NewButtonWithIcon(i18n.T("vol.guide.prev"), theme.NavigateBackIcon(), func() { v.guideStep--; v.refreshEditor() })
	next := widget.NewButtonWithIcon(i18n.T("vol.guide.next"), theme.NavigateNextIcon(), func() { v.guideStep++; v.refreshEditor() })
	next.IconPlacement = widget.ButtonIconTrailingText
	if v.guideStep == 0 {
		prev.Disable()
	}
	if v.guideStep == len(c.Steps)-1 {
		next.Disable()
	}
	bar := widget.NewProgressBar()
	bar.Max = float64(len(c.Steps))
	bar.SetValue(float64(v.guideStep + 1))
	bar.TextFormatter = func() string { return "" }
	return container.NewVBox(count, bar, title, detail, container.NewHBox(prev, next))
}

// --- step 4: the villager and their papers ---------------------------------

// bind makes an entry edit a field of the open dossier.
func (v *volunteerScreen) bind(e *widget.Entry, get func() string, set func(string)) *widget.Entry {
	e.SetText(get())
	e.OnChanged = func(s string) { set(s); v.changed() }
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

func (v *volunteerScreen) stepRecord() fyne.CanvasObject {
	d := v.cur
	p := &d.Villager
	name := v.bind(widget.NewEntry(), func() string { return p.FullName }, func(s string) { p.FullName = s })
	birth := v.bind(widget.NewEntry(), func() string { return birthText(p.BirthDate) }, func(s string) { p.BirthDate = birthValue(s) })
	birth.SetPlaceHolder("dd/mm/yyyy")
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
		v.changed()
	}
	id := v.bind(widget.NewEntry(), func() string { return p.IDNumber }, func(s string) { p.IDNumber = strings.TrimSpace(s) })
	id.SetPlaceHolder("001080012345")
	phone := v.bind(widget.NewEntry(), func() string { return p.Phone }, func(s string) { p.Phone = s })
	addr := v.bind(widget.NewEntry(), func() string { return p.Address }, func(s string) { p.Address = s })
	request := v.bind(widget.NewMultiLineEntry(), func() string { return d.Answers[dossier.QuestionRequest] }, func(s string) { d.Answers[dossier.QuestionRequest] = s })
	request.SetMinRowsVisible(3)
	request.Wrapping = fyne.TextWrapWord
	result := v.choice([]string{"vol.result.in_person", "vol.result.post", "vol.result.online"}, dossier.QuestionResult)
	vneid := v.choice([]string{"vol.yes", "vol.no", "vol.unknown"}, dossier.QuestionVNeID)
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
	which.SetSelectedIndex(0)
	add := widget.NewButtonWithIcon(i18n.T("vol.photo.add"), theme.FileImageIcon(), func() {
		v.choosePhoto(func(path string) { v.attach(dossier.KindPaper, paperOf(which.Selected), []string{path}) })
	})
	v.dropPaper = func() string { return paperOf(which.Selected) }
	photos := container.NewVBox(bigLabel(i18n.T("vol.photos")), wrapped(i18n.T("vol.photos.text")),
		container.NewBorder(nil, nil, nil, add, which), v.attachmentList(dossier.KindPaper, dossier.KindOther))
	return container.NewVBox(form, widget.NewSeparator(), photos)
}

func paperOf(selected string) string {
	if selected == i18n.T("vol.paper.other") {
		return ""
	}
	return selected
}

// choice is a radio group answering a question with one of keys.
func (v *volunteerScreen) choice(keys []string, question string) *widget.RadioGroup {
	var labels []string
	byLabel := map[string]string{}
	for _, k := range keys {
		labels = append(labels, i18n.T(k))
		byLabel[i18n.T(k)] = k
	}
	r := widget.NewRadioGroup(labels, nil)
	r.Horizontal = true
	if cur := v.cur.Answers[question]; cur != "" {
		r.SetSelected(i18n.T(cur))
	}
	r.OnChanged = func(s string) { v.cur.Answers[question] = byLabel[s]; v.changed() }
	return r
}

// choosePhoto opens the file dialog on pictures.
func (v *volunteerScreen) choosePhoto(then func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		then(r.URI().Path())
	}, v.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".JPG", ".JPEG", ".png", ".PNG", ".webp", ".tif", ".tiff", ".bmp", ".gif"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// attach downscales and stores photos in the background, with progress.
func (v *volunteerScreen) attach(kind, paper string, paths []string) {
	if v.cur == nil || len(paths) == 0 {
		return
	}
	v.saveNow()
	v.attaching++
	id := v.cur.ID
	v.progress.SetValue(0)
	v.progressBox.Show()
	v.setStatus(i18n.T("vol.photo.working", len(paths)))
	v.u.goService(func(ctx context.Context) {
		res, err := v.ws.Desk.Attach(ctx, id, kind, paper, paths, func(done, total int) {
			post(func() { v.progress.SetValue(float64(done) / float64(total)) })
		})
		post(func() { v.attached(id, kind, res, err) })
	})
}

// attached merges a finished batch into the open dossier and saves it.
func (v *volunteerScreen) attached(id, kind string, res []dossier.Added, err error) {
	v.attaching--
	v.progressBox.Hide()
	var msgs []string
	added := 0
	for _, r := range res {
		if r.Err != nil {
			msgs = append(msgs, fmt.Sprintf("%s: %s", baseName(r.Path), v.errorText(r.Err)))
			continue
		}
		added++
		if v.cur != nil && v.cur.ID == id {
			v.cur.Attachments = append(v.cur.Attachments, r.Attachment)
			if kind == dossier.KindConsent {
				v.cur.Consent.Form = r.Attachment.ID
			}
			v.dirty = true
		}
	}
	if err != nil {
		msgs = append(msgs, v.errorText(err))
	}
	v.saveNow()
	status := i18n.T("vol.photo.added", added)
	if len(msgs) > 0 {
		status += "\n" + strings.Join(msgs, "\n")
	}
	v.setStatus(status)
	v.fillPhotos()
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
func (v *volunteerScreen) attachmentList(kinds ...string) fyne.CanvasObject {
	box := container.NewVBox()
	v.photoBox, v.photoKinds = box, kinds
	v.fillPhotos()
	return box
}

func (v *volunteerScreen) fillPhotos() {
	box, kinds := v.photoBox, v.photoKinds
	if box == nil || v.cur == nil {
		return
	}
	box.Objects = nil
	for _, a := range v.cur.Attachments {
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
			v.ask(i18n.T("vol.photo.remove"), i18n.T("vol.photo.remove.ask"), func(ok bool) {
				if ok {
					v.detach(att)
				}
			})
		})
		box.Add(container.NewBorder(nil, nil, v.thumbnail(a), remove, info))
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
func (v *volunteerScreen) thumbnail(a dossier.Attachment) fyne.CanvasObject {
	size := fyne.NewSize(96, 72)
	if v.thumbs.dossier != v.cur.ID {
		v.forgetThumbnails()
		v.thumbs.dossier = v.cur.ID
	}
	img, ok := v.thumbs.images[a.ID]
	if !ok {
		img = v.decodeThumbnail(a, 2*int(size.Width), 2*int(size.Height))
		v.thumbs.images[a.ID] = img
	}
	if img == nil {
		return container.NewGridWrap(size, widget.NewIcon(theme.BrokenImageIcon()))
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScaleSmooth
	return container.NewGridWrap(size, c)
}

// decodeThumbnail decrypts a photo and scales it to fit w×h pixels; nil
// when it cannot be read.
func (v *volunteerScreen) decodeThumbnail(a dossier.Attachment, w, h int) image.Image {
	var buf bytes.Buffer
	if err := v.ws.Desk.ReadAttachment(v.cur.ID, a.ID, &buf); err != nil {
		return nil
	}
	src, _, err := image.Decode(&buf)
	clear(buf.Bytes())
	if err != nil {
		return nil
	}
	b := src.Bounds()
	scale := min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()), 1)
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst
}

// forgetThumbnails drops the decrypted thumbnails, as the vault locks or
// another dossier opens.
func (v *volunteerScreen) forgetThumbnails() {
	for _, img := range v.thumbs.images {
		if rgba, ok := img.(*image.RGBA); ok {
			clear(rgba.Pix)
		}
	}
	v.thumbs.dossier, v.thumbs.images = "", map[string]image.Image{}
}

func (v *volunteerScreen) detach(att string) {
	if v.cur == nil {
		return
	}
	kept := v.cur.Attachments[:0]
	for _, a := range v.cur.Attachments {
		if a.ID != att {
			kept = append(kept, a)
		}
	}
	v.cur.Attachments = kept
	if v.cur.Consent.Form == att {
		v.cur.Consent.Form = ""
	}
	v.dirty = true
	v.saveNow()
	v.fillPhotos()
}

// --- step 5: consent ----------------------------------------------------------

func (v *volunteerScreen) stepConsent() fyne.CanvasObject {
	d := v.cur
	text := wrapped(i18n.T("vol.consent.text"))
	text.SizeName = theme.SizeNameSubHeadingText
	given := widget.NewCheck(i18n.T("vol.consent.given"), func(b bool) {
		d.Consent.Given = b
		if b {
			d.Consent.At = time.Now()
		} else {
			d.Consent.At = time.Time{}
		}
		v.changed()
	})
	given.SetChecked(d.Consent.Given)
	form := widget.NewButtonWithIcon(i18n.T("vol.consent.photo"), theme.FileImageIcon(), func() {
		v.choosePhoto(func(path string) { v.attach(dossier.KindConsent, "", []string{path}) })
	})
	box := container.NewVBox(text, given, form, v.attachmentList(dossier.KindConsent))
	if d.Minor() {
		if d.Consent.Guardian == nil {
			d.Consent.Guardian = &dossier.Guardian{}
		}
		g := d.Consent.Guardian
		warn := wrapped(i18n.T("vol.guardian.text"))
		warn.Importance = widget.WarningImportance
		gf := widget.NewForm(
			&widget.FormItem{Text: i18n.T("vol.guardian.name"), Widget: v.bind(widget.NewEntry(), func() string { return g.FullName }, func(s string) { g.FullName = s })},
			&widget.FormItem{Text: i18n.T("vol.guardian.relation"), Widget: v.bind(widget.NewEntry(), func() string { return g.Relation }, func(s string) { g.Relation = s })},
			&widget.FormItem{Text: i18n.T("vol.id_number"), Widget: v.bind(widget.NewEntry(), func() string { return g.IDNumber }, func(s string) { g.IDNumber = strings.TrimSpace(s) })},
			&widget.FormItem{Text: i18n.T("vol.phone"), Widget: v.bind(widget.NewEntry(), func() string { return g.Phone }, func(s string) { g.Phone = s })},
		)
		box.Add(widget.NewSeparator())
		box.Add(bigLabel(i18n.T("vol.guardian")))
		box.Add(warn)
		box.Add(gf)
	}
	return box
}

// --- step 6: notes and the summary read back to the villager -----------

func (v *volunteerScreen) stepSummary() fyne.CanvasObject {
	d := v.cur
	notes := v.bind(widget.NewMultiLineEntry(), func() string { return d.Notes }, func(s string) { d.Notes = s })
	notes.SetMinRowsVisible(3)
	notes.Wrapping = fyne.TextWrapWord
	summary := widget.NewRichTextFromMarkdown(v.summaryMarkdown())
	summary.Wrapping = fyne.TextWrapWord
	problems := container.NewVBox()
	lang := i18n.Language()
	for _, p := range d.Check() {
		l := wrapped("⚠ " + i18n.Word(lang, "dossier.problem.", string(p)))
		l.Importance = widget.DangerImportance
		problems.Add(l)
	}
	v.sealBtn = widget.NewButtonWithIcon(i18n.T("vol.seal"), theme.MailSendIcon(), v.confirmSeal)
	v.sealBtn.Importance = widget.HighImportance
	if len(problems.Objects) > 0 {
		v.sealBtn.Disable()
	}
	discard := widget.NewButtonWithIcon(i18n.T("vol.discard"), theme.DeleteIcon(), func() {
		v.ask(i18n.T("vol.discard"), i18n.T("vol.discard.ask"), func(ok bool) {
			if ok {
				v.discard()
			}
		})
	})
	discard.Importance = widget.DangerImportance
	return container.NewVBox(
		widget.NewForm(&widget.FormItem{Text: i18n.T("vol.notes"), Widget: notes}),
		widget.NewSeparator(), bigLabel(i18n.T("vol.summary")), wrapped(i18n.T("vol.summary.text")), summary,
		problems, container.NewHBox(v.sealBtn, discard), wrapped(i18n.T("vol.seal.text")))
}

// summaryMarkdown is what the volunteer reads back to the villager.
func (v *volunteerScreen) summaryMarkdown() string {
	d := v.cur
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
		line("vol.guardian", g.FullName+" ("+g.Relation+")")
	}
	return b.String()
}

func (v *volunteerScreen) confirmSeal() {
	v.ask(i18n.T("vol.seal"), i18n.T("vol.seal.ask"), func(ok bool) {
		if ok {
			v.seal()
		}
	})
}

// seal seals the open dossier in the background, with progress.
func (v *volunteerScreen) seal() {
	if v.cur == nil || v.attaching > 0 {
		return
	}
	v.saveNow()
	if v.dirty {
		return // the save failed and said why
	}
	id := v.cur.ID
	v.sealBtn.Disable()
	v.progress.SetValue(0)
	v.progressBox.Show()
	v.setStatus(i18n.T("vol.sealing"))
	v.u.goService(func(ctx context.Context) {
		e, err := v.ws.Desk.Seal(ctx, id, func(done, total int64) {
			post(func() { v.progress.SetValue(float64(done) / float64(max(total, 1))) })
		})
		post(func() { v.sealed(e, err) })
	})
}

func (v *volunteerScreen) sealed(e outbox.Entry, err error) {
	v.progressBox.Hide()
	if err != nil {
		v.showError(err)
		v.refreshEditor()
		return
	}
	v.cur, v.proc, v.sealedID = nil, nil, e.ID
	v.setStatus(i18n.T("vol.sealed"))
	v.refreshList()
	v.refreshEditor()
}

func (v *volunteerScreen) discard() {
	if v.cur == nil {
		return
	}
	if err := v.ws.Desk.Discard(v.cur.ID); err != nil {
		v.showError(err)
		return
	}
	v.cur, v.proc, v.dirty = nil, nil, false
	v.setStatus(i18n.T("vol.discarded"))
	v.refreshList()
	v.refreshEditor()
}

// sealedView is what the device still knows of a sealed dossier.
func (v *volunteerScreen) sealedView(id string) fyne.CanvasObject {
	e, err := v.ws.Outbox.Entry(id)
	if err != nil {
		return wrapped(v.errorText(err))
	}
	lang := i18n.Language()
	name := e.Procedure
	if p := v.procedure(e.Procedure); p != nil {
		name = p.Name + " (" + p.Code + ")"
	}
	state := widget.NewLabelWithStyle(i18n.Word(lang, "outbox.state.", string(e.State)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	state.Importance = widget.SuccessImportance
	box := container.NewVBox(bigLabel(name), wrapped(i18n.T("vol.sealed.who", e.Initials, e.Created.Local().Format("02/01/2006"))), state)
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
	}
	box.Add(widget.NewSeparator())
	box.Add(wrapped(i18n.T("vol.sealed.text")))
	return box
}

// ask is a confirmation with the answers in the app's language; the
// question is the action itself, so the yes button repeats it.
func (v *volunteerScreen) ask(title, msg string, then func(bool)) {
	d := dialog.NewConfirm(title, msg, then, v.u.win)
	d.SetConfirmText(title)
	d.SetDismissText(i18n.T("vol.cancel"))
	d.Show()
}

// statusLabel is an office's status update in words; an unknown one is
// shown as it came.
func statusLabel(status string) string {
	if t := i18n.T("vol.status." + status); t != "vol.status."+status {
		return t
	}
	return status
}
