package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/testenv"
	"dinh/meeting/demo"
	"dinh/meeting/notes"
	"dinh/meeting/pdf"
)

// inDialog finds, in the window's top dialog, the entries (in order) and
// the button whose text is tap, and taps it after fill has typed into
// the entries.
func inDialog(t *testing.T, u *UI, fill []string, tap string) {
	t.Helper()
	fyne.DoAndWait(func() {
		var entries []*widget.Entry
		var btn *widget.Button
		walkRendered(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Entry:
				entries = append(entries, w)
			case *dialogEntry:
				entries = append(entries, &w.Entry)
			case *widget.Button:
				if w.Text == tap {
					btn = w
				}
			}
		})
		if len(entries) < len(fill) || btn == nil {
			t.Fatalf("the dialog has %d fields and no %q button", len(entries), tap)
		}
		for i, s := range fill {
			entries[i].SetText(s)
		}
		test.Tap(btn)
	})
}

// panelText is what the notes panel says, on its labels and buttons.
func panelText(d *delegateScreen) string {
	var out []string
	fyne.DoAndWait(func() {
		walkRendered(d.doc.notes.box, func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Label:
				out = append(out, w.Text)
			case *widget.Button:
				out = append(out, w.Text)
			}
		})
	})
	return strings.Join(out, " | ")
}

// TestPrivateNotes follows a delegate's notes on a document: set up with
// a passphrase of their own, a note on a page and a highlight, kept
// encrypted on the device; locked and opened again; kept when a save
// fails; and flagged when the secretariat sends a new version of the
// document whose pages changed.
func TestPrivateNotes(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	eventually(t, "the first document to open", func() bool { return d.doc.viewer != nil })
	fyne.DoAndWait(func() { test.Tap(d.doc.notesButton) })
	if got := panelText(d); !strings.Contains(got, "chỉ lưu trên máy này") {
		t.Fatalf("before set-up the panel says %q", got)
	}
	fyne.DoAndWait(func() { test.Tap(findButton(d.doc.notes.box, "Đặt mật khẩu ghi chú")) })
	inDialog(t, u, []string{"mật khẩu ghi chú", "mật khẩu khác"}, "Đặt mật khẩu")
	if _, err := os.Stat(filepath.Join(d.st.Dir(), "notes", "vault.json")); err == nil {
		t.Fatal("two different passphrases made a vault")
	}
	inDialog(t, u, []string{"mật khẩu ghi chú", "mật khẩu ghi chú"}, "Đặt mật khẩu")

	// A note on the page shown.
	secret := "Hỏi lại khoản chi 1,2 tỷ cho đường liên thôn"
	fyne.DoAndWait(func() { test.Tap(findButton(d.doc.notes.box, "Ghi chú trang này")) })
	inDialog(t, u, []string{secret}, "Lưu ghi chú")
	// A highlight, as the viewer hands it on after a drag (the drag itself
	// is pdfview's TestMarking), without words.
	fyne.DoAndWait(func() {
		test.Tap(d.doc.notes.markBtn)
		if !d.doc.viewer.Marking() {
			t.Error("Đánh dấu does not turn highlighting on")
		}
		d.doc.viewer.OnMarked(0, pdf.Rect{X: 60, Y: 120, W: 300, H: 40})
	})
	inDialog(t, u, nil, "Lưu ghi chú")
	if got := panelText(d); !strings.Contains(got, secret) || !strings.Contains(got, "Trang 1 · đoạn đánh dấu") {
		t.Fatalf("the panel lists %q", got)
	}
	m := d.doc.notes.meeting
	file := filepath.Join(d.st.Dir(), "notes", m+".notes")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the notes were not saved: %v", err)
	}
	if bytes.Contains(raw, []byte("đường liên thôn")) || bytes.Contains(raw, []byte(d.doc.name)) {
		t.Fatal("the notes file holds the note in clear")
	}
	fyne.DoAndWait(func() {
		if marks := d.doc.viewer.Marks(); len(marks[0]) != 1 {
			t.Errorf("the viewer shows highlights %v, want one on page 1", marks)
		}
	})

	// Locked: nothing shows, the highlights go; a wrong passphrase is
	// told; the right one brings everything back.
	fyne.DoAndWait(func() { test.Tap(findButton(d.doc.notes.box, "Khoá ghi chú")) })
	if got := panelText(d); strings.Contains(got, secret) || !strings.Contains(got, "Ghi chú đang khoá") {
		t.Fatalf("locked, the panel says %q", got)
	}
	fyne.DoAndWait(func() {
		if marks := d.doc.viewer.Marks(); len(marks) != 0 {
			t.Errorf("locked, the viewer still shows highlights %v", marks)
		}
		test.Tap(findButton(d.doc.notes.box, "Mở ghi chú"))
	})
	inDialog(t, u, []string{"sai mật khẩu rồi"}, "Mở ghi chú")
	var told string
	fyne.DoAndWait(func() {
		walkRendered(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Importance == widget.DangerImportance {
				told += l.Text
			}
		})
	})
	if !strings.Contains(told, "Sai mật khẩu") {
		t.Fatalf("a wrong passphrase is told as %q", told)
	}
	inDialog(t, u, []string{"mật khẩu ghi chú"}, "Mở ghi chú")
	if got := panelText(d); !strings.Contains(got, secret) {
		t.Fatalf("opened again, the panel lists %q", got)
	}

	// A save that fails (the file's place is taken) keeps the words.
	if err := os.Rename(file, file+".kept"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o700); err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(func() { test.Tap(findButton(d.doc.notes.box, "Ghi chú trang này")) })
	inDialog(t, u, []string{"Ý kiến cử tri xã Tân Trào"}, "Lưu ghi chú")
	fyne.DoAndWait(func() {
		if n := len(d.doc.notes.book.Of(d.doc.name)); n != 2 {
			t.Errorf("after a failed save the book holds %d notes, want the 2 saved", n)
		}
		u.win.Canvas().Overlays().Top().(interface{ Hide() }).Hide() // the error
	})
	os.Remove(file)
	os.Rename(file+".kept", file)
	fyne.DoAndWait(func() { test.Tap(findButton(d.doc.notes.box, "Ghi chú trang này")) })
	var again string
	fyne.DoAndWait(func() {
		walkRendered(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if e, ok := o.(*widget.Entry); ok {
				again = e.Text
			}
		})
	})
	if again != "Ý kiến cử tri xã Tân Trào" {
		t.Fatalf("the next note starts with %q, want the words that were not saved", again)
	}
	inDialog(t, u, nil, "Lưu ghi chú")

	// The secretariat sends a new version of the document, every page
	// rewritten: each note stays on its page, flagged.
	name := d.doc.name
	late := filepath.Join(t.TempDir(), name)
	f, _ := os.Create(late)
	demo.WritePDF(f, demo.PDFSpec{Title: "Bản sửa đổi", Pages: 4, Seed: 99})
	f.Close()
	fyne.DoAndWait(func() {
		u.host.paths[name] = late
		u.host.publish()
	})
	eventually(t, "the new version at the delegate's", func() bool {
		return d.pane.man != nil && d.pane.man.Version == 2 && d.ready(d.pane.man.Documents[0])
	})
	fyne.DoAndWait(func() {
		for _, doc := range d.pane.man.Documents {
			if doc.Name == name {
				d.open(doc)
			}
		}
	})
	got := panelText(d)
	if strings.Count(got, "Trang này đã thay đổi") != 3 || !strings.Contains(got, "3 ghi chú nằm trên trang đã thay đổi") {
		t.Fatalf("after the new version the panel says %q, want 3 notes flagged", got)
	}
	fyne.DoAndWait(func() {
		for _, x := range d.doc.notes.book.Of(name) {
			if x.Page != 0 {
				t.Errorf("a note moved to page %d", x.Page+1)
			}
		}
		test.Tap(findButton(d.doc.notes.box, "Đã xem lại"))
	})
	if got := panelText(d); strings.Count(got, "Trang này đã thay đổi") != 2 {
		t.Fatalf("after Đã xem lại the panel says %q", got)
	}

	// The export holds every note, read back by poppler.
	pdftotext := testenv.Tool(t, "pdftotext", "poppler-utils")
	var e notes.Export
	fyne.DoAndWait(func() { e = d.doc.notes.exportOf(time.Date(2026, 12, 3, 8, 0, 0, 0, time.Local)) })
	out := filepath.Join(t.TempDir(), "ghi-chu.pdf")
	var buf bytes.Buffer
	if err := notes.WritePDF(&buf, e); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(out, buf.Bytes(), 0o600)
	text, err := exec.Command(pdftotext, out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ghi chú riêng", secret, "Ý kiến cử tri xã Tân Trào", "Trang 1", "Trang này đã thay đổi", "08:00, thứ Năm 03/12/2026"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the export lacks %q:\n%s", want, text)
		}
	}
}
