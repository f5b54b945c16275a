package qr

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/draw"

	"dinh/internal/testenv"
)

// TestQRReadsBack draws the host's fingerprint QR code and has zbarimg, a
// reader nobody here wrote, read it back: what a delegate's phone would see.
func TestQRReadsBack(t *testing.T) {
	zbar := testenv.Tool(t, "zbarimg", "Debian package zbar-tools")
	for _, text := range []string{
		"dinh:fp:" + strings.Repeat("AB12", 16),
		"dinh:fp:3F9A",
	} {
		img, err := Image(text)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() || b.Dx() < 21+2*QuietZone {
			t.Fatalf("QR image is %v", b)
		}
		big := image.NewGray(image.Rect(0, 0, b.Dx()*8, b.Dy()*8))
		draw.NearestNeighbor.Scale(big, big.Bounds(), img, b, draw.Src, nil)
		file := filepath.Join(t.TempDir(), "qr.png")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, big); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", file).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		if got := strings.TrimSpace(string(out)); got != text {
			t.Errorf("zbarimg read %q, want %q", got, text)
		}
	}
}
