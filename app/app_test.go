package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/app/i18n"
	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/sync/discovery"
	"dinh/sync/lan"
)

// eventually polls cond on the UI goroutine until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling UI state driven by other goroutines
	}
}

func startDemo(t *testing.T) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	ifs, err := discovery.Interfaces([]string{"lo"})
	if err != nil {
		t.Skip(err)
	}
	i18n.SetLanguage("vi")
	u, err := New(a, Config{DataDir: t.TempDir(), Ifaces: ifs, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
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

	// The agenda lists every item (plus a trailing spacer) once downloaded.
	eventually(t, "the demo meeting to download with its whole agenda", func() bool {
		return d.state == lan.UpToDate && d.man != nil && len(d.agenda.Objects) == len(m.Agenda)+1
	})
	if !strings.Contains(d.status.Text, "Đã có đủ tài liệu") {
		t.Fatalf("status %q, want the up-to-date message", d.status.Text)
	}

	// The first document opens by itself in the demo; open another by tapping.
	eventually(t, "the first document to open", func() bool { return d.viewer != nil })
	btn := findButton(d.agenda, "to-trinh-du-toan-2027.pdf")
	if btn == nil || btn.Disabled() {
		t.Fatal("the budget report is not offered as a readable document")
	}
	test.Tap(btn)
	eventually(t, "the budget report in the viewer", func() bool {
		return d.viewer != nil && d.docTitle.Text == "to-trinh-du-toan-2027.pdf"
	})
	d.viewer.Search("ngan sach")
	eventually(t, "search hits", func() bool { return d.viewer.Hits() > 0 })

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
		return d.banner != "" && d.man != nil && d.man.Version == 2 && findButton(d.agenda, "bo-sung.pdf") != nil
	})
	if !strings.Contains(d.banner, "thêm 1 tài liệu (bo-sung.pdf)") {
		t.Fatalf("banner %q does not say what changed", d.banner)
	}
}

// TestBrokenDocumentShowsMessage publishes a damaged PDF next to good ones:
// opening it shows a message, and the other documents still open.
func TestBrokenDocumentShowsMessage(t *testing.T) {
	u := startDemo(t)
	d := u.delegate
	eventually(t, "the demo meeting", func() bool { return d.state == lan.UpToDate && d.man != nil })
	broken := filepath.Join(t.TempDir(), "hong.pdf")
	os.WriteFile(broken, []byte("%PDF-1.7\n1 0 obj << /Type /Catalog"), 0o644)
	fyne.DoAndWait(func() {
		u.host.m.Agenda[0].Documents = append(u.host.m.Agenda[0].Documents, "hong.pdf")
		u.host.paths["hong.pdf"] = broken
		u.host.publish()
	})
	eventually(t, "the damaged document to arrive", func() bool {
		b := findButton(d.agenda, "hong.pdf")
		return b != nil && !b.Disabled()
	})
	fyne.DoAndWait(func() { test.Tap(findButton(d.agenda, "hong.pdf")) })
	eventually(t, "an error message instead of a viewer", func() bool { return d.viewer == nil && d.docTitle.Text == "hong.pdf" })
	fyne.DoAndWait(func() { test.Tap(findButton(d.agenda, "du-thao-nghi-quyet.pdf")) })
	eventually(t, "another document to open", func() bool { return d.viewer != nil })
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
