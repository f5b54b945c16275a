package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// aloneHost holds a wizard in a window of its own, as the kiosk will.
type aloneHost struct {
	win    fyne.Window
	status string
	lists  int
}

func (h *aloneHost) window() fyne.Window { return h.win }
func (h *aloneHost) say(msg func() string) {
	h.status = ""
	if msg != nil {
		h.status = msg()
	}
}
func (h *aloneHost) setProgress(float64, bool)             {}
func (h *aloneHost) showError(err error)                   { h.status = errorText(err) }
func (h *aloneHost) goService(f func(ctx context.Context)) { f(context.Background()) }
func (h *aloneHost) listChanged()                          { h.lists++ }

// TestWizardAlone places the wizard in a window of its own with nothing of
// the volunteer's tab around it: a case chosen in its search starts a
// draft in the vault, its papers step renders as the golden file says,
// and a ticked paper is saved.
func TestWizardAlone(t *testing.T) {
	test.NewTempApp(t)
	i18n.SetLanguage("vi")
	cpub, _, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	ws, err := volunteer.Init(t.TempDir(), volunteer.Passphrase("mật khẩu thử nghiệm"), volunteer.Setup{Central: cpub, Recovery: rpub},
		vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	cat := catalog.Sample()
	h := &aloneHost{}
	w := newWizard(h, cat, newCatalogSearch(cat))
	w.ws = ws
	h.win = test.NewTempWindow(t, w.editor)
	h.win.Resize(fyne.NewSize(900, 700))

	w.startNew()
	test.Type(w.search.entry, "khai sinh")
	test.Tap(button(w.editor, "Chọn"))
	test.Tap(button(w.editor, "Khai sinh đúng hạn"))
	if w.cur == nil || w.step != 1 || h.lists == 0 {
		t.Fatalf("after choosing a case: draft %v, step %d, list told %d times", w.cur != nil, w.step, h.lists)
	}
	h.win.Content().Refresh()
	test.AssertRendersToMarkup(t, "wizard_papers.xml", h.win.Canvas())

	var ticked bool
	for _, c := range checks(w.editor) {
		if strings.HasPrefix(c.Text, "Giấy chứng sinh") {
			test.Tap(c)
			ticked = true
		}
	}
	if !ticked {
		t.Fatal("no check for Giấy chứng sinh")
	}
	w.saveNow()
	d, err := ws.Desk.Load(w.cur.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Papers {
		if p.Name == "Giấy chứng sinh" && !p.Have {
			t.Errorf("the ticked paper was not saved: %+v", d.Papers)
		}
	}
	w.close()
}

// TestDiscardIsApartAndAsksWithVerbs: deleting a draft sits below the
// seal button, apart from it, and its question names both answers with
// verbs (Xoá bản nháp / Giữ lại); keeping it keeps the draft, deleting
// it deletes it.
func TestDiscardIsApartAndAsksWithVerbs(t *testing.T) {
	w, h, ws := caseChosen(t)
	id := w.cur.ID
	w.goStep(5)

	seal, discard := button(w.editor, "Niêm phong"), button(w.editor, "Xoá bản nháp")
	if seal == nil || discard == nil {
		t.Fatalf("the summary shows %q, want a seal button and a delete button", shown(w.editor))
	}
	d := fyne.CurrentApp().Driver()
	sealPos, discardPos := d.AbsolutePositionForObject(seal), d.AbsolutePositionForObject(discard)
	if discardPos.Y < sealPos.Y+seal.Size().Height {
		t.Errorf("the delete button at %v is beside the seal button at %v, want it below, apart", discardPos, sealPos)
	}

	answers := func() []string {
		top := h.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no question was asked")
		}
		var out []string
		walk(top, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok {
				out = append(out, b.Text)
			}
		})
		return out
	}
	test.Tap(discard)
	got := answers()
	slices.Sort(got)
	if want := []string{"Giữ lại", "Xoá bản nháp"}; !slices.Equal(got, want) {
		t.Fatalf("the question's answers are %q, want %q", got, want)
	}
	test.Tap(button(h.win.Canvas().Overlays().Top(), "Giữ lại"))
	if _, err := ws.Desk.Load(id); err != nil {
		t.Fatalf("after Giữ lại the draft is gone: %v", err)
	}
	test.Tap(discard)
	test.Tap(button(h.win.Canvas().Overlays().Top(), "Xoá bản nháp"))
	if _, err := ws.Desk.Load(id); err == nil {
		t.Fatal("after Xoá bản nháp the draft is still there")
	}
}

// caseChosen is a wizard alone in its window, in Vietnamese, with a new
// draft whose procedure and case are chosen.
func caseChosen(t *testing.T) (*wizard, *aloneHost, *volunteer.Workspace) {
	t.Helper()
	test.NewTempApp(t)
	i18n.SetLanguage("vi")
	cpub, _, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	ws, err := volunteer.Init(t.TempDir(), volunteer.Passphrase("mật khẩu thử nghiệm"), volunteer.Setup{Central: cpub, Recovery: rpub},
		vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	cat := catalog.Sample()
	h := &aloneHost{}
	w := newWizard(h, cat, newCatalogSearch(cat))
	w.ws = ws
	h.win = test.NewTempWindow(t, w.editor)
	h.win.Resize(fyne.NewSize(900, 700))
	w.startNew()
	test.Type(w.search.entry, "khai sinh")
	test.Tap(button(w.editor, "Chọn"))
	test.Tap(button(w.editor, "Khai sinh đúng hạn"))
	if w.cur == nil {
		t.Fatal("no draft after choosing a case")
	}
	return w, h, ws
}

// TestFormCatchesMistakesAsTyped: each field of the villager's record
// says its mistake under it as it is typed (a day that does not exist, a
// citizen ID that is not 12 digits, a phone number that is not
// Vietnamese, no name), the mistake goes once it is mended, and what was
// typed is kept in the draft either way.
func TestFormCatchesMistakesAsTyped(t *testing.T) {
	w, h, _ := caseChosen(t)
	w.goStep(3)
	for _, tt := range []struct {
		label, typed, want string
		mended             string
		kept               func() string
	}{
		{"vol.birth", "31/02/2016", i18n.T("vol.check.no_such_date", "31/02/2016"), "28/02/2016", func() string { return w.cur.Villager.BirthDate }},
		{"vol.birth", "2016", i18n.T("vol.check.date_form"), "01/01/2016", func() string { return w.cur.Villager.BirthDate }},
		{"vol.birth", "01/01/2999", i18n.T("vol.check.future"), "01/01/1999", func() string { return w.cur.Villager.BirthDate }},
		{"vol.id_number", "01408500123", i18n.T("vol.check.id_digits", 11), "014085001234", func() string { return w.cur.Villager.IDNumber }},
		{"vol.phone", "0112 345 678", i18n.T("vol.check.phone"), "0912 345 678", func() string { return w.cur.Villager.Phone }},
		{"vol.name", "  ", i18n.T("vol.check.name"), "Lò Thị Mai", func() string { return w.cur.Villager.FullName }},
	} {
		e := entryNamed(w.editor, i18n.T(tt.label))
		if e == nil {
			t.Fatalf("no field %s", i18n.T(tt.label))
		}
		e.SetText("")
		h.win.Canvas().Focus(e)
		test.Type(e, tt.typed)
		h.win.Canvas().Focus(nil) // the volunteer moves on to the next field
		if err := e.Validate(); err == nil || err.Error() != tt.want {
			t.Errorf("%s %q: the field says %v, want %q", tt.label, tt.typed, err, tt.want)
		}
		if !strings.Contains(strings.Join(drawn(w.editor), "\n"), tt.want) {
			t.Errorf("%s %q: %q is not shown under the field", tt.label, tt.typed, tt.want)
		}
		if got := tt.kept(); !strings.Contains(got, strings.TrimSpace(tt.typed)) && !strings.Contains(birthText(got), tt.typed) {
			t.Errorf("%s %q: the draft keeps %q, want what was typed", tt.label, tt.typed, got)
		}
		e.SetText(tt.mended)
		if err := e.Validate(); err != nil {
			t.Errorf("%s mended to %q: still %v", tt.label, tt.mended, err)
		}
	}
}

// drawn lists the texts o draws, down through every widget's renderer:
// what the person sees, including a form's messages under its fields.
func drawn(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *canvas.Text:
		if v.Visible() {
			out = append(out, v.Text)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, drawn(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, drawn(c)...)
		}
	}
	return out
}

// TestPhotoPaperDefaultsToTheNextOne: the paper a photo is for starts at
// the first paper the villager brought that has no photo yet, not at the
// first of the list.
func TestPhotoPaperDefaultsToTheNextOne(t *testing.T) {
	w, _, _ := caseChosen(t)
	cs := checks(w.editor)
	if len(cs) < 3 {
		t.Fatalf("papers checklist: %d boxes", len(cs))
	}
	test.Tap(cs[2])
	want := w.cur.Papers[2].Name
	w.goStep(3)
	var which *widget.Select
	walk(w.editor, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok {
			which = s
		}
	})
	if which == nil || which.Selected != want {
		t.Errorf("the photo's paper starts at %q, want %q (brought, no photo yet)", which.Selected, want)
	}
}

// TestSummaryGuardian: the summary read back to the villager names the
// guardian of a minor as given: name and relation, the name alone, or a
// dash when nothing was entered yet, never an empty "()".
func TestSummaryGuardian(t *testing.T) {
	tests := []struct {
		g    dossier.Guardian
		want string
	}{
		{dossier.Guardian{FullName: "Lò Văn Sơn", Relation: "cha"}, "**Người giám hộ:** Lò Văn Sơn (cha)\n"},
		{dossier.Guardian{FullName: "Lò Văn Sơn"}, "**Người giám hộ:** Lò Văn Sơn\n"},
		{dossier.Guardian{}, "**Người giám hộ:** —\n"},
	}
	for _, tt := range tests {
		g := tt.g
		w := &wizard{cur: &dossier.Dossier{Created: time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local),
			Villager: dossier.Person{FullName: "Lò Thị Mai", BirthDate: "2020-03-15"}}}
		w.cur.Consent.Guardian = &g
		if got := w.summaryMarkdown(); !strings.Contains(got, tt.want) {
			t.Errorf("%+v: the summary reads\n%s\nwant %q", tt.g, got, tt.want)
		}
	}
}
