package slip

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dinh/internal/testenv"
)

func sample() Slip {
	return Slip{
		Title: "Phiếu hẹn trả kết quả", Code: "DH-7K3M-9QXA", CodeLabel: "Mã biên nhận",
		Rows: []Row{
			{"Thủ tục", "Đăng ký khai sinh (1.001193)"},
			{"Người nộp", "P.T.T."},
			{"Ngày nhận", "07/12/2026"},
			{"Dự kiến có kết quả", "từ ngày 08/12/2026, tại Ủy ban nhân dân cấp xã"},
		},
		Follow: []string{"Tra cứu bằng mã này ở ki-ốt tại bưu điện, hoặc hỏi tổ công nghệ số của thôn."},
		Made:   time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC),
	}
}

// TestSlipReadByOtherTools: on each paper, the slip's PDF is read by
// poppler (its size, one page, every word in Vietnamese as given) and its
// QR code, drawn by poppler at 300 dpi, by zbarimg: the receipt code.
func TestSlipReadByOtherTools(t *testing.T) {
	pdfinfo := testenv.Tool(t, "pdfinfo", "apt-get install poppler-utils")
	pdftotext := testenv.Tool(t, "pdftotext", "apt-get install poppler-utils")
	pdftoppm := testenv.Tool(t, "pdftoppm", "apt-get install poppler-utils")
	zbar := testenv.Tool(t, "zbarimg", "apt-get install zbar-tools")
	for _, tt := range []struct {
		paper Paper
		width string // in points, as pdfinfo prints it
	}{{A5, "419.53"}, {Roll80, "226.77"}} {
		t.Run(string(tt.paper), func(t *testing.T) {
			s := sample()
			var buf bytes.Buffer
			if err := Write(&buf, s, tt.paper); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "slip.pdf")
			os.WriteFile(file, buf.Bytes(), 0o600)
			info, err := exec.Command(pdfinfo, file).Output()
			if err != nil {
				t.Fatalf("pdfinfo: %v", err)
			}
			if !regexp.MustCompile(`Pages:\s+1\n`).Match(info) || !regexp.MustCompile(`Page size:\s+`+regexp.QuoteMeta(tt.width)+` x `).Match(info) {
				t.Errorf("pdfinfo says:\n%s", info)
			}
			text, err := exec.Command(pdftotext, "-layout", file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			words := strings.Join(strings.Fields(string(text)), " ")
			for _, want := range append([]string{s.Title, s.Code, s.CodeLabel, s.Follow[0]}, "Đăng ký khai sinh (1.001193)", "P.T.T.", "Dự kiến có kết quả") {
				for _, w := range strings.Fields(want) {
					if !strings.Contains(words, w) {
						t.Errorf("poppler does not read %q of %q on the slip: %q", w, want, words)
					}
				}
			}
			if out, err := exec.Command(pdftoppm, "-r", "300", "-png", "-singlefile", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			got, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", filepath.Join(dir, "page.png")).Output()
			if err != nil || strings.TrimSpace(string(got)) != s.Code {
				t.Errorf("zbarimg read %q (%v), want %q", got, err, s.Code)
			}
		})
	}
}

// TestSlipRefuses: no code, no slip; an unknown paper is named.
func TestSlipRefuses(t *testing.T) {
	s := sample()
	s.Code = ""
	if err := Write(&bytes.Buffer{}, s, A5); !errors.Is(err, ErrNoCode) {
		t.Errorf("no code: %v", err)
	}
	if err := Write(&bytes.Buffer{}, sample(), "a4"); err == nil || !strings.Contains(err.Error(), "a4") {
		t.Errorf("an unknown paper: %v", err)
	}
}

// TestSlipIsTheSameEachTime: the same slip makes the same bytes, so a
// slip printed again is the slip printed before.
func TestSlipIsTheSameEachTime(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, sample(), A5); err != nil {
		t.Fatal(err)
	}
	Write(&b, sample(), A5)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same slip made twice differs")
	}
}
