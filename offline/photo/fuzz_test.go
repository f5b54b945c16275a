package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"testing"
	"time"
)

// FuzzPrepare feeds Prepare arbitrary bytes, seeded with small valid and
// cut images of each format. It must never crash or hang; a success must
// be a JPEG that image/jpeg decodes, within the limits; a failure must wrap
// one of the package's errors.
func FuzzPrepare(f *testing.F) {
	jpg := encodeJPEG(f, photo(48, 32, 1, 8), 85)
	png := encodePNG(f, photo(24, 16, 2, 8))
	var gifBuf bytes.Buffer
	gif.Encode(&gifBuf, quadrants(16, 12), nil)
	seeds := [][]byte{
		jpg,
		withExif(jpg, 6, binary.BigEndian, "x"),
		withExif(jpg, 3, binary.LittleEndian, "y"),
		jpg[:len(jpg)/2],
		jpg[:len(jpg)-2],
		png,
		png[:len(png)/2],
		gifBuf.Bytes(),
		encodeJPEG(f, gray16(), 70),
	}
	if hasConvert() {
		seeds = append(seeds, convert(f, jpg, "jpg", "jpg", "-interlace", "Plane"))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	opts := Options{MaxEdge: 40, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		start := time.Now()
		r, err := Prepare(context.Background(), data, opts)
		if d := time.Since(start); d > 5*time.Second {
			// Nothing within MaxPixels takes more than a few ms.
			t.Fatalf("took %v", d)
		}
		if !bytes.Equal(data, orig) {
			t.Fatal("Prepare modified its input")
		}
		if err != nil {
			for _, s := range []error{ErrTooLarge, ErrNotImage, ErrTruncated, ErrTooManyPixels, ErrCorrupt} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps none of the package's errors: %v", err)
		}
		if max(r.Width, r.Height) > opts.MaxEdge || r.Width < 1 || r.Height < 1 {
			t.Fatalf("result is %dx%d", r.Width, r.Height)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.JPEG))
		if err != nil || cfg.Width != r.Width || cfg.Height != r.Height {
			t.Fatalf("result: %v %dx%d, Result says %dx%d", err, cfg.Width, cfg.Height, r.Width, r.Height)
		}
		if _, err := jpeg.Decode(bytes.NewReader(r.JPEG)); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzEncode encodes images of any small size, content and quality with
// encodeBaseline; image/jpeg must decode every result at its size.
func FuzzEncode(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(80), false, []byte{0})
	f.Add(uint8(17), uint8(9), uint8(100), false, []byte{0, 255, 0, 255, 255, 0})
	f.Add(uint8(16), uint8(16), uint8(1), true, []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, w, h, q uint8, gray bool, pix []byte) {
		if w == 0 || h == 0 || len(pix) == 0 {
			return
		}
		r := image.Rect(0, 0, int(w), int(h))
		var img image.Image
		if gray {
			m := image.NewGray(r)
			for i := range m.Pix {
				m.Pix[i] = pix[i%len(pix)]
			}
			img = m
		} else {
			m := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
			for i := range m.Y {
				m.Y[i] = pix[i%len(pix)]
			}
			for i := range m.Cb {
				m.Cb[i] = pix[(3*i+1)%len(pix)]
				m.Cr[i] = pix[(5*i+2)%len(pix)]
			}
			img = m
		}
		out := encodeBaseline(img, int(q)%100+1)
		got, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != r {
			t.Fatalf("decoded %v, want %v", got.Bounds(), r)
		}
	})
}
