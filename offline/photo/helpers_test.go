package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dinh/internal/testenv"
)

// Colours of the four quadrants of quadrants(): top left, top right,
// bottom left, bottom right.
var (
	red    = color.RGBA{220, 30, 30, 255}
	green  = color.RGBA{30, 200, 60, 255}
	blue   = color.RGBA{40, 60, 210, 255}
	yellow = color.RGBA{230, 210, 40, 255}
)

// quadrants returns a w×h image whose four quadrants are red, green, blue
// and yellow, so that any rotation or flip shows.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := red
			switch {
			case x >= w/2 && y < h/2:
				c = green
			case x < w/2 && y >= h/2:
				c = blue
			case x >= w/2 && y >= h/2:
				c = yellow
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// photo returns a w×h image that compresses like a camera photo: smooth
// colour gradients and broad shapes that vary with seed, plus fine texture
// and noise of the given amplitude. The sines are tabulated per row and
// column (sin(a+b) = sin a cos b + cos a sin b), so that a 12-megapixel
// photo takes a fraction of a second.
func photo(w, h int, seed uint64, noise int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	s := seed*0x9E3779B97F4A7C15 + 1
	rnd := func() int {
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		return int(s>>33)%(2*noise+1) - noise
	}
	fs := float64(seed%7) + 1
	type trig struct{ s, c float64 }
	col := make([]struct {
		tex, diag trig
		g, fx     float64
	}, w)
	for x := range col {
		fx := float64(x) / float64(w)
		c := &col[x]
		c.fx = fx
		c.tex = trig{math.Sin(float64(x)*0.21 + fs), math.Cos(float64(x)*0.21 + fs)}
		c.diag = trig{math.Sin(fx * 9), math.Cos(fx * 9)}
		c.g = 30 * math.Cos(fx*5*fs)
	}
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		ty := trig{math.Sin(float64(y) * 0.13), math.Cos(float64(y) * 0.13)}
		dy := trig{math.Sin(fy * 9), math.Cos(fy * 9)}
		amp := 18 * math.Sin(float64(y)*0.05*fs)
		rRow := 40 + 25*math.Sin(fy*6+fs)
		gRow := 60 + 120*fy
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			c := &col[x]
			tex := amp * (c.tex.s*ty.c + c.tex.c*ty.s)
			r := rRow + 170*c.fx + tex
			g := gRow + c.g + tex
			b := 200 - 150*c.fx*fy + 20*(c.diag.s*dy.c+c.diag.c*dy.s) - tex
			row[4*x] = clamp8(int(r) + rnd())
			row[4*x+1] = clamp8(int(g) + rnd())
			row[4*x+2] = clamp8(int(b) + rnd())
			row[4*x+3] = 255
		}
	}
	return img
}

// gray16 is a small grayscale image.
func gray16() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range g.Pix {
		g.Pix[i] = uint8(i)
	}
	return g
}

func clamp8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

func encodeJPEG(tb testing.TB, img image.Image, quality int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// convert runs ImageMagick's convert on src (written to a file with the
// extension ext) and returns the output file's bytes, or skips the test
// if convert is not installed.
func convert(tb testing.TB, src []byte, ext, outExt string, args ...string) []byte {
	tb.Helper()
	bin := testenv.Tool(tb, "convert", "ImageMagick; build/deps.sh test installs it")
	dir := tb.TempDir()
	in := filepath.Join(dir, "in."+ext)
	out := filepath.Join(dir, "out."+outExt)
	if err := os.WriteFile(in, src, 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, append(append([]string{in}, args...), out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("convert %v: %v\n%s", args, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// withExif inserts an APP1 Exif segment after the SOI of a JPEG: a TIFF
// structure in the given byte order whose first directory holds an
// Orientation tag (0x0112) and an ImageDescription with secret, and a GPS
// directory with a latitude.
func withExif(jpg []byte, orientation uint16, bo binary.AppendByteOrder, secret string) []byte {
	var t []byte
	if bo == binary.BigEndian {
		t = []byte("MM\x00\x2a")
	} else {
		t = []byte("II\x2a\x00")
	}
	u16 := func(v uint16) { t = bo.AppendUint16(t, v) }
	u32 := func(v uint32) { t = bo.AppendUint32(t, v) }
	entry := func(tag, typ uint16, count, value uint32) { u16(tag); u16(typ); u32(count); u32(value) }

	const ifd0 = 8
	const ifd0Entries = 3
	gpsIFD := uint32(ifd0 + 2 + 12*ifd0Entries + 4)
	const gpsEntries = 2
	desc := gpsIFD + 2 + 12*gpsEntries + 4
	lat := desc + uint32(len(secret)) + 1

	u32(ifd0)
	u16(ifd0Entries)
	orient := uint32(orientation) << 16 // a SHORT sits in the first two bytes
	if bo == binary.LittleEndian {
		orient = uint32(orientation)
	}
	entry(0x010E, 2, uint32(len(secret))+1, desc) // ImageDescription
	entry(0x0112, 3, 1, orient)                   // Orientation
	entry(0x8825, 4, 1, gpsIFD)                   // GPS IFD
	u32(0)
	u16(gpsEntries)
	entry(0x0001, 2, 2, uint32('N')<<24) // GPSLatitudeRef "N"
	if bo == binary.LittleEndian {
		t = t[:len(t)-4]
		t = append(t, 'N', 0, 0, 0)
	}
	entry(0x0002, 5, 3, lat) // GPSLatitude
	u32(0)
	t = append(t, secret...)
	t = append(t, 0)
	for _, v := range []uint32{21, 1, 1, 1, 30, 1} {
		u32(v)
	}

	seg := append([]byte("Exif\x00\x00"), t...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xFF, 0xE1, byte((len(seg)+2)>>8), byte(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// mean returns the average colour of the n×n block of img centred on (x, y).
func mean(img image.Image, x, y, n int) (r, g, b float64) {
	var count float64
	for yy := y - n/2; yy < y-n/2+n; yy++ {
		for xx := x - n/2; xx < x-n/2+n; xx++ {
			cr, cg, cb, _ := img.At(xx, yy).RGBA()
			r += float64(cr >> 8)
			g += float64(cg >> 8)
			b += float64(cb >> 8)
			count++
		}
	}
	return r / count, g / count, b / count
}

// near reports whether two colours differ by at most tol in every channel.
func near(r1, g1, b1, r2, g2, b2, tol float64) bool {
	return math.Abs(r1-r2) <= tol && math.Abs(g1-g2) <= tol && math.Abs(b1-b2) <= tol
}

// decodeResult decodes a Result's JPEG with Go's decoder and checks its
// size against the Result.
func decodeResult(tb testing.TB, r Result) image.Image {
	tb.Helper()
	img, err := jpeg.Decode(bytes.NewReader(r.JPEG))
	if err != nil {
		tb.Fatalf("result does not decode with image/jpeg: %v", err)
	}
	if b := img.Bounds(); b.Dx() != r.Width || b.Dy() != r.Height {
		tb.Fatalf("result decodes as %dx%d, Result says %dx%d", b.Dx(), b.Dy(), r.Width, r.Height)
	}
	return img
}
