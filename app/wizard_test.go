package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// aloneHost holds a wizard in a window of its own, as the kiosk will.
type aloneHost struct {
	win    fyne.Window
	status string
	lists  int
}

func (h *aloneHost) window() fyne.Window                   { return h.win }
func (h *aloneHost) setStatus(s string)                    { h.status = s }
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
	if w.cur == nil {
		t.Fatal("no draft after choosing a case")
	}
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
