package pdf

import (
	"bytes"
	"errors"
	"image"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dinh/meeting/demo"
)

const (
	a4W = 595.28
	a4H = 841.89
)

// writeDoc generates a document with demo.WritePDF in dir and returns its
// path.
func writeDoc(tb testing.TB, dir string, spec demo.PDFSpec) string {
	tb.Helper()
	if spec.Title == "" {
		spec.Title = "Tờ trình về dự toán ngân sách xã năm 2027"
		spec.Subtitle = "Ủy ban nhân dân xã Tân Trào"
	}
	var buf bytes.Buffer
	if err := demo.WritePDF(&buf, spec); err != nil {
		tb.Fatalf("write pdf: %v", err)
	}
	p := filepath.Join(dir, "doc.pdf")
	if spec.Password != "" {
		p = filepath.Join(dir, "locked.pdf")
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func openDoc(tb testing.TB, pages int) *Document {
	tb.Helper()
	d, err := Open(writeDoc(tb, tb.TempDir(), demo.PDFSpec{Pages: pages, Seed: 42}))
	if err != nil {
		tb.Fatalf("open: got %v, want nil", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

func near(a, b float64) bool { return a-b < 0.05 && b-a < 0.05 }

func TestOpenPagesAndSize(t *testing.T) {
	for _, pages := range []int{1, 3, 12} {
		d := openDoc(t, pages)
		if got := d.NumPages(); got != pages {
			t.Errorf("got %d pages, want %d", got, pages)
		}
		for i := 0; i < pages; i++ {
			w, h, err := d.PageSize(i)
			if err != nil || !near(w, a4W) || !near(h, a4H) {
				t.Errorf("page %d: got %.2f×%.2f (%v), want %.2f×%.2f", i, w, h, err, a4W, a4H)
			}
		}
		w, h, err := d.PixelSize(0, 150)
		if err != nil || w != 1241 || h != 1754 {
			t.Errorf("pixel size at 150 dpi: got %d×%d (%v), want 1241×1754", w, h, err)
		}
	}
}

// inkStats returns the share of pixels that are not white and whether any
// pixel is clearly coloured (not grey).
func inkStats(img *image.RGBA) (ink float64, coloured bool) {
	n := 0
	for p := 0; p < len(img.Pix); p += 4 {
		r, g, b := int(img.Pix[p]), int(img.Pix[p+1]), int(img.Pix[p+2])
		if r < 250 || g < 250 || b < 250 {
			n++
		}
		if max(r, g, b)-min(r, g, b) > 60 {
			coloured = true
		}
	}
	return float64(n) / float64(len(img.Pix)/4), coloured
}

func TestRender(t *testing.T) {
	d := openDoc(t, 2)
	tests := []struct {
		page int
		dpi  float64
		w, h int
	}{
		{0, 72, 596, 842},
		{0, 150, 1241, 1754},
		{1, 96, 794, 1123},
		{1, 36, 298, 421},
	}
	for _, tt := range tests {
		img, err := d.Render(tt.page, tt.dpi)
		if err != nil {
			t.Fatalf("page %d at %g: got error %v, want nil", tt.page, tt.dpi, err)
		}
		if got := img.Bounds(); got != image.Rect(0, 0, tt.w, tt.h) {
			t.Errorf("page %d at %g: got bounds %v, want %dx%d", tt.page, tt.dpi, got, tt.w, tt.h)
		}
		ink, coloured := inkStats(img)
		if ink < 0.02 || ink > 0.5 {
			t.Errorf("page %d at %g: got %.3f of pixels inked, want between 0.02 and 0.5", tt.page, tt.dpi, ink)
		}
		if !coloured {
			t.Errorf("page %d at %g: got no coloured pixel, want the table header and note box", tt.page, tt.dpi)
		}
		if a := img.Pix[3]; a != 255 {
			t.Errorf("page %d at %g: got alpha %d at the corner, want 255", tt.page, tt.dpi, a)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	d := openDoc(t, 2)
	tests := []struct {
		name string
		page int
		dpi  float64
		want error
	}{
		{"negative page", -1, 100, ErrPageRange},
		{"page past the end", 2, 100, ErrPageRange},
		{"huge dpi", 0, 20000, ErrTooLarge},
	}
	for _, tt := range tests {
		if _, err := d.Render(tt.page, tt.dpi); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	for _, dpi := range []float64{0, -5} {
		if _, err := d.Render(0, dpi); err == nil {
			t.Errorf("dpi %g: got nil error, want one", dpi)
		}
	}
	d.Close()
	if _, err := d.Render(0, 72); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: got %v, want %v", err, ErrClosed)
	}
	if _, err := d.Text(0); !errors.Is(err, ErrClosed) {
		t.Errorf("text after close: got %v, want %v", err, ErrClosed)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second close: got %v, want nil", err)
	}
}

func TestText(t *testing.T) {
	d := openDoc(t, 3)
	for i, want := range []string{"Trang 1/3", "Trang 2/3", "Trang 3/3"} {
		text, err := d.Text(i)
		if err != nil {
			t.Fatalf("page %d: got error %v, want nil", i, err)
		}
		if !strings.Contains(text, want) {
			t.Errorf("page %d: got text without %q, want it", i, want)
		}
		if !strings.Contains(text, "Dự toán chi ngân sách") {
			t.Errorf("page %d: got text without the table caption, want it", i)
		}
	}
	text, _ := d.Text(0)
	if !strings.Contains(text, "Tờ trình về dự toán ngân sách xã năm 2027") {
		t.Errorf("page 0: got text without the title, want it:\n%s", text)
	}
}

func TestSearch(t *testing.T) {
	d := openDoc(t, 3)
	w, h, _ := d.PageSize(0)
	tests := []struct {
		query   string
		page    int
		minHits int
	}{
		{"ngân sách", 0, 3},
		{"ngan sach", 0, 3},
		{"NGÂN SÁCH", 0, 3},
		{"Ngan   Sach", 0, 3},
		{"đầu tư", 1, 1},
		{"dau tu", 1, 1},
		{"giao duc", 2, 1},
		{"Trang 2/3", 1, 1},
		{"Tan Trao", 0, 1},
	}
	for _, tt := range tests {
		rects, err := d.Search(tt.page, tt.query)
		if err != nil {
			t.Fatalf("%q: got error %v, want nil", tt.query, err)
		}
		if len(rects) < tt.minHits {
			t.Errorf("%q on page %d: got %d rects, want at least %d", tt.query, tt.page, len(rects), tt.minHits)
		}
		for _, r := range rects {
			if r.X < 0 || r.Y < 0 || r.W <= 0 || r.H <= 0 || r.X+r.W > w || r.Y+r.H > h {
				t.Errorf("%q: got rect %+v, want inside the %.0f×%.0f page", tt.query, r, w, h)
			}
			if r.H > 30 || r.W > w-100 {
				t.Errorf("%q: got rect %+v, want the size of a few words", tt.query, r)
			}
		}
	}

	// With and without diacritics give the same rectangles.
	a, _ := d.Search(0, "ngân sách")
	b, _ := d.Search(0, "ngan sach")
	if len(a) != len(b) {
		t.Fatalf("got %d rects with diacritics and %d without, want equal", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("rect %d: got %+v and %+v, want equal", i, a[i], b[i])
		}
	}

	// The page number sits in the running header, top right.
	r, _ := d.Search(1, "Trang 2/3")
	if len(r) != 1 || r[0].Y > 45 || r[0].X < w/2 {
		t.Errorf("\"Trang 2/3\": got %+v, want one rect at the top right", r)
	}

	for _, q := range []string{"", "   ", "xyzzy", "ngân sáchx"} {
		if r, err := d.Search(0, q); err != nil || len(r) != 0 {
			t.Errorf("%q: got %d rects (%v), want none", q, len(r), err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(writeDoc(t, t.TempDir(), demo.PDFSpec{Pages: 12, Seed: 1}))
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 64<<10)
	rand.New(rand.NewSource(1)).Read(random)
	files := map[string][]byte{
		"empty.pdf":          nil,
		"random.pdf":         random,
		"random-header.pdf":  append([]byte("%PDF-1.7\n"), random...),
		"half.pdf":           good[:len(good)/2],
		"tenth.pdf":          good[:len(good)/10],
		"header-only.pdf":    []byte("%PDF-1.4\n%%EOF\n"),
		"text.pdf":           []byte("Biên bản họp Hội đồng nhân dân\n"),
		"negative-count.pdf": bytes.Replace(good, []byte("/Count 12"), []byte("/Count -1"), 1),
		"no-pages.pdf":       bytes.Replace(good, []byte("/Count 12"), []byte("/Count 0"), 1),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	locked := writeDoc(t, dir, demo.PDFSpec{Pages: 2, Seed: 1, Password: "hop-kin"})
	if err := os.Mkdir(filepath.Join(dir, "folder.pdf"), 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		file     string
		password string
		want     error
	}{
		{"empty.pdf", "", ErrCorrupt},
		{"random.pdf", "", ErrCorrupt},
		{"random-header.pdf", "", ErrCorrupt},
		{"half.pdf", "", ErrCorrupt},
		{"tenth.pdf", "", ErrCorrupt},
		{"header-only.pdf", "", ErrCorrupt},
		{"text.pdf", "", ErrCorrupt},
		{"negative-count.pdf", "", ErrCorrupt},
		{"no-pages.pdf", "", ErrCorrupt},
		{"folder.pdf", "", ErrCorrupt},
		{"missing.pdf", "", fs.ErrNotExist},
		{filepath.Base(locked), "", ErrPassword},
		{filepath.Base(locked), "wrong", ErrPassword},
	}
	for _, tt := range tests {
		d, err := OpenPassword(filepath.Join(dir, tt.file), tt.password)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.file, err, tt.want)
		}
		if d != nil {
			t.Errorf("%s: got a document with the error, want nil", tt.file)
			d.Close()
		}
		if err != nil && !strings.Contains(err.Error(), tt.file) {
			t.Errorf("%s: got %q, want the path in the error", tt.file, err)
		}
	}

	d, err := OpenPassword(locked, "hop-kin")
	if err != nil {
		t.Fatalf("right password: got %v, want nil", err)
	}
	defer d.Close()
	if img, err := d.Render(1, 50); err != nil || img.Bounds().Dx() == 0 {
		t.Errorf("right password: render got %v, want an image", err)
	}
	if r, err := d.Search(0, "ngan sach"); err != nil || len(r) == 0 {
		t.Errorf("right password: search got %d rects (%v), want hits", len(r), err)
	}
}

// TestDamagedContent scribbles over the compressed streams of a valid file:
// whatever MuPDF makes of it, nothing may crash.
func TestDamagedContent(t *testing.T) {
	good, err := os.ReadFile(writeDoc(t, t.TempDir(), demo.PDFSpec{Pages: 4, Seed: 9}))
	if err != nil {
		t.Fatal(err)
	}
	for seed := int64(1); seed <= 6; seed++ {
		b := bytes.Clone(good)
		rng := rand.New(rand.NewSource(seed))
		for k := 0; k < 40; k++ {
			b[len(b)/8+rng.Intn(len(b)*7/8)] = byte(rng.Intn(256))
		}
		p := filepath.Join(t.TempDir(), "scribbled.pdf")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Open(p)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("seed %d: got %v, want nil or %v", seed, err, ErrCorrupt)
			}
			continue
		}
		for i := 0; i < d.NumPages(); i++ {
			if _, err := d.Render(i, 40); err != nil && !errors.Is(err, ErrCorrupt) {
				t.Errorf("seed %d page %d: got %v, want nil or %v", seed, i, err, ErrCorrupt)
			}
			d.Text(i)
			d.Search(i, "ngan sach")
		}
		d.Close()
	}
}

func TestPlainTextLayout(t *testing.T) {
	chars := []char{
		{r: 'a', block: 0, line: 0}, {r: 'b', block: 0, line: 0},
		{r: 'c', block: 0, line: 1},
		{r: 'd', block: 1, line: 2},
	}
	if got, want := plainText(chars), "ab\nc\n\nd"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCheck: a whole PDF passes with its page count; one cut short, one
// that is not a PDF, and an empty file are damaged.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := demo.WritePDF(&buf, demo.PDFSpec{Title: "Kiểm tra", Pages: 3, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	whole := buf.Bytes()
	for _, tt := range []struct {
		name  string
		bytes []byte
		pages int
		err   error
	}{
		{"whole", whole, 3, nil},
		{"cut short", whole[:len(whole)/2], 0, ErrCorrupt},
		{"not a PDF", []byte("Biên bản họp"), 0, ErrCorrupt},
		{"empty", nil, 0, ErrCorrupt},
	} {
		p := filepath.Join(dir, tt.name+".pdf")
		os.WriteFile(p, tt.bytes, 0o600)
		n, err := Check(p)
		if n != tt.pages || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: got %d pages, %v; want %d, %v", tt.name, n, err, tt.pages, tt.err)
		}
	}
}
