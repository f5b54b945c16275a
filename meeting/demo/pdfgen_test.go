package demo

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestWritePDF(t *testing.T) {
	tests := []struct {
		name    string
		spec    PDFSpec
		wantErr bool
	}{
		{name: "one page", spec: PDFSpec{Title: "Tờ trình về dự toán ngân sách xã năm 2027", Subtitle: "Ủy ban nhân dân xã Tân Trào", Pages: 1, Seed: 1}},
		{name: "twelve pages", spec: PDFSpec{Title: "Báo cáo kinh tế - xã hội", Subtitle: "Hội đồng nhân dân xã", Pages: 12, Seed: 7}},
		{name: "password", spec: PDFSpec{Title: "Nghị quyết mật", Pages: 2, Seed: 3, Password: "matkhau"}},
		{name: "zero pages", spec: PDFSpec{Title: "x", Pages: 0}, wantErr: true},
		{name: "no title", spec: PDFSpec{Pages: 1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b bytes.Buffer
			err := WritePDF(&a, tt.spec)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got nil error, want one")
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
				t.Fatalf("got prefix %q, want %%PDF-", a.Bytes()[:8])
			}
			if got := countPages(a.Bytes()); got != tt.spec.Pages {
				t.Errorf("got %d pages, want %d", got, tt.spec.Pages)
			}
			if got, want := bytes.Contains(a.Bytes(), []byte("/Encrypt")), tt.spec.Password != ""; got != want {
				t.Errorf("got encrypted %v, want %v", got, want)
			}
			if err := WritePDF(&b, tt.spec); err != nil {
				t.Fatalf("second write: got error %v, want nil", err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("got different bytes for the same spec (%d vs %d), want identical", a.Len(), b.Len())
			}
			if dir := os.Getenv("DINH_PDFGEN_OUT"); dir != "" {
				name := strings.ReplaceAll(tt.name, " ", "_") + ".pdf"
				if err := os.WriteFile(dir+"/"+name, a.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestWritePDFSeedChangesText(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePDF(&a, PDFSpec{Title: "T", Pages: 1, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, PDFSpec{Title: "T", Pages: 1, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("got identical bytes for seeds 1 and 2, want different")
	}
}

var pagesCount = regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`)

// countPages reads the page count from the uncompressed page tree fpdf
// writes.
func countPages(pdf []byte) int {
	m := pagesCount.FindSubmatch(pdf)
	if m == nil {
		return -1
	}
	n := 0
	for _, c := range m[1] {
		n = n*10 + int(c-'0')
	}
	return n
}
