package pdfview

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
)

func TestOpenErrors(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	good, err := os.ReadFile(fixturePDF(t, 30, ""))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const (
		password = "Tài liệu này được bảo vệ bằng mật khẩu nên không thể mở trên Đình."
		corrupt  = "Tài liệu bị hỏng hoặc không đầy đủ"
	)
	for _, c := range []struct {
		name, path string
		is         error
		msg        string
	}{
		{"password", fixturePDF(t, 3, "mật-khẩu"), pdf.ErrPassword, password},
		{"truncated", write("truncated.pdf", good[:len(good)/2]), pdf.ErrCorrupt, corrupt},
		{"not a pdf", write("notes.pdf", []byte("biên bản họp, không phải PDF")), pdf.ErrCorrupt, corrupt},
		{"garbage after the header", write("garbage.pdf", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("đình làng "), 500)...)), pdf.ErrCorrupt, corrupt},
		{"empty", write("empty.pdf", nil), pdf.ErrCorrupt, corrupt},
		{"missing", filepath.Join(dir, "none.pdf"), os.ErrNotExist, "Không tìm thấy tệp"},
		{"directory", dir, pdf.ErrCorrupt, corrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := Open(c.path)
			if err == nil {
				v.Close()
				t.Fatalf("Open succeeded")
			}
			if v != nil {
				t.Errorf("Open returned a viewer with error %v", err)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %v, want one wrapping %v", err, c.is)
			}
			msg := ErrorMessage(err)
			if !strings.HasPrefix(msg, c.msg) {
				t.Errorf("message %q, want it to start with %q", msg, c.msg)
			}
			view := NewErrorView(err)
			w := test.NewTempWindow(t, view)
			w.Resize(fyne.NewSize(600, 400))
			if !showsText(view, msg) {
				t.Errorf("error view does not show %q", msg)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	test.NewTempApp(t)
	if got := ErrorMessage(nil); got != "" {
		t.Errorf("ErrorMessage(nil) = %q, want empty", got)
	}
	other := fmt.Errorf("open x.pdf: %w", errors.New("mupdf: out of memory"))
	if got := ErrorMessage(other); !strings.Contains(got, "lỗi khi mở tài liệu") {
		t.Errorf("other error: %q", got)
	}
	view := NewErrorView(other)
	if !showsText(view, other.Error()) {
		t.Errorf("error view of an unexpected error lacks the detail")
	}
	NewErrorView(nil) // must not panic

	i18n.SetLanguage("en")
	defer i18n.SetLanguage("vi")
	if got := ErrorMessage(fmt.Errorf("x: %w", pdf.ErrPassword)); !strings.HasPrefix(got, "This document is password-protected") {
		t.Errorf("English password message: %q", got)
	}
}

func TestTranslationsComplete(t *testing.T) {
	for _, m := range i18n.Missing() {
		if strings.Contains(m, "pdfview.") {
			t.Errorf("missing translation: %s", m)
		}
	}
	for _, key := range []string{"pdfview.page.loading", "pdfview.error.password", "pdfview.search.count"} {
		if i18n.T(key) == key {
			t.Errorf("no message for %s", key)
		}
	}
}

func showsText(o fyne.CanvasObject, text string) bool {
	switch x := o.(type) {
	case *widget.Label:
		return x.Text == text
	case *fyne.Container:
		for _, c := range x.Objects {
			if showsText(c, text) {
				return true
			}
		}
	}
	return false
}
