package photo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// psnr compares two images of the same size, in dB over all channels.
func psnr(a, b image.Image) float64 {
	var se, n float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				se += d * d
				n++
			}
		}
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/n))
}

// toYCbCr420 converts img like export does.
func toYCbCr420(img image.Image) *image.YCbCr {
	b := img.Bounds()
	m := image.NewYCbCr(image.Rect(0, 0, b.Dx(), b.Dy()), image.YCbCrSubsampleRatio420)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			yy, _, _ := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bl>>8))
			m.Y[y*m.YStride+x] = yy
		}
	}
	for y := 0; y < (b.Dy()+1)/2; y++ {
		for x := 0; x < (b.Dx()+1)/2; x++ {
			var sr, sg, sb, n int
			for j := 0; j < 2 && 2*y+j < b.Dy(); j++ {
				for i := 0; i < 2 && 2*x+i < b.Dx(); i++ {
					r, g, bl, _ := img.At(b.Min.X+2*x+i, b.Min.Y+2*y+j).RGBA()
					sr += int(r >> 8)
					sg += int(g >> 8)
					sb += int(bl >> 8)
					n++
				}
			}
			_, cb, cr := color.RGBToYCbCr(uint8((sr+n/2)/n), uint8((sg+n/2)/n), uint8((sb+n/2)/n))
			m.Cb[y*m.CStride+x], m.Cr[y*m.CStride+x] = cb, cr
		}
	}
	return m
}

// TestEncode checks encodeBaseline against image/jpeg at the same quality on
// odd sizes, gray and colour: the result must decode, be as close to the
// source (PSNR), and be about the same size.
func TestEncode(t *testing.T) {
	sizes := [][2]int{{1, 1}, {7, 5}, {8, 8}, {9, 17}, {16, 16}, {33, 20}, {100, 75}, {257, 129}}
	for _, sz := range sizes {
		for _, q := range []int{1, 30, 80, 95, 100} {
			src := photo(sz[0], sz[1], uint64(sz[0]*7+q), 20)
			gray := image.NewGray(src.Bounds())
			for i := range gray.Pix {
				gray.Pix[i] = src.Pix[4*i+1]
			}
			ycc := toYCbCr420(src)
			for _, in := range []image.Image{ycc, gray} {
				name := fmt.Sprintf("%dx%d q%d %T", sz[0], sz[1], q, in)
				ours := encodeBaseline(in, q)
				var std bytes.Buffer
				if err := jpeg.Encode(&std, in, &jpeg.Options{Quality: q}); err != nil {
					t.Fatal(err)
				}
				got, err := jpeg.Decode(bytes.NewReader(ours))
				if err != nil {
					t.Errorf("%s: does not decode: %v", name, err)
					continue
				}
				ref, _ := jpeg.Decode(bytes.NewReader(std.Bytes()))
				if got.Bounds() != in.Bounds() {
					t.Errorf("%s: decodes as %v", name, got.Bounds())
					continue
				}
				if _, isGray := got.(*image.Gray); isGray != (in == image.Image(gray)) {
					t.Errorf("%s: decodes as %T", name, got)
				}
				// On a few blocks, chance decides which encoder's
				// rounding errors are smaller.
				tol := 0.5
				if sz[0]*sz[1] < 64*64 {
					tol = 3
				}
				pOurs, pStd := psnr(in, got), psnr(in, ref)
				if pOurs < pStd-tol {
					t.Errorf("%s: PSNR %.2f dB, image/jpeg %.2f dB", name, pOurs, pStd)
				}
				if len(ours) > len(std.Bytes())*105/100+16 {
					t.Errorf("%s: %d bytes, image/jpeg %d", name, len(ours), std.Len())
				}
			}
		}
	}
}

// TestEncodeExtremes encodes the patterns with the largest DCT
// coefficients at quality 100, where they are not reduced at all: a
// checkerboard of 2-pixel squares (|AC| about 1020, the most that fits
// the Huffman tables) and black next to white blocks (the largest DC
// steps).
func TestEncodeExtremes(t *testing.T) {
	sign := [8]int{1, -1, -1, 1, 1, -1, -1, 1}
	checker := image.NewGray(image.Rect(0, 0, 64, 64))
	steps := image.NewGray(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			if sign[x%8]*sign[y%8] > 0 {
				checker.Pix[y*64+x] = 255
			}
			if (x/8+y/8)%2 == 0 {
				steps.Pix[y*64+x] = 255
			}
		}
	}
	for name, img := range map[string]*image.Gray{"checkerboard": checker, "steps": steps} {
		for _, in := range []image.Image{img, toYCbCr420(img)} {
			got, err := jpeg.Decode(bytes.NewReader(encodeBaseline(in, 100)))
			if err != nil {
				t.Errorf("%s %T: %v", name, in, err)
				continue
			}
			if p := psnr(in, got); p < 40 {
				t.Errorf("%s %T: PSNR %.1f dB", name, in, p)
			}
		}
	}
}
