package notes

import (
	"bytes"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dinh/internal/testenv"
	"dinh/meeting/demo"
	"dinh/meeting/pdf"
	"dinh/offline/vault"
)

var (
	pass  = []byte("mật khẩu riêng của đại biểu")
	noon  = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	fast  = vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}
	hlite = &Rect{X: 72, Y: 100, W: 300, H: 40}
)

// privateVault is a delegate's notes vault, unlocked.
func privateVault(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.CreatePrivate(filepath.Join(t.TempDir(), "vault"), pass, fast)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func TestStoreKeepsNotesEncrypted(t *testing.T) {
	v := privateVault(t)
	dir := t.TempDir()
	s := NewStore(dir, v)
	b, err := s.Load("hdnd-2026-12")
	if err != nil || len(b.Notes) != 0 {
		t.Fatalf("first load: %v, %d notes; want an empty book", err, len(b.Notes))
	}
	secret := "Hỏi lại về khoản chi 1,2 tỷ cho đường liên thôn"
	if _, err := b.Add(Note{Doc: "to-trinh.pdf", Page: 1, Text: secret, Version: "v1", PageSum: "s"}, noon); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Add(Note{Doc: "to-trinh.pdf", Page: 0, Mark: hlite, Version: "v1"}, noon.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(b); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "hdnd-2026-12.notes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"đường liên thôn", "to-trinh.pdf", `"page"`} {
		if bytes.Contains(raw, []byte(clear)) {
			t.Errorf("the file on disk holds %q in clear", clear)
		}
	}
	got, err := s.Load("hdnd-2026-12")
	if err != nil {
		t.Fatal(err)
	}
	of := got.Of("to-trinh.pdf")
	if len(of) != 2 || of[0].Page != 0 || of[0].Mark == nil || *of[0].Mark != *hlite || of[1].Text != secret {
		t.Fatalf("loaded %+v, want the highlight on page 1 then the note on page 2", of)
	}

	// Locked, the notes can be neither read nor written, and the file
	// stays as it was.
	v.Lock()
	if _, err := s.Load("hdnd-2026-12"); !errors.Is(err, ErrDamaged) && !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("load while locked: %v", err)
	}
	if err := s.Save(&Book{Meeting: "hdnd-2026-12"}); !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("save while locked: got %v, want vault.ErrLocked", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "hdnd-2026-12.notes")); !bytes.Equal(after, raw) {
		t.Fatal("a save while locked changed the file")
	}
}

func TestStoreRefuses(t *testing.T) {
	v := privateVault(t)
	dir := t.TempDir()
	s := NewStore(dir, v)
	b := &Book{Meeting: "hop-a"}
	if _, err := b.Add(Note{Doc: "a.pdf", Text: "x"}, noon); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(b); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(dir, "hop-a.notes"))

	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the meeting to load
		want  error
	}{
		{"flipped byte", func(t *testing.T) string {
			bad := bytes.Clone(good)
			bad[len(bad)/2] ^= 1
			os.WriteFile(filepath.Join(dir, "flip.notes"), bad, 0o600)
			return "flip"
		}, ErrDamaged},
		{"another meeting's file", func(t *testing.T) string {
			os.WriteFile(filepath.Join(dir, "hop-b.notes"), good, 0o600)
			return "hop-b"
		}, ErrDamaged},
		{"cut short", func(t *testing.T) string {
			os.WriteFile(filepath.Join(dir, "cut.notes"), good[:10], 0o600)
			return "cut"
		}, ErrDamaged},
		{"too large", func(t *testing.T) string {
			os.WriteFile(filepath.Join(dir, "big.notes"), make([]byte, maxFile+1), 0o600)
			return "big"
		}, ErrDamaged},
		{"path out of the folder", func(t *testing.T) string { return "../x" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.setup(t)
			_, err := s.Load(id)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("load: got %v, want %v", err, tt.want)
			}
		})
	}
	if err := s.Save(&Book{Meeting: "../x"}); err == nil {
		t.Fatal("saved a book named ../x")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "x.notes")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a file was written outside the folder: %v", err)
	}
}

func TestBookRefuses(t *testing.T) {
	b := &Book{Meeting: "m"}
	tests := []struct {
		name string
		note Note
		want error
	}{
		{"no words and no highlight", Note{Doc: "a.pdf", Text: "  \n"}, ErrEmpty},
		{"too long", Note{Doc: "a.pdf", Text: strings.Repeat("ệ", MaxText+1)}, ErrTooLong},
		{"no document", Note{Text: "x"}, nil},
		{"negative page", Note{Doc: "a.pdf", Page: -1, Text: "x"}, nil},
		{"empty highlight", Note{Doc: "a.pdf", Mark: &Rect{X: 1, Y: 1}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Add(tt.note, noon)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if len(b.Notes) != 0 {
		t.Fatalf("%d notes kept from refused adds", len(b.Notes))
	}
	n, err := b.Add(Note{Doc: "a.pdf", Text: strings.Repeat("ệ", MaxText)}, noon)
	if err != nil {
		t.Fatalf("a note of %d characters: %v", MaxText, err)
	}
	if err := b.Edit(n.ID, "", noon); !errors.Is(err, ErrEmpty) || b.Notes[0].Text == "" {
		t.Fatalf("emptying a note: %v; text now %d bytes", err, len(b.Notes[0].Text))
	}
	if err := b.Edit("nope", "x", noon); !errors.Is(err, ErrNotFound) {
		t.Fatalf("edit unknown: %v", err)
	}
	for len(b.Notes) < MaxNotes {
		b.Notes = append(b.Notes, Note{ID: "x"})
	}
	if _, err := b.Add(Note{Doc: "a.pdf", Text: "one more"}, noon); !errors.Is(err, ErrTooMany) {
		t.Fatalf("note %d: got %v, want ErrTooMany", MaxNotes+1, err)
	}
}

// pdfFile writes a demo document and returns its path.
func pdfFile(t *testing.T, name string, pages int, seed int64) string {
	t.Helper()
	var buf bytes.Buffer
	if err := demo.WritePDF(&buf, demo.PDFSpec{Title: "Tờ trình ngân sách", Subtitle: "HĐND xã", Pages: pages, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func openPDF(t *testing.T, path string) *pdf.Document {
	t.Helper()
	d, err := pdf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestNotesFollowANewVersion: the secretariat sends a second version,
// written by another program (poppler's pdfunite) from the pages of the
// first with page 2 replaced; then a third with only one page. Each note
// stays on its page; only those whose page changed or went are flagged.
func TestNotesFollowANewVersion(t *testing.T) {
	pdfseparate := testenv.Tool(t, "pdfseparate", "poppler-utils")
	pdfunite := testenv.Tool(t, "pdfunite", "poppler-utils")
	v1 := pdfFile(t, "v1.pdf", 3, 1)
	other := pdfFile(t, "other.pdf", 3, 7)
	dir := t.TempDir()
	run(t, pdfseparate, v1, filepath.Join(dir, "a-%d.pdf"))
	run(t, pdfseparate, other, filepath.Join(dir, "b-%d.pdf"))
	v2 := filepath.Join(dir, "v2.pdf")
	run(t, pdfunite, filepath.Join(dir, "a-1.pdf"), filepath.Join(dir, "b-2.pdf"), filepath.Join(dir, "a-3.pdf"), v2)
	v3 := filepath.Join(dir, "v3.pdf")
	run(t, pdfunite, filepath.Join(dir, "a-1.pdf"), filepath.Join(dir, "a-1.pdf"), v3)
	d1, d2, d3 := openPDF(t, v1), openPDF(t, v2), openPDF(t, v3)

	b := &Book{Meeting: "m"}
	for page := range 3 {
		sum, err := d1.PageSum(page)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Add(Note{Doc: "to-trinh.pdf", Page: page, Text: "trang", Version: "v1", PageSum: sum}, noon); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Add(Note{Doc: "khac.pdf", Page: 1, Text: "tài liệu khác", Version: "k1", PageSum: "k"}, noon); err != nil {
		t.Fatal(err)
	}
	flags := func() (out []bool) {
		for _, n := range b.Of("to-trinh.pdf") {
			out = append(out, n.Changed)
		}
		return out
	}

	n, err := b.Follow("to-trinh.pdf", "v2", d2)
	if err != nil {
		t.Fatal(err)
	}
	if got := flags(); n != 1 || got[0] || !got[1] || got[2] {
		t.Fatalf("after v2: %d flagged %v, want only page 2", n, got)
	}
	if k := b.Of("khac.pdf")[0]; k.Changed || k.Version != "k1" {
		t.Fatalf("a note on another document was touched: %+v", k)
	}
	// The same version again flags nothing more.
	if n, _ := b.Follow("to-trinh.pdf", "v2", d2); n != 0 {
		t.Fatalf("following the same version again flagged %d", n)
	}
	if err := b.Seen(b.Of("to-trinh.pdf")[1].ID); err != nil {
		t.Fatal(err)
	}

	n, err = b.Follow("to-trinh.pdf", "v3", d3)
	if err != nil {
		t.Fatal(err)
	}
	if got := flags(); n != 2 || got[0] || !got[1] || !got[2] {
		t.Fatalf("after v3: %d flagged %v, want pages 2 (changed again) and 3 (gone)", n, got)
	}
	for i, note := range b.Of("to-trinh.pdf") {
		if note.Page != i {
			t.Fatalf("note %d moved to page %d", i, note.Page+1)
		}
	}
}

// brokenPages fails on every page, as a damaged new version would.
type brokenPages struct{}

func (brokenPages) NumPages() int               { return 3 }
func (brokenPages) PageSum(int) (string, error) { return "", errors.New("damaged page") }

func TestFollowFailsWhole(t *testing.T) {
	b := &Book{Meeting: "m"}
	b.Add(Note{Doc: "a.pdf", Page: 0, Text: "x", Version: "v1", PageSum: "s"}, noon)
	if _, err := b.Follow("a.pdf", "v2", brokenPages{}); err == nil {
		t.Fatal("no error from a version whose pages cannot be read")
	}
	if n := b.Notes[0]; n.Version != "v1" || n.Changed {
		t.Fatalf("a failed follow changed the note: %+v", n)
	}
}

// TestExportReadByPoppler: the delegate's own PDF holds every note's
// words, its page and the changed-page warning, and the picture of each
// highlight, as poppler reads them.
func TestExportReadByPoppler(t *testing.T) {
	pdftotext := testenv.Tool(t, "pdftotext", "poppler-utils")
	pdfimages := testenv.Tool(t, "pdfimages", "poppler-utils")
	doc := openPDF(t, pdfFile(t, "a.pdf", 2, 3))
	page, err := doc.Render(0, PictureDPI)
	if err != nil {
		t.Fatal(err)
	}
	notes := []Note{
		{Doc: "to-trinh.pdf", Page: 0, Mark: hlite, Text: "Con số này khác báo cáo quý III"},
		{Doc: "to-trinh.pdf", Page: 1, Text: "Đề nghị bổ sung phụ lục", Changed: true},
	}
	e := Export{
		Title: "Ghi chú riêng", Meeting: "Kỳ họp thứ 12 HĐND xã", Made: "Xuất lúc 08:00, thứ Năm 03/12/2026",
		Date: noon, Page: func(p int) string { return "Trang " + string(rune('1'+p)) }, Changed: "Trang này đã thay đổi",
		Docs: []ExportDoc{{Name: "to-trinh.pdf", Notes: notes, Picture: func(n Note) (image.Image, error) { return Picture(page, *n.Mark), nil }}},
	}
	out := filepath.Join(t.TempDir(), "ghi-chu.pdf")
	var buf bytes.Buffer
	if err := WritePDF(&buf, e); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(out, buf.Bytes(), 0o600)
	text, err := exec.Command(pdftotext, "-layout", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ghi chú riêng", "Kỳ họp thứ 12 HĐND xã", "to-trinh.pdf", "Trang 1", "Trang 2",
		"Con số này khác báo cáo quý III", "Đề nghị bổ sung phụ lục", "Trang này đã thay đổi"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("poppler does not read %q in the export:\n%s", want, text)
		}
	}
	list, err := exec.Command(pdfimages, "-list", out).Output()
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(list), "\n") - 2; rows != 1 {
		t.Fatalf("poppler lists %d images, want 1 (the highlight's picture):\n%s", rows, list)
	}
}

func TestPictureShowsTheHighlight(t *testing.T) {
	page := image.NewRGBA(image.Rect(0, 0, 900, 1300))
	for i := range page.Pix {
		page.Pix[i] = 0xFF
	}
	pic := Picture(page, Rect{X: 72, Y: 360, W: 144, H: 36})
	b := pic.Bounds()
	if b.Dx() != 900 || b.Dy() >= 1300 || b.Dy() < 55 {
		t.Fatalf("picture of %v, want the page's width and a band around the highlight", b)
	}
	// The middle of the highlight is green; the page's left margin is not.
	s := float64(PictureDPI) / 72
	cy := int(378*s) - (int(360*s) - int(24*s))
	if r, g, bl, _ := pic.At(int(144*s), cy).RGBA(); !(g > 0xE800 && r < 0xD800 && bl < 0xB800) {
		t.Errorf("middle of the highlight is %x %x %x, want green", r, g, bl)
	}
	if _, _, bl, _ := pic.At(10, cy).RGBA(); bl < 0xF000 {
		t.Errorf("the margin is painted: blue %x", bl)
	}
}
