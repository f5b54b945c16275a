package app

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/app/internal/uiqueue"
	"dinh/assets"
	"dinh/internal/i18n"
	"dinh/internal/testenv"
	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/sync/discovery"
	"dinh/sync/lan"
	"dinh/sync/room"
)

// ui stands in for the Fyne event loop: everything the app posts from
// background goroutines runs on the test goroutine, between test steps.
var ui = uiqueue.New()

func TestMain(m *testing.M) {
	post = ui.Post
	os.Exit(m.Run())
}

// eventually runs the app's posted UI work until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ui.WaitFor(t, what, cond)
}

func startDemo(t *testing.T) *UI {
	t.Helper()
	return startDemoIn(t, t.TempDir())
}

func startDemoIn(t *testing.T, dataDir string) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	ifs, err := discovery.Interfaces([]string{"lo"})
	if err != nil {
		testenv.Skip(t, "no loopback interface: %v", err)
	}
	i18n.SetLanguage("vi")
	u, err := New(a, Config{DataDir: dataDir, Ifaces: ifs, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		u.Close()
		ui.Drain() // what the closed app posted must not run in the next test
	})
	u.win.Resize(fyne.NewSize(1280, 800))
	u.win.Show()
	u.Start()
	return u
}

// findButton returns the first button whose text contains s.
func findButton(o fyne.CanvasObject, s string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if strings.Contains(v.Text, s) {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, s); b != nil {
				return b
			}
		}
	case *widget.Card:
		if v.Content != nil {
			return findButton(v.Content, s)
		}
	}
	return nil
}

// TestDelegateFlow drives the demo as a delegate would: the meeting is
// found and downloaded, the agenda lists its items, a document opens in the
// viewer, a search highlights hits, and a republished agenda arrives with a
// summary of what changed.
func TestDelegateFlow(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	m := demo.Meeting()

	// The agenda lists every item (plus a trailing spacer) once downloaded,
	// and the status says everything is there.
	eventually(t, "the demo meeting to download with its whole agenda", func() bool {
		return d.pane.state == lan.UpToDate && d.pane.man != nil && len(d.pane.agenda.Objects) == len(m.Agenda)+1 &&
			strings.Contains(d.pane.status.Text, "Đã có đủ tài liệu")
	})
	// The meeting's time as Vietnamese forms write it, its weekday too.
	var details string
	fyne.DoAndWait(func() { details = d.pane.details.Text })
	if want := "08:00, thứ Năm 03/12/2026"; !strings.Contains(details, want) {
		t.Errorf("the meeting's details say %q, want %q", details, want)
	}

	// The first document opens by itself in the demo; open another by tapping.
	eventually(t, "the first document to open", func() bool { return d.doc.viewer != nil })
	btn := findButton(d.pane.agenda, "to-trinh-du-toan-2027.pdf")
	if btn == nil || btn.Disabled() {
		t.Fatal("the budget report is not offered as a readable document")
	}
	test.Tap(btn)
	eventually(t, "the budget report in the viewer", func() bool {
		return d.doc.viewer != nil && d.doc.title.Text == "to-trinh-du-toan-2027.pdf"
	})
	d.doc.viewer.Search("ngan sach")
	eventually(t, "search hits", func() bool { return d.doc.viewer.Hits() > 0 })

	// The secretariat adds a late document and republishes.
	late := filepath.Join(t.TempDir(), "bo-sung.pdf")
	f, _ := os.Create(late)
	demo.WritePDF(f, demo.PDFSpec{Title: "Tài liệu bổ sung", Pages: 2, Seed: 9})
	f.Close()
	fyne.DoAndWait(func() {
		u.host.m.Agenda = append(u.host.m.Agenda, meeting.Item{Title: "Nội dung bổ sung", Documents: []string{"bo-sung.pdf"}})
		u.host.paths["bo-sung.pdf"] = late
		u.host.publish()
	})
	eventually(t, "the update banner and the new document in the agenda", func() bool {
		return d.pane.banner != "" && d.pane.man != nil && d.pane.man.Version == 2 && findButton(d.pane.agenda, "bo-sung.pdf") != nil
	})
	if !strings.Contains(d.pane.banner, "thêm 1 tài liệu (bo-sung.pdf)") {
		t.Fatalf("banner %q does not say what changed", d.pane.banner)
	}
}

// TestHostRefusesABrokenDocument: a damaged PDF added to the agenda is
// refused by name before anything is published; the host screen says
// which file and why, in words, and delegates keep the version they have.
func TestHostRefusesABrokenDocument(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	eventually(t, "the demo meeting", func() bool { return d.pane.state == lan.UpToDate && d.pane.man != nil })
	broken := filepath.Join(t.TempDir(), "hong.pdf")
	os.WriteFile(broken, []byte("%PDF-1.7\n1 0 obj << /Type /Catalog"), 0o644)
	var version int64
	var shownText string
	var err error
	fyne.DoAndWait(func() {
		version = u.host.man.Version
		u.host.m.Agenda[0].Documents = append(u.host.m.Agenda[0].Documents, "hong.pdf")
		u.host.paths["hong.pdf"] = broken
		u.host.publish()
		err, shownText = u.host.err, shown(u.host.published)
	})
	var de *lan.DocumentError
	if !errors.As(err, &de) || de.Name != "hong.pdf" {
		t.Fatalf("publishing a damaged PDF: got %v, want it refused by name", err)
	}
	if want := i18n.T("host.err.document", "hong.pdf", i18n.T("err.pdf_corrupt")); !strings.Contains(shownText, want) {
		t.Errorf("the host screen shows %q, want %q", shownText, want)
	}
	if got := u.host.host.Manifest().Version; got != version {
		t.Errorf("the host serves version %d after the refusal, want %d", got, version)
	}
}

func TestHostShowsFingerprint(t *testing.T) {
	u := startDemo(t)
	fp := u.host.host.Fingerprint().Short()
	found := false
	fyne.DoAndWait(func() {
		for _, o := range u.host.published.Objects {
			if c, ok := o.(*canvas.Text); ok && c.Text == fp {
				found = true
			}
		}
	})
	if !found {
		t.Fatalf("fingerprint %s not shown on the host screen", fp)
	}
}

func TestTranslationsComplete(t *testing.T) {
	if m := i18n.Missing(); len(m) > 0 {
		t.Fatalf("messages missing a translation: %v", m)
	}
}

// texts returns every text drawn under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *canvas.Text:
		out = append(out, v.Text)
	case *widget.Label:
		out = append(out, v.Text)
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, texts(c)...)
		}
	case *widget.Card:
		if v.Content != nil {
			out = append(out, texts(v.Content)...)
		}
	case *container.Scroll:
		out = append(out, texts(v.Content)...)
	case *container.Split:
		out = append(out, texts(v.Leading)...)
		out = append(out, texts(v.Trailing)...)
	}
	return out
}

// badgesOf returns the texts drawn under the named document in the agenda.
func badgesOf(d *delegateScreen, name string) string {
	for _, card := range d.pane.agenda.Objects {
		c, ok := card.(*widget.Card)
		if !ok {
			continue
		}
		box := c.Content.(*fyne.Container)
		for i, o := range box.Objects {
			if b, ok := o.(*widget.Button); ok && b.Text == name && i+1 < len(box.Objects) {
				return strings.Join(texts(box.Objects[i+1]), " | ")
			}
		}
	}
	return ""
}

// TestSignatureVerdicts checks the badges in the agenda and the signature
// panel: the demo host bundles its made-up root, so the budget report's two
// signatures are valid on the delegate; the delegate's own trust folder
// holds a root the host lacks, so its verdict on the economic report
// differs from the host's, and that is flagged.
func TestSignatureVerdicts(t *testing.T) {
	data := t.TempDir()
	hostDir := filepath.Join(data, "host")
	if _, err := demo.WriteSignedFolder(filepath.Join(hostDir, "demo-meeting"), filepath.Join(hostDir, "demo-ca"), room.TrustFolder(hostDir)); err != nil {
		t.Fatal(err)
	}
	_, outside, err := demo.Roots(filepath.Join(hostDir, "demo-ca"))
	if err != nil {
		t.Fatal(err)
	}
	trust := room.TrustFolder(filepath.Join(data, "delegate"))
	os.MkdirAll(trust, 0o755)
	if err := os.WriteFile(filepath.Join(trust, "root.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: outside.Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	u := startDemoIn(t, data)
	d := u.delegate
	want := map[string]string{
		"to-trinh-du-toan-2027.pdf":       "Chữ ký số hợp lệ",
		"du-thao-nghi-quyet.pdf":          "Chữ ký số hợp lệ",
		"chuong-trinh-ky-hop.pdf":         "Không có chữ ký số",
		"bao-cao-kinh-te-xa-hoi-2026.pdf": "Chữ ký số hợp lệ | Khác kết quả của máy chủ trì",
	}
	for name, badge := range want {
		eventually(t, name+" to show "+badge, func() bool { return badgesOf(d, name) == badge })
	}

	fyne.DoAndWait(func() { test.Tap(findButton(d.pane.agenda, "to-trinh-du-toan-2027.pdf")) })
	eventually(t, "the budget report to open", func() bool { return d.doc.viewer != nil && d.doc.name == "to-trinh-du-toan-2027.pdf" })
	if d.doc.sigShown {
		t.Error("the signature panel opened by itself for a valid document")
	}
	fyne.DoAndWait(func() { test.Tap(d.doc.sigButton) })
	var panel string
	fyne.DoAndWait(func() { panel = strings.Join(texts(d.doc.content), "\n") })
	for _, s := range []string{"Tài liệu có 2 chữ ký số", "Chữ ký 1/2", "Chữ ký 2/2", "Người ký: Nguyễn Văn Minh – Ủy ban nhân dân xã Tân Trào",
		"Người ký: Ủy ban nhân dân xã Tân Trào", "Kết quả của máy chủ trì: Hợp lệ", "Lý do: Người lập tờ trình"} {
		if !strings.Contains(panel, s) {
			t.Errorf("signature panel lacks %q:\n%s", s, panel)
		}
	}

	// The document whose verdict differs opens with the panel and a warning.
	fyne.DoAndWait(func() { test.Tap(findButton(d.pane.agenda, "bao-cao-kinh-te-xa-hoi-2026.pdf")) })
	eventually(t, "the panel to open by itself with the warning", func() bool {
		return d.doc.sigShown && strings.Contains(strings.Join(texts(d.doc.content), "\n"), "khác với máy chủ trì")
	})
}

// TestFyneSpeaksTheAppsLanguage: Fyne's own words (here its file dialog)
// come in Vietnamese when the app speaks Vietnamese, every one of them
// has a Vietnamese word, and they switch back and forth with the app's
// language, on a system whose locale is another language, which the app
// leaves alone (on Windows it cannot change it).
func TestFyneSpeaksTheAppsLanguage(t *testing.T) {
	test.NewTempApp(t)
	// The system speaks French, which Fyne has: as on Windows, where the
	// app cannot change what Fyne reads, it must not need to.
	t.Setenv("LANGUAGE", "fr")
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	defer fyneLanguage("vi")

	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if err != nil {
		t.Fatalf("finding Fyne's module: %v", err)
	}
	var fyneWords, ours map[string]any
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "lang", "translations", "base.en.json"))
	if err != nil || json.Unmarshal(b, &fyneWords) != nil || json.Unmarshal(assets.FyneVietnamese(), &ours) != nil {
		t.Fatalf("reading the words: %v", err)
	}
	for k := range fyneWords {
		if _, ok := ours[k]; !ok {
			t.Errorf("Fyne's %q has no Vietnamese word in assets/fyne/vi.json", k)
		}
	}
	if !bytes.Equal(b, assets.FyneEnglish()) {
		t.Error("assets/fyne/en.json is not the Fyne module's lang/translations/base.en.json: copy it again")
	}

	// texts are what the file dialog draws, and its buttons.
	texts := func() (drawnTexts, buttons []string) {
		win := test.NewTempWindow(t, widget.NewLabel(""))
		win.Resize(fyne.NewSize(900, 700))
		dialog.NewFileOpen(func(fyne.URIReadCloser, error) {}, win).Show()
		walkRendered(win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text != "" {
				buttons = append(buttons, b.Text)
			}
		})
		return drawn(win.Canvas().Overlays().Top()), buttons
	}
	// The title is Fyne's own join of "Open" and "File": Vietnamese
	// writes no capital inside it.
	for _, l := range []struct{ lang, open, cancel, title string }{
		{"vi", "Mở", "Huỷ", "Mở tệp"}, {"en", "Open", "Cancel", "Open File"}, {"vi", "Mở", "Huỷ", "Mở tệp"},
	} {
		fyneLanguage(l.lang)
		all, got := texts()
		if !slices.Contains(got, l.open) || !slices.Contains(got, l.cancel) {
			t.Errorf("the file dialog in %s has buttons %q, want %s and %s", l.lang, got, l.open, l.cancel)
		}
		if !slices.Contains(all, l.title) {
			t.Errorf("the file dialog in %s is not titled %q: %q", l.lang, l.title, all)
		}
	}
	if os.Getenv("LANGUAGE") != "fr" || os.Getenv("LC_ALL") != "fr_FR.UTF-8" {
		t.Error("the app changed the system's locale")
	}
}

// walkRendered calls fn on o and everything it draws, through every
// widget's renderer.
func walkRendered(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walkRendered(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			walkRendered(c, fn)
		}
	}
}

// TestFitsSmallScreens: every tab, in Vietnamese (the longer words), fits
// a 1024×600 screen and a 1366×768 one at 150 % (910×512): nothing forces
// a window larger than that.
func TestFitsSmallScreens(t *testing.T) {
	u := startDemo(t)
	eventually(t, "the demo meeting", func() bool { return u.delegate.pane.man != nil })
	for i := range 3 {
		var min fyne.Size
		var name string
		fyne.DoAndWait(func() {
			u.tabs.SelectIndex(i)
			name = u.tabs.Items[i].Text
			min = u.win.Content().MinSize()
		})
		if min.Width > 910 || min.Height > 512 {
			t.Errorf("tab %q needs at least %.0f×%.0f, more than 910×512", name, min.Width, min.Height)
		}
	}
	// The delegate's document with its signature panel open.
	var min fyne.Size
	fyne.DoAndWait(func() {
		u.tabs.SelectIndex(0)
		test.Tap(u.delegate.doc.sigButton)
		min = u.win.Content().MinSize()
	})
	if min.Width > 910 || min.Height > 512 {
		t.Errorf("the signature panel needs at least %.0f×%.0f, more than 910×512", min.Width, min.Height)
	}
	// The delegate's notes beside the open document.
	eventually(t, "a document open", func() bool { return u.delegate.doc.viewer != nil })
	fyne.DoAndWait(func() {
		test.Tap(u.delegate.doc.notesButton)
		min = u.win.Content().MinSize()
		if !u.delegate.doc.notesShown {
			t.Error("the notes button does not show the notes")
		}
	})
	if min.Width > 910 || min.Height > 512 {
		t.Errorf("the notes panel needs at least %.0f×%.0f, more than 910×512", min.Width, min.Height)
	}
}

// TestHostNewMeetingAndReplacing: Cuộc họp mới empties the form once the
// secretary says so; publishing a meeting other than the one being served
// asks first, and keeping the served one keeps it on the LAN.
func TestHostNewMeetingAndReplacing(t *testing.T) {
	u := startDemo(t)
	h := u.host
	eventually(t, "the demo meeting published", func() bool {
		var ok bool
		fyne.DoAndWait(func() { ok = h.man != nil })
		return ok
	})
	answer := func(want []string, choose string) {
		t.Helper()
		fyne.DoAndWait(func() {
			var got []string
			var pick *widget.Button
			walkRendered(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok && b.Text != "" {
					got = append(got, b.Text)
					if b.Text == choose {
						pick = b
					}
				}
			})
			slices.Sort(got)
			if !slices.Equal(got, want) || pick == nil {
				t.Fatalf("the question's answers are %q, want %q", got, want)
			}
			test.Tap(pick)
		})
	}
	var served, title string
	fyne.DoAndWait(func() {
		served, title = h.man.Meeting.ID, h.m.Title
		test.Tap(button(u.tabs.Items[1].Content, "Cuộc họp mới"))
	})
	newAnswers := []string{"Bắt đầu cuộc họp mới", "Tiếp tục soạn"}
	answer(newAnswers, "Tiếp tục soạn")
	fyne.DoAndWait(func() {
		if h.m.Title != title {
			t.Errorf("after Tiếp tục soạn the form holds %q, want %q", h.m.Title, title)
		}
		test.Tap(button(u.tabs.Items[1].Content, "Cuộc họp mới"))
	})
	answer(newAnswers, "Bắt đầu cuộc họp mới")

	doc := filepath.Join(t.TempDir(), "khai-mac.pdf")
	f, _ := os.Create(doc)
	demo.WritePDF(f, demo.PDFSpec{Title: "Khai mạc", Pages: 1, Seed: 3})
	f.Close()
	fyne.DoAndWait(func() {
		if h.m.Title != "" || len(h.paths) != 0 {
			t.Errorf("a new meeting's form holds %q and %d files, want it empty", h.m.Title, len(h.paths))
		}
		h.m.Title, h.m.Place = "Họp thôn Đông", "Nhà văn hoá thôn"
		h.m.Agenda = []meeting.Item{{Title: "Khai mạc", Documents: []string{"khai-mac.pdf"}}}
		h.paths["khai-mac.pdf"] = doc
		h.publish()
	})
	replaceAnswers := []string{"Giữ cuộc họp đang phát", "Thay bằng cuộc họp này"}
	answer(replaceAnswers, "Giữ cuộc họp đang phát")
	fyne.DoAndWait(func() {
		if got := h.host.Manifest().Meeting.ID; got != served {
			t.Errorf("after Giữ cuộc họp đang phát the LAN has %s, want %s", got, served)
		}
		h.publish()
	})
	answer(replaceAnswers, "Thay bằng cuộc họp này")
	fyne.DoAndWait(func() {
		if got := h.host.Manifest(); got.Meeting.ID == served || got.Meeting.Title != "Họp thôn Đông" {
			t.Errorf("after Thay bằng cuộc họp này the LAN has %s «%s», want the new meeting", got.Meeting.ID, got.Meeting.Title)
		}
	})
}

// TestLanguageSwitchKeepsWork: switching to English keeps the open
// document, the host's form and where the person put each divider.
func TestLanguageSwitchKeepsWork(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	eventually(t, "the demo document open", func() bool {
		var open bool
		fyne.DoAndWait(func() { open = d.doc.name != "" && u.host.split != nil })
		return open
	})
	var doc, title string
	fyne.DoAndWait(func() {
		d.split.SetOffset(0.5)
		d.split.Leading.(*container.Split).SetOffset(0.6)
		u.host.split.SetOffset(0.4)
		doc, title = d.doc.name, u.host.m.Title
		var sel *widget.Select
		walkRendered(u.win.Content(), func(o fyne.CanvasObject) {
			if s, ok := o.(*widget.Select); ok && slices.Contains(s.Options, "English") {
				sel = s
			}
		})
		if sel == nil {
			t.Fatal("no language choice on screen")
		}
		sel.SetSelected("English")
	})
	defer fyne.DoAndWait(func() { i18n.SetLanguage("vi"); fyneLanguage("vi") })
	fyne.DoAndWait(func() {
		if i18n.Language() != "en" || u.tabs.Items[0].Text == "Đại biểu" {
			t.Errorf("after the switch the language is %s, the first tab %q", i18n.Language(), u.tabs.Items[0].Text)
		}
		for _, s := range []struct {
			name string
			got  float64
			want float64
		}{
			{"the delegate's divider", d.split.Offset, 0.5},
			{"the meeting list's divider", d.split.Leading.(*container.Split).Offset, 0.6},
			{"the host's divider", u.host.split.Offset, 0.4},
		} {
			if math.Abs(s.got-s.want) > 0.01 {
				t.Errorf("%s moved to %.2f, want %.2f", s.name, s.got, s.want)
			}
		}
		if v := d.doc.viewer; v == nil || v.SearchPlaceHolder() != i18n.In("en", "pdfview.search.placeholder") {
			t.Errorf("after the switch the viewer's search field still reads in the old language")
		}
		if d.doc.name != doc || u.host.m.Title != title {
			t.Errorf("after the switch the document is %q and the host's meeting %q, want %q and %q", d.doc.name, u.host.m.Title, doc, title)
		}
	})
}

// TestHostFieldsKeepTheirLabels: every field of the host's form has a
// label that stays once something is typed (a placeholder goes): the
// meeting's and each agenda item's beside them, the participants' above
// their columns.
func TestHostFieldsKeepTheirLabels(t *testing.T) {
	u := startDemo(t)
	fyne.DoAndWait(func() {
		content := u.tabs.Items[1].Content
		labelled := map[*widget.Entry]bool{}
		if got := strings.TrimSpace(shown(u.host.people.Objects[0])); got != "Họ và tên\nChức vụ\nChỗ ngồi" {
			t.Errorf("the participants' columns are headed %q", got)
		}
		walk(u.host.people, func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok {
				labelled[e] = true
			}
		})
		walk(content, func(o fyne.CanvasObject) {
			if f, ok := o.(*widget.Form); ok {
				for _, it := range f.Items {
					if it.Text == "" {
						continue
					}
					walk(it.Widget, func(o fyne.CanvasObject) {
						if e, ok := o.(*widget.Entry); ok {
							labelled[e] = true
						}
					})
				}
			}
		})
		n := 0
		walk(content, func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok {
				n++
				if !labelled[e] {
					t.Errorf("a field holding %q (placeholder %q) has no label", e.Text, e.PlaceHolder)
				}
			}
		})
		if n < 6 {
			t.Errorf("found %d fields on the host's screen, want the meeting's and its agenda's", n)
		}
	})
}

// TestHostTimeIsPicked: the meeting's time is picked (a list of times, a
// calendar) and read back in Vietnamese, "08:00, thứ Năm 03/12/2026";
// nothing asks for a layout string.
func TestHostTimeIsPicked(t *testing.T) {
	u := startDemo(t)
	h := u.host
	fyne.DoAndWait(func() {
		f := h.start
		if !slices.Contains(f.times, "08:00") || !slices.Contains(f.times, "13:30") {
			t.Errorf("the times offered: %q", f.times)
		}
		if f.date.PlaceHolder != "ngày/tháng/năm" {
			t.Errorf("the date's placeholder is %q", f.date.PlaceHolder)
		}
		if got := strings.Join(drawn(h.form), "\n"); !strings.Contains(got, "08:00, thứ Năm 03/12/2026") {
			t.Errorf("the form does not read the time back: %q", got)
		}
		var pick *widget.Button
		walkRendered(h.form, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon == theme.CalendarIcon() {
				pick = b
			}
		})
		if pick == nil {
			t.Fatal("no calendar to pick the date")
		}
		test.Tap(pick)
		// The calendar names its month and days in the app's language,
		// weeks from Monday; its arrows go from month to month.
		cal := f.cal.root
		if got := strings.Join(drawn(cal), " "); !strings.Contains(got, "Tháng 12 năm 2026") || !strings.Contains(got, "T2 T3 T4 T5 T6 T7 CN") || strings.Contains(got, "December") {
			t.Errorf("the calendar reads %q", got)
		}
		var next *widget.Button
		walkRendered(cal, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon == theme.NavigateNextIcon() {
				next = b
			}
		})
		test.Tap(next)
		if got := strings.Join(drawn(cal), " "); !strings.Contains(got, "Tháng 1 năm 2027") {
			t.Errorf("the next month reads %q", got)
		}
		f.cal.show(f.cal.month.AddDate(0, -1, 0))
		var day *widget.Button
		walkRendered(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == "7" {
				day = b
			}
		})
		if day == nil {
			t.Fatal("the calendar shows no 7th")
		}
		test.Tap(day)
		f.hour.SetText("13:30")
		if got := h.m.Start; got.Day() != 7 || got.Hour() != 13 || got.Minute() != 30 {
			t.Errorf("after picking the 7th at 13:30 the meeting starts %v", got)
		}
		if got := strings.Join(drawn(h.form), "\n"); !strings.Contains(got, "13:30, thứ Hai 07/12/2026") {
			t.Errorf("the form reads back %q", got)
		}
	})
}

// TestHostSeesEachDelegate: the host's screen lists each delegate's
// device with the version it holds whole and since when; the demo's own
// delegate tab, which follows the demo meeting, is one of them.
func TestHostSeesEachDelegate(t *testing.T) {
	u := startDemo(t)
	eventually(t, "the demo meeting on the delegate's tab", func() bool { return u.delegate.pane.man != nil })
	name, _ := os.Hostname()
	want := name + ": đã có bản mới nhất (phiên bản 1), lúc "
	eventually(t, "the delegate's device on the host's screen", func() bool {
		var got string
		fyne.DoAndWait(func() {
			u.host.refreshDelegates()
			got = shown(u.host.delegates)
		})
		return strings.Contains(got, want) && strings.Contains(got, "đang kết nối: 1")
	})
}

// TestHostAsksBeforeRemovingAnItem: an agenda item that holds words or
// documents is removed only after the secretary says so, with the item
// named; an empty one goes at once.
func TestHostAsksBeforeRemovingAnItem(t *testing.T) {
	u := startDemo(t)
	h := u.host
	var n int
	var first string
	fyne.DoAndWait(func() { n, first = len(h.m.Agenda), h.m.Agenda[0].Title })
	answer := func(choose string) (question string) {
		t.Helper()
		fyne.DoAndWait(func() {
			top := u.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("nothing asks before the item is removed")
			}
			question = strings.Join(drawn(top), " ")
			var pick *widget.Button
			walkRendered(top, func(o fyne.CanvasObject) {
				if b, ok := o.(*widget.Button); ok && b.Text == choose {
					pick = b
				}
			})
			if pick == nil {
				t.Fatalf("the question %q has no %q", question, choose)
			}
			test.Tap(pick)
		})
		return question
	}
	fyne.DoAndWait(func() { h.removeItem(0) })
	if q := answer("Giữ lại"); !strings.Contains(q, "Xoá nội dung 1 «"+first+"»") {
		t.Errorf("the question reads %q", q)
	}
	fyne.DoAndWait(func() {
		if len(h.m.Agenda) != n || h.m.Agenda[0].Title != first {
			t.Errorf("kept: the agenda has %d items, the first %q", len(h.m.Agenda), h.m.Agenda[0].Title)
		}
		h.removeItem(0)
	})
	answer("Xoá nội dung")
	fyne.DoAndWait(func() {
		if len(h.m.Agenda) != n-1 || h.m.Agenda[0].Title == first {
			t.Errorf("removed: the agenda has %d items, the first %q", len(h.m.Agenda), h.m.Agenda[0].Title)
		}
		h.m.Agenda = append(h.m.Agenda, meeting.Item{})
		h.removeItem(len(h.m.Agenda) - 1)
		if len(h.m.Agenda) != n-1 || u.win.Canvas().Overlays().Top() != nil {
			t.Errorf("an empty item: %d items, a question showing: %v", len(h.m.Agenda), u.win.Canvas().Overlays().Top() != nil)
		}
	})
}
