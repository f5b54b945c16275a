package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/norm"

	"dinh/internal/i18n"
	"dinh/internal/testenv"
	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/vault"
	"dinh/sync/demoprovince"
	"dinh/sync/discovery"
	"dinh/sync/field"
	"dinh/sync/receipt"
)

// walk calls fn on o and on everything inside it that the volunteer
// screen builds.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, fn)
		}
	case *widget.Card:
		walk(v.Content, fn)
	case *dialogEntry:
		walk(&v.Entry, fn) // a field as any other
	case *container.Scroll:
		walk(v.Content, fn)
	case *container.Split:
		walk(v.Leading, fn)
		walk(v.Trailing, fn)
	case *widget.Form:
		for _, it := range v.Items {
			walk(it.Widget, fn)
		}
	case *widget.PopUp:
		walk(v.Content, fn)
	}
}

// segmentText is the text of rich text segments, lists included.
func segmentText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		switch v := s.(type) {
		case *widget.TextSegment:
			b.WriteString(v.Text)
		case *widget.ListSegment:
			b.WriteString(segmentText(v.Items))
			b.WriteString("\n")
		case *widget.ParagraphSegment:
			b.WriteString(segmentText(v.Texts))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// shown returns every text a person can read in o, one per widget.
// thumbnails returns the images the photo thumbnails show.
func thumbnails(o fyne.CanvasObject) []image.Image {
	var out []image.Image
	walk(o, func(o fyne.CanvasObject) {
		if c, ok := o.(*canvas.Image); ok {
			out = append(out, c.Image)
		}
	})
	return out
}

func shown(o fyne.CanvasObject) string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *canvas.Text:
			out = append(out, v.Text)
		case *widget.Button:
			out = append(out, v.Text)
		case *widget.Check:
			out = append(out, v.Text)
		case *widget.RichText:
			out = append(out, segmentText(v.Segments))
		}
	})
	return strings.Join(out, "\n")
}

// button returns the first enabled-or-not button whose text contains s.
func button(o fyne.CanvasObject, s string) *widget.Button {
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && strings.Contains(b.Text, s) {
			found = b
		}
	})
	return found
}

// entryNamed returns the entry of the form item labelled label.
func entryNamed(o fyne.CanvasObject, label string) *widget.Entry {
	var found *widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				if it.Text != label || found != nil {
					continue
				}
				switch e := it.Widget.(type) {
				case *widget.Entry:
					found = e
				case *dialogEntry:
					found = &e.Entry
				}
			}
		}
	})
	return found
}

func checks(o fyne.CanvasObject) []*widget.Check {
	var out []*widget.Check
	walk(o, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			out = append(out, c)
		}
	})
	return out
}

// boldSpans returns the bold segments of the rich texts in o.
func boldSpans(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RichText); ok {
			for _, s := range r.Segments {
				if t, ok := s.(*widget.TextSegment); ok && t.Style.TextStyle.Bold {
					out = append(out, t.Text)
				}
			}
		}
	})
	return out
}

// confirm taps the confirming button of the dialog on top of the window.
func confirm(t *testing.T, u *UI) {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var yes *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Importance == widget.HighImportance {
			yes = b
		}
	})
	if yes == nil {
		t.Fatalf("the dialog has no confirming button: %q", shown(top))
	}
	test.Tap(yes)
}

func jpegFile(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// testClock is a settable clock for the vault's back-off.
type testClock struct{ t time.Time }

func (c *testClock) Now() time.Time { return c.t }

const volunteerPass = "mật khẩu của tổ công nghệ số"

// startVolunteer starts the demo with the volunteer's tab set up and open.
func startVolunteer(t *testing.T, opts vault.Options) (*UI, *volunteerScreen) {
	t.Helper()
	u := startDemo(t)
	v := u.volunteer
	v.opts.KDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	v.opts.Now, v.opts.IdleTimeout = opts.Now, opts.IdleTimeout
	u.tabs.SelectIndex(2)
	if !strings.Contains(shown(v.root), "Thiết lập cho tổ công nghệ số") {
		t.Fatalf("a new device does not ask to set up: %q", shown(v.root))
	}
	if err := v.gate.setUp("ngắn", "ngắn", "", ""); err == nil || !strings.Contains(gateText(err), "ít nhất 8 ký tự") {
		t.Errorf("a short passphrase: got %v", err)
	}
	if err := v.gate.setUp(volunteerPass, volunteerPass+"x", "", ""); err == nil || !strings.Contains(gateText(err), "không giống nhau") {
		t.Errorf("passphrases that differ: got %v", err)
	}
	if err := v.gate.setUp(volunteerPass, volunteerPass, "", ""); err != nil {
		t.Fatal(err)
	}
	v.show()
	if !strings.Contains(shown(v.root), "Chưa có hồ sơ nào") {
		t.Fatalf("after set-up: %q", shown(v.root))
	}
	return u, v
}

// TestVolunteerFlow guides a villager's birth registration through the
// six steps, as a volunteer would with the keyboard and the mouse, and
// seals it.
func TestVolunteerFlow(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})

	// 1. Procedure: a search without accents, with a typo, finds it.
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "dang ky khai sinnh")
	if got := shown(v.wiz.search.results); !strings.Contains(got, "Đăng ký khai sinh") {
		t.Fatalf("search results: %q", got)
	}
	if bold := boldSpans(v.wiz.search.results); !slices.Contains(bold, "Đăng ký khai sinh") {
		t.Errorf("the match is not highlighted: bold %q", bold)
	}
	test.Tap(button(v.wiz.search.results, "Chọn"))
	caseBtn := button(v.wiz.search.results, "Khai sinh đúng hạn")
	if caseBtn == nil {
		t.Fatalf("the procedure's cases are not offered: %q", shown(v.wiz.search.results))
	}
	test.Tap(caseBtn)
	if v.wiz.cur == nil || v.wiz.step != 1 {
		t.Fatalf("choosing a case did not start a draft on step 2 (step %d)", v.wiz.step+1)
	}

	// 2. Papers: tick one; the others are listed as missing, with where to get them.
	cs := checks(v.wiz.editor)
	if len(cs) < 2 {
		t.Fatalf("papers checklist: %d boxes", len(cs))
	}
	test.Tap(cs[1])
	got := shown(v.wiz.editor)
	if !strings.Contains(got, "Còn thiếu") || !strings.Contains(got, "Nơi cấp") || !v.wiz.cur.Papers[1].Have {
		t.Errorf("after ticking a paper: %q", got)
	}

	// 3. The steps of the online procedure, one screen at a time.
	test.Tap(v.wiz.nextBtn)
	if got := shown(v.wiz.editor); !strings.Contains(got, "Bước 1 / ") {
		t.Fatalf("guide: %q", got)
	}
	test.Tap(button(v.wiz.editor, "Bước sau"))
	if got := shown(v.wiz.editor); !strings.Contains(got, "Bước 2 / ") {
		t.Errorf("next guide step: %q", got)
	}

	// 4. The villager's details and photos of papers.
	test.Tap(v.wiz.nextBtn)
	for label, text := range map[string]string{
		"Họ và tên": "Nguyễn Văn An", "Ngày sinh": "15/03/1980", "Số định danh cá nhân": "001080012345",
		"Số điện thoại": "0912345678", "Người dân cần gì": "Đăng ký khai sinh cho con",
	} {
		e := entryNamed(v.wiz.editor, label)
		if e == nil {
			t.Fatalf("no field %q", label)
		}
		test.Type(e, text)
	}
	if v.wiz.cur.Villager.BirthDate != "1980-03-15" {
		t.Errorf("date of birth stored as %q", v.wiz.cur.Villager.BirthDate)
	}
	dir := t.TempDir()
	big := jpegFile(t, dir, "giay-chung-sinh.jpg", 3000, 2000)
	notImage := filepath.Join(dir, "ghi-chu.txt")
	os.WriteFile(notImage, []byte("không phải ảnh"), 0o600)
	v.wiz.attach(dossier.KindPaper, "Giấy chứng sinh", []string{big, notImage})
	if !v.foot.progressBox.Visible() {
		t.Error("no progress is shown while photos are processed")
	}
	eventually(t, "the photos to be processed", func() bool { return v.wiz.photos.attaching == 0 })
	if len(v.wiz.cur.Attachments) != 1 || v.wiz.cur.Attachments[0].Width != 2000 {
		t.Fatalf("attachments: %+v", v.wiz.cur.Attachments)
	}
	if got := v.foot.status.Text; !strings.Contains(got, "ghi-chu.txt: Tệp này không phải ảnh") {
		t.Errorf("status after a non-image: %q", got)
	}
	if got := shown(v.wiz.editor); !strings.Contains(got, "2000×1333") {
		t.Errorf("the photo is not listed with its new size: %q", got)
	}
	// Its thumbnail shows the photo scaled down, and refreshing the step
	// reuses it rather than decrypting the photo again.
	thumb := thumbnails(v.wiz.editor)
	if len(thumb) != 1 || thumb[0] == nil || thumb[0].Bounds().Dx() > 192 || thumb[0].Bounds().Dy() > 144 {
		t.Fatalf("thumbnails: %v", thumb)
	}
	v.wiz.fillPhotos()
	if again := thumbnails(v.wiz.editor); len(again) != 1 || again[0] != thumb[0] {
		t.Error("refreshing the step decoded the thumbnail again")
	}

	// 5. Consent, with the photo of the signed form.
	test.Tap(v.wiz.nextBtn)
	test.Tap(checks(v.wiz.editor)[0])
	v.wiz.attach(dossier.KindConsent, "", []string{jpegFile(t, dir, "phieu-dong-y.jpg", 800, 1100)})
	eventually(t, "the consent form photo", func() bool { return v.wiz.photos.attaching == 0 })
	if !v.wiz.cur.Consent.Given || v.wiz.cur.Consent.Form == "" {
		t.Fatalf("consent: %+v", v.wiz.cur.Consent)
	}

	// 6. Notes and the summary, read back; then seal.
	test.Tap(v.wiz.nextBtn)
	test.Type(entryNamed(v.wiz.editor, "Ghi chú của tình nguyện viên"), "x")
	got = shown(v.wiz.editor)
	for _, want := range []string{"Nguyễn Văn An", "15/03/1980", "001080012345", "Đăng ký khai sinh cho con", "có 1 / "} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q: %q", want, got)
		}
	}
	if v.wiz.sealBtn.Disabled() {
		t.Fatalf("a complete dossier cannot be sealed: %q", got)
	}
	test.Tap(v.wiz.sealBtn)
	confirm(t, u)
	eventually(t, "the dossier to be sealed", func() bool { return v.wiz.cur == nil && v.wiz.sealedID != "" })
	// The demo's sync runs meanwhile, so the dossier may already be on
	// its way: sealed is in its history either way.
	e, err := v.ws.Outbox.Entry(v.wiz.sealedID)
	if err != nil || len(e.History) < 2 || e.History[1].State != outbox.Sealed || e.Initials != "NVA" {
		t.Fatalf("outbox entry: %+v, %v", e, err)
	}
	if list := shown(v.list); !strings.Contains(list, "NVA · Đăng ký khai sinh") {
		t.Errorf("the list does not show the sealed dossier: %q", list)
	}
	if got := shown(v.wiz.editor); !strings.Contains(got, "không còn đọc được") {
		t.Errorf("sealed dossier view: %q", got)
	}
	// The sealed file is for the demo's central server, and holds the notes.
	key, _ := os.ReadFile(filepath.Join(v.adminDir, "central.key"))
	central, err := agekey.ParsePrivate(strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(v.dir, "outbox", e.SealedPath))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	o, err := seal.Open(f, fi.Size(), central)
	if err != nil {
		t.Fatal(err)
	}
	var rec bytes.Buffer
	o.Extract(dossier.PartRecord, &rec)
	if !strings.Contains(rec.String(), `"notes":"x"`) || len(o.Parts()) != 3 {
		t.Errorf("sealed record %s with %d parts", rec.String(), len(o.Parts()))
	}

	// The demo's commune hub and province server run in the app: the
	// dossier travels through them and its receipt comes back, on screen.
	id := v.wiz.sealedID
	eventually(t, "the receipt", func() bool {
		e, _ := v.ws.Outbox.Entry(id)
		return e.State == outbox.Receipted
	})
	eventually(t, "the receipt code on screen", func() bool { return strings.Contains(shown(v.wiz.editor), "Biên nhận: DH-") })
	e, _ = v.ws.Outbox.Entry(id)
	if got := shown(v.wiz.editor); !strings.Contains(got, e.Receipt) || !strings.Contains(got, "ki-ốt") {
		t.Errorf("sealed view after the receipt: %q", got)
	}
	eventually(t, "the totals", func() bool { return strings.Contains(shown(v.sync.box), "Có biên nhận 1") })
	// Nothing left to send or receive: in step with the hub since then.
	eventually(t, "the device in step with its hub", func() bool {
		got := shown(v.sync.box)
		return strings.Contains(got, "Đã kết nối với trạm xã") && strings.Contains(got, "Đã khớp với trạm xã từ")
	})
	if got := shown(v.list); !strings.Contains(got, "Đã có biên nhận") {
		t.Errorf("the list after the receipt: %q", got)
	}
	// The office moves it on (the device records the status from the
	// receipt and tells the screen): the list says so at once.
	if err := v.ws.Outbox.SetProgress(id, []outbox.Progress{{Status: receipt.ResultReady, At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	v.refreshSync()
	if got := shown(v.list); !strings.Contains(got, "Đã có kết quả") || strings.Contains(got, "Đã có biên nhận") {
		t.Errorf("the list after the result is ready: %q", got)
	}
	// A long status does not widen the list and push the page aside.
	if w := v.list.MinSize().Width; w > 340 {
		t.Errorf("the list needs %.0f wide with the result's status, more than 340", w)
	}
	// The dossier's page says it first too, above its history.
	page := shown(v.wiz.editor)
	if i, j := strings.Index(page, "Đã có kết quả"), strings.Index(page, "Bản nháp"); i < 0 || i > j {
		t.Errorf("the dossier's page after the result is ready: %q", page)
	}
}

// TestVolunteerWrongPassphrase locks the vault, types a wrong passphrase
// five times, meets the back-off, and then opens everything with the right
// passphrase typed in another Unicode form.
func TestVolunteerWrongPassphrase(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.Local)}
	_, v := startVolunteer(t, vault.Options{IdleTimeout: -1, Now: clock.Now})
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "1.001193")
	test.Tap(button(v.wiz.search.results, "Chọn"))
	test.Tap(button(v.wiz.search.results, "Khai sinh đúng hạn"))
	v.wiz.goStep(3)
	test.Type(entryNamed(v.wiz.editor, "Họ và tên"), "Trần Thị Bình")
	id := v.wiz.cur.ID

	test.Tap(button(v.root, "Khoá"))
	if v.gate.passEntry == nil || !strings.Contains(shown(v.root), "Hồ sơ đang khoá") {
		t.Fatalf("after locking: %q", shown(v.root))
	}
	// The gate's unlock form, alone in a window.
	gw := test.NewTempWindow(t, v.gate.view())
	gw.Resize(fyne.NewSize(700, 520))
	gw.Content().Refresh()
	test.AssertRendersToMarkup(t, "vaultgate_locked.xml", gw.Canvas())
	v.show()
	for i := range 5 {
		v.gate.passEntry.SetText("không phải mật khẩu")
		test.Tap(v.gate.unlockBtn)
		want := "Sai mật khẩu. Hãy kiểm tra bộ gõ"
		if i == 4 {
			want = "Nhập sai mật khẩu quá nhiều lần" // the fifth starts the back-off
		}
		if got := shown(v.root); !strings.Contains(got, want) {
			t.Fatalf("wrong passphrase %d: %q", i+1, got)
		}
	}
	v.gate.passEntry.SetText(volunteerPass)
	test.Tap(v.gate.unlockBtn)
	if got := shown(v.root); !strings.Contains(got, "thử lại sau") || !v.ws.Vault.Locked() {
		t.Fatalf("sixth attempt: %q", got)
	}
	clock.t = clock.t.Add(time.Hour)
	v.gate.passEntry.SetText(norm.NFD.String(volunteerPass)) // typed with combining accents
	test.Tap(v.gate.unlockBtn)
	if v.ws.Vault.Locked() {
		t.Fatalf("the right passphrase in NFD does not unlock: %q", shown(v.root))
	}
	d, err := v.ws.Desk.Load(id)
	if err != nil || d.Villager.FullName != "Trần Thị Bình" {
		t.Fatalf("the draft after the back-off: %+v, %v", d, err)
	}
	if !strings.Contains(shown(v.list), "TTB · Đăng ký khai sinh") {
		t.Errorf("list: %q", shown(v.list))
	}
}

// TestVolunteerIdleLockKeepsEdits lets the vault lock itself right after
// an edit, before the edit's save: the edit is saved once unlocked.
func TestVolunteerIdleLockKeepsEdits(t *testing.T) {
	_, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "1.001193")
	test.Tap(button(v.wiz.search.results, "Chọn"))
	test.Tap(button(v.wiz.search.results, "Khai sinh đúng hạn"))
	v.wiz.goStep(3)
	// The timer starts now, so that only the edit races it, however slow
	// the set-up was.
	v.ws.Vault.SetIdleTimeout(300 * time.Millisecond)
	test.Type(entryNamed(v.wiz.editor, "Họ và tên"), "Lò Văn Pá")
	id := v.wiz.cur.ID
	eventually(t, "the vault to lock itself", func() bool { return v.gate.passEntry != nil && v.ws.Vault.Locked() })
	if got := shown(v.root); !strings.Contains(got, "Đã tự khoá") {
		t.Errorf("the unlock view does not say why: %q", got)
	}
	v.gate.passEntry.SetText(volunteerPass)
	test.Tap(v.gate.unlockBtn)
	d, err := v.ws.Desk.Load(id)
	if err != nil || d.Villager.FullName != "Lò Văn Pá" {
		t.Fatalf("the edit made just before the lock: %+v, %v", d, err)
	}
}

// TestVolunteerPassphraseChangeAndRecovery changes the passphrase through
// its dialog, then forgets it and sets a new one with the administrator's
// recovery key; the draft of a minor, with the guardian asked for, is
// still there at the end.
func TestVolunteerPassphraseChangeAndRecovery(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "1.001193")
	test.Tap(button(v.wiz.search.results, "Chọn"))
	test.Tap(button(v.wiz.search.results, "Khai sinh đúng hạn"))
	v.wiz.goStep(3)
	test.Type(entryNamed(v.wiz.editor, "Họ và tên"), "Hà Thị Mỷ")
	test.Type(entryNamed(v.wiz.editor, "Ngày sinh"), "01/06/2012")
	v.wiz.goStep(4)
	if got := shown(v.wiz.editor); !strings.Contains(got, "dưới 18 tuổi") || entryNamed(v.wiz.editor, "Họ tên người giám hộ") == nil {
		t.Errorf("a minor's consent step does not ask for the guardian: %q", got)
	}
	id := v.wiz.cur.ID

	// Change the passphrase in its dialog.
	test.Tap(button(v.root, "Đổi mật khẩu"))
	dlg := u.win.Canvas().Overlays().Top()
	test.Type(entryNamed(dlg, "Mật khẩu hiện tại"), volunteerPass)
	test.Type(entryNamed(dlg, "Mật khẩu mới"), "mật khẩu mới của tổ")
	test.Type(entryNamed(dlg, "Nhập lại mật khẩu"), "mật khẩu mới của tổ")
	test.Tap(button(dlg, "Đổi mật khẩu"))
	if got := v.foot.status.Text; got != "Đã đổi mật khẩu." {
		t.Fatalf("after changing the passphrase: status %q, dialog %q", got, shown(dlg))
	}

	// Forget it: recover with the administrator's key.
	test.Tap(button(v.root, "Khoá"))
	test.Tap(button(v.root, "Quên mật khẩu"))
	key, err := os.ReadFile(filepath.Join(v.adminDir, "recovery.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.gate.recover("dinh-recovery-key-sai", "mật khẩu thứ ba", "mật khẩu thứ ba"); err == nil || !strings.Contains(gateText(err), "không đúng định dạng") {
		t.Errorf("a malformed recovery key: %v", err)
	}
	test.Type(entryNamed(v.root, "Khoá khôi phục"), strings.TrimSpace(string(key)))
	test.Type(entryNamed(v.root, "Mật khẩu mới"), "mật khẩu thứ ba")
	test.Type(entryNamed(v.root, "Nhập lại mật khẩu"), "mật khẩu thứ ba")
	test.Tap(button(v.root, "Đặt mật khẩu mới"))
	if v.ws.Vault.Locked() {
		t.Fatalf("recovery did not unlock: %q", shown(v.root))
	}
	d, err := v.ws.Desk.Load(id)
	if err != nil || d.Villager.FullName != "Hà Thị Mỷ" {
		t.Fatalf("the draft after recovery: %+v, %v", d, err)
	}
	test.Tap(button(v.root, "Khoá"))
	v.gate.passEntry.SetText("mật khẩu thứ ba")
	test.Tap(v.gate.unlockBtn)
	if v.ws.Vault.Locked() {
		t.Errorf("the recovered passphrase does not unlock: %q", shown(v.root))
	}
}

// TestVolunteerSyncSettings is a device outside the demo: no settings at
// first, a mistyped hub ID refused in words, then the administrator's
// settings typed in, the dossier receipted through the hub, the hub gone
// (the panel says so and the dossier stays), and the hub back.
func TestVolunteerSyncSettings(t *testing.T) {
	a := test.NewTempApp(t)
	ifs, err := discovery.Interfaces([]string{"lo"})
	if err != nil {
		testenv.Skip(t, "no loopback interface: %v", err)
	}
	i18n.SetLanguage("vi")
	data := t.TempDir()
	u, err := New(a, Config{DataDir: data, Ifaces: ifs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close(); ui.Drain() })
	u.win.Resize(fyne.NewSize(1280, 800))
	u.win.Show()
	u.Start()
	v := u.volunteer
	v.opts.KDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	u.tabs.SelectIndex(2)
	cpub, cpriv, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	if err := v.gate.setUp(volunteerPass, volunteerPass, cpub.String(), rpub.String()); err != nil {
		t.Fatal(err)
	}
	v.show()
	if got := shown(v.sync.box); !strings.Contains(got, "chưa được cài đặt đồng bộ") {
		t.Fatalf("a device without settings: %q", got)
	}
	id := dossiertest.SealOne(t, v.ws.Desk, "Lò Thị Mai")

	// The administrator's province: a hub and central on loopback.
	devID, err := field.DeviceID(v.dir)
	if err != nil {
		t.Fatal(err)
	}
	var hubAddr, cenAddr string
	// province runs the demo province until its stop is called.
	type province struct {
		*demoprovince.Province
		stop func()
	}
	startProvince := func() province {
		p, err := demoprovince.New(demoprovince.Config{Dir: filepath.Join(data, "province"), Key: cpriv, Device: devID,
			HubAddr: hubAddr, CentralAddr: cenAddr})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.Run(ctx); close(done) }()
		return province{p, sync.OnceFunc(func() { cancel(); <-done })}
	}
	p := startProvince()
	defer func() { p.stop() }()
	hubAddr, cenAddr = p.Settings.HubAddr, p.CentralAddr

	test.Tap(button(v.sync.box, "Cài đặt đồng bộ"))
	dlg := u.win.Canvas().Overlays().Top()
	idShown := false
	walk(dlg, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Text == devID {
			idShown = true
		}
	})
	if !idShown {
		t.Fatalf("the dialog does not show the device ID to enrol: %q", shown(dlg))
	}
	s := p.Settings
	for label, val := range map[string]string{"Mã xã": s.Commune, "Mã thiết bị của trạm xã": s.Hub[:20], "Địa chỉ trạm xã": s.HubAddr,
		"Mã thiết bị của máy chủ tỉnh": s.Central, "Máy này nhận kết nối tại": s.Listen} {
		e := entryNamed(dlg, label)
		if e == nil {
			t.Fatalf("no %q in the dialog", label)
		}
		e.SetText(val)
	}
	test.Tap(button(dlg, "Lưu và kết nối"))
	if got := shown(dlg); !strings.Contains(got, "Mã thiết bị của trạm xã không đúng") {
		t.Fatalf("a mistyped hub ID: %q", got)
	}
	entryNamed(dlg, "Mã thiết bị của trạm xã").SetText(s.Hub)
	test.Tap(button(dlg, "Lưu và kết nối"))
	if u.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("the dialog stayed open: %q", shown(dlg))
	}
	eventually(t, "the receipt", func() bool {
		e, _ := v.ws.Outbox.Entry(id)
		return e.State == outbox.Receipted && strings.Contains(shown(v.sync.box), "Có biên nhận 1")
	})
	if got := shown(v.sync.box); !strings.Contains(got, "Đã kết nối với trạm xã") {
		t.Errorf("connected: %q", got)
	}

	// The hub goes away: the panel says so; a new sealed dossier waits.
	p.stop()
	eventually(t, "the panel to say the hub is gone", func() bool { return strings.Contains(shown(v.sync.box), "Chưa kết nối với trạm xã") })
	id2 := dossiertest.SealOne(t, v.ws.Desk, "Lò Thị Mai")
	eventually(t, "the new dossier to wait", func() bool { return strings.Contains(shown(v.sync.box), "Chờ gửi 1") })
	p = startProvince()
	eventually(t, "the second receipt once the hub is back", func() bool {
		e, _ := v.ws.Outbox.Entry(id2)
		return e.State == outbox.Receipted
	})
	// Locked, the screen says the sync goes on.
	v.lock()
	eventually(t, "the lock screen's sync line", func() bool {
		return strings.Contains(shown(v.root), "Đồng bộ vẫn chạy khi hồ sơ đang khoá: 0 hồ sơ chờ gửi, 2 đã có biên nhận")
	})
	if kept, err := field.LoadSettings(v.dir); err != nil || kept.Hub != s.Hub {
		t.Errorf("settings kept: %+v, %v", kept, err)
	}
}

// TestCatalogRefusal: the sync panel says why a published catalogue was
// not taken, in Vietnamese, differently for each reason.
func TestCatalogRefusal(t *testing.T) {
	i18n.SetLanguage("vi")
	tests := []struct {
		err  error
		want string
	}{
		{field.ErrCatalogNotCentral, "không do máy chủ tỉnh phát hành"},
		{fmt.Errorf("%w: line 3", field.ErrCatalogInvalid), "bị hỏng"},
		{fmt.Errorf("%w: 2026-12-01, in use 2027-01-15", field.ErrCatalogOlder), "cũ hơn"},
	}
	for _, tt := range tests {
		if got := catalogRefusal(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("catalogRefusal(%v) = %q, want it to say %q", tt.err, got, tt.want)
		}
	}
}

// TestFooterFollowsLanguageAndClears: the message under the wizard is
// said again in the new language after a switch, and goes once the
// volunteer turns to another dossier, where it is no longer true.
func TestFooterFollowsLanguageAndClears(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "khai sinh")
	test.Tap(button(v.wiz.search.results, "Chọn"))
	test.Tap(button(v.wiz.search.results, "Khai sinh đúng hạn"))
	v.wiz.goStep(3)
	test.Type(entryNamed(v.wiz.editor, "Họ và tên"), "x") // nothing is saved until something changes
	v.wiz.saveNow()
	if got := v.foot.status.Text; !strings.HasPrefix(got, "Đã lưu lúc ") {
		t.Fatalf("after saving the footer says %q", got)
	}
	var sel *widget.Select
	walkRendered(u.win.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && slices.Contains(s.Options, "English") {
			sel = s
		}
	})
	sel.SetSelected("English")
	defer func() { i18n.SetLanguage("vi"); fyneLanguage("vi") }()
	if got := v.foot.status.Text; !strings.HasPrefix(got, "Saved at ") {
		t.Errorf("after the switch to English the footer says %q", got)
	}
	v.wiz.startNew()
	if got := v.foot.status.Text; got != "" {
		t.Errorf("on a new dossier the footer still says %q", got)
	}
}

// TestRefusalIsShown: a dossier central refused says so in the list, and
// its view says why and what to do in words: for one sealed for another
// key, both keys; for a copy the device sent again by itself, that no one
// has to act.
func TestRefusalIsShown(t *testing.T) {
	_, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	v.stopSync() // the demo province would receipt it first
	id := dossiertest.SealOne(t, v.ws.Desk, "Phạm Thị Thu")
	for _, step := range []func(string) error{v.ws.Outbox.Queue, v.ws.Outbox.MarkDelivered} {
		if err := step(id); err != nil {
			t.Fatal(err)
		}
	}
	const theirs = "age1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzcen002"
	if err := v.ws.Outbox.MarkRejected(id, outbox.Rejection{Reason: receipt.OtherKey, CentralKey: theirs, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	v.refreshList()
	if got := shown(v.list); !strings.Contains(got, "Tỉnh từ chối, cần xử lý") {
		t.Errorf("the list: %q", got)
	}
	if v.sync.box == nil {
		t.Fatal("no sync panel on the volunteer's list")
	}
	v.refreshSync()
	if got := shown(v.sync.box); !strings.Contains(got, "1 hồ sơ bị máy chủ tỉnh từ chối") {
		t.Errorf("the sync panel: %q", got)
	}
	v.wiz.open(id, outbox.Queued)
	mine := v.ws.Setup.Central.String()
	got := shown(v.wiz.editor)
	for _, want := range []string{mine[:10] + "…" + mine[len(mine)-6:], "age1zzzzzz…cen002", "central.pub"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dossier's view lacks %q: %q", want, got)
		}
	}

	if err := v.ws.Outbox.MarkRejected(id, outbox.Rejection{Reason: receipt.NotFromDevice, At: time.Now().Add(time.Minute), Resent: true}); err != nil {
		t.Fatal(err)
	}
	v.refreshList()
	v.wiz.open(id, outbox.Queued)
	if got := shown(v.list); strings.Contains(got, "từ chối") {
		t.Errorf("a refusal mended by itself still asks for action in the list: %q", got)
	}
	if got := shown(v.wiz.editor); !strings.Contains(got, "tự động gửi lại") {
		t.Errorf("the view of a copy sent again: %q", got)
	}
}

// TestRekeyInTheApp: a dossier central refused as sealed for another key
// offers to choose the right central.pub; a private key or the key in use
// is refused in words; the right one, once the volunteer agrees, becomes
// the key this device seals for, and the dossier is sealed again for it.
func TestRekeyInTheApp(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	v.stopSync() // the demo province holds the old key: it would refuse again
	c := u.win.Canvas()
	id := dossiertest.SealOne(t, v.ws.Desk, "Phạm Thị Thu")
	for _, step := range []func(string) error{v.ws.Outbox.Queue, v.ws.Outbox.MarkDelivered} {
		if err := step(id); err != nil {
			t.Fatal(err)
		}
	}
	theirs, theirPriv, _ := agekey.Generate()
	if err := v.ws.Outbox.MarkRejected(id, outbox.Rejection{Reason: receipt.OtherKey, CentralKey: theirs.String(), At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	v.wiz.open(id, outbox.Queued)
	if button(v.wiz.editor, "Chọn tệp central.pub đúng") == nil {
		t.Fatalf("the refused dossier offers no key to choose: %q", shown(v.wiz.editor))
	}

	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text+"\n"), 0o600)
		return p
	}
	v.wiz.rekey(file("central.key", theirPriv.String()))
	if got := v.foot.status.Text; !strings.Contains(got, "khoá bí mật") || c.Overlays().Top() != nil {
		t.Errorf("a private key: footer %q, a question asked %v", got, c.Overlays().Top() != nil)
	}
	v.wiz.rekey(file("mine.pub", v.ws.Setup.Central.String()))
	if got := v.foot.status.Text; !strings.Contains(got, "khoá máy đang dùng") {
		t.Errorf("the key in use: footer %q", got)
	}

	v.wiz.rekey(file("central.pub", theirs.String()))
	q := c.Overlays().Top()
	short := theirs.String()[:10] + "…" + theirs.String()[len(theirs.String())-6:]
	if q == nil || !strings.Contains(shown(q), short) || !strings.Contains(shown(q), "niêm phong lại 1 hồ sơ") {
		t.Fatal("the question does not name the key and the dossiers")
	}
	test.Tap(button(q, "Đổi khoá máy chủ tỉnh"))
	eventually(t, "the dossier sealed again", func() bool { return strings.Contains(v.foot.status.Text, "niêm phong lại 1 hồ sơ") })
	if e, _ := v.ws.Outbox.Entry(id); e.State != outbox.Sealed {
		t.Errorf("the dossier is %s after the new key, want sealed again", e.State)
	}
	if !v.ws.Setup.Central.Equal(theirs) {
		t.Error("the device still seals for the old key")
	}
	if b, err := os.ReadFile(filepath.Join(v.dir, "setup.json")); err != nil || !strings.Contains(string(b), theirs.String()) {
		t.Errorf("the key kept on disk: %s, %v", b, err)
	}
}

// TestFindADossier: the volunteer's list narrows to what is typed (the
// villager's initials, the receipt code however it is typed, the
// procedure's name without accents, a date) and to the state chosen; a
// search that finds nothing says so.
func TestFindADossier(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	v.stopSync()
	dossiertest.SealOne(t, v.ws.Desk, "Phạm Thị Thu")
	pa := dossiertest.SealOne(t, v.ws.Desk, "Lò Văn Pá")
	for _, step := range []func(string) error{v.ws.Outbox.Queue, v.ws.Outbox.MarkDelivered} {
		if err := step(pa); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.ws.Outbox.MarkReceipted(pa, "DH-7K3M-9QXA", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ws.Desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil); err != nil {
		t.Fatal(err)
	}
	v.refreshList()
	today := time.Now().Format("02/01/2006")
	tests := []struct {
		typed, state string
		want, not    []string
	}{
		{"", "Mọi hồ sơ", []string{"PTT", "LVP", "—"}, nil},
		{"ptt", "Mọi hồ sơ", []string{"PTT"}, []string{"LVP", "—"}},
		{"dh 7k3m 9qxa", "Mọi hồ sơ", []string{"LVP"}, []string{"PTT"}},
		{"7K3M9QXA", "Mọi hồ sơ", []string{"LVP"}, []string{"PTT"}},
		{"dang ky khai sinh " + today, "Mọi hồ sơ", []string{"PTT", "LVP", "—"}, nil},
		{"", "Hồ sơ nháp", []string{"—"}, []string{"PTT", "LVP"}},
		{"", "Đã có biên nhận", []string{"LVP"}, []string{"PTT", "—"}},
		{"", "Đang chờ biên nhận", []string{"PTT"}, []string{"LVP", "—"}},
		{"", "Cần xử lý", []string{"Không có hồ sơ nào khớp"}, []string{"PTT", "LVP"}},
		{"pá thu", "Mọi hồ sơ", []string{"Không có hồ sơ nào khớp"}, []string{"PTT", "LVP"}},
	}
	for _, tt := range tests {
		v.find.entry.SetText(tt.typed)
		v.find.state.SetSelected(tt.state)
		got := shown(v.list)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q, %s: the list lacks %q: %q", tt.typed, tt.state, w, got)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(got, w) {
				t.Errorf("%q, %s: the list shows %q: %q", tt.typed, tt.state, w, got)
			}
		}
	}

	// A language switch keeps the search.
	v.find.entry.SetText("ptt")
	v.find.state.SetSelected("Đang chờ biên nhận")
	var lang *widget.Select
	walkRendered(u.win.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && slices.Contains(s.Options, "English") {
			lang = s
		}
	})
	if lang == nil {
		t.Fatal("no language choice on screen")
	}
	lang.SetSelected("English")
	defer func() { i18n.SetLanguage("vi"); fyneLanguage("vi") }()
	if got := shown(v.list); v.find.entry.Text != "ptt" || v.find.state.Selected != "Waiting for a receipt" || !strings.Contains(got, "PTT") || strings.Contains(got, "LVP") {
		t.Errorf("after the switch: search %q, state %q, list %q", v.find.entry.Text, v.find.state.Selected, got)
	}
}

// TestReceiptSlip: a receipted dossier offers the villager's slip; it
// shows the slip as it prints (drawn by MuPDF), with the receipt code, the
// procedure, the initials and the day the result is expected, and nothing
// more of the villager: not the name, not the citizen ID.
func TestReceiptSlip(t *testing.T) {
	u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
	v.stopSync()
	id := dossiertest.SealOne(t, v.ws.Desk, "Phạm Thị Thu")
	for _, step := range []func(string) error{v.ws.Outbox.Queue, v.ws.Outbox.MarkDelivered} {
		if err := step(id); err != nil {
			t.Fatal(err)
		}
	}
	friday := time.Date(2026, 12, 4, 10, 0, 0, 0, time.Local)
	if err := v.ws.Outbox.MarkReceipted(id, "DH-7K3M-9QXA", friday); err != nil {
		t.Fatal(err)
	}
	v.wiz.open(id, outbox.Receipted)
	b := button(v.wiz.editor, "Phiếu hẹn cho người dân")
	if b == nil {
		t.Fatalf("a receipted dossier offers no slip: %q", shown(v.wiz.editor))
	}
	test.Tap(b)
	d := u.win.Canvas().Overlays().Top()
	if d == nil {
		t.Fatal("no slip shown")
	}
	var picture *canvas.Image
	walk(d, func(o fyne.CanvasObject) {
		if i, ok := o.(*canvas.Image); ok && i.Image != nil {
			picture = i
		}
	})
	if picture == nil || picture.Image.Bounds().Dx() < 300 {
		t.Fatal("the slip is not drawn on screen")
	}
	if button(d, "Lưu PDF") == nil || !strings.Contains(shown(d), "DH-7K3M-9QXA") {
		t.Errorf("the slip's dialog: %q", shown(d))
	}

	e, _ := v.ws.Outbox.Entry(id)
	s := v.wiz.slipOf(e)
	var all []string
	for _, r := range s.Rows {
		all = append(all, r.Label+": "+r.Value)
	}
	text := strings.Join(append(all, s.Title, s.Code, strings.Join(s.Follow, " ")), "\n")
	// The procedure's longest case takes 3 working days: received on a
	// Friday, the result is expected from the Wednesday after.
	for _, want := range []string{"DH-7K3M-9QXA", "Đăng ký khai sinh (1.001193)", "PTT", "04/12/2026", "từ ngày 09/12/2026", "ki-ốt"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"Phạm", "Thu", "001090012345"} {
		if strings.Contains(text, never) {
			t.Errorf("the slip shows the villager's %q:\n%s", never, text)
		}
	}
}

// TestLastSyncSaysInStep: a device connected to its hub with nothing to
// send or receive says it is in step since its last sync, not only when
// that was (which read as "no sync for twenty minutes").
func TestLastSyncSaysInStep(t *testing.T) {
	at := time.Now().Add(-20 * time.Minute)
	tests := []struct {
		st      field.DeviceStatus
		waiting int
		want    string
	}{
		{field.DeviceStatus{}, 0, "Chưa đồng bộ"},
		{field.DeviceStatus{HubConnected: true, LastSync: at}, 0, "Đã khớp với trạm xã từ "},
		{field.DeviceStatus{HubConnected: true, LastSync: at, SendFiles: 2}, 2, "Đồng bộ lần cuối: "},
		{field.DeviceStatus{HubConnected: true, LastSync: at, RecvFiles: 1}, 0, "Đồng bộ lần cuối: "},
		{field.DeviceStatus{HubConnected: true, LastSync: at}, 1, "Đồng bộ lần cuối: "},
		{field.DeviceStatus{LastSync: at}, 0, "Đồng bộ lần cuối: "},
	}
	for _, tt := range tests {
		if got := lastSync(tt.st, tt.waiting); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%+v, %d waiting: %q, want it to start %q", tt.st, tt.waiting, got, tt.want)
		}
	}
}
