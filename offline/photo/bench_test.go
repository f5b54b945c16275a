package photo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/image/draw"
)

// photos4MB returns ten distinct camera-like JPEGs of about 4 MB each
// (quality 92): even ones 4000×3000, odd ones 4032×3024 like most 12 MP
// phones, and every third one held sideways (Exif orientation 6). They are
// generated once per test binary, which takes a few seconds.
var photos4MB = sync.OnceValue(func() [][]byte {
	out := make([][]byte, 10)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.NumCPU())
	for i := range out {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w, h := 4000, 3000
			if i%2 == 1 {
				w, h = 4032, 3024
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, photo(w, h, uint64(i), 12), &jpeg.Options{Quality: 92}); err != nil {
				panic(err)
			}
			out[i] = buf.Bytes()
			if i%3 == 2 {
				out[i] = withExif(out[i], 6, binary.LittleEndian, "Samsung SM-A155F")
			}
		}()
	}
	wg.Wait()
	return out
})

// BenchmarkPrepare4MB prepares one 4 MB, 4000×3000 camera JPEG.
func BenchmarkPrepare4MB(b *testing.B) {
	data := photos4MB()[0]
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Prepare(bg, data, Options{})
		if err != nil || r.Width != 2000 {
			b.Fatalf("got %dx%d, %v", r.Width, r.Height, err)
		}
	}
}

// BenchmarkPrepare10x4MB prepares ten 4 MB photos from files with
// PrepareAll, one worker per CPU: what a volunteer waits for after
// attaching ten photos. The goal is under one second.
func BenchmarkPrepare10x4MB(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	var total int64
	for i, data := range photos4MB() {
		p := filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		results, errs := PrepareAll(bg, paths, Options{}, nil)
		for k, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
			if r := results[k]; max(r.Width, r.Height) != 2000 {
				b.Fatalf("%d: %dx%d", k, r.Width, r.Height)
			}
		}
	}
	b.ReportMetric(float64(total)/10/1e6, "MB/photo")
}

// BenchmarkGoImageJPEG4MB does the work of BenchmarkPrepare4MB in pure Go:
// image/jpeg decodes the whole photo, golang.org/x/image/draw scales it to
// 2000×1500, image/jpeg encodes it at quality 80. ApproxBiLinear is the
// fastest scaler (it aliases when halving); BiLinear filters properly, like
// the DCT reduction MuPDF's path uses.
func BenchmarkGoImageJPEG4MB(b *testing.B) {
	data := photos4MB()[0]
	for _, s := range []struct {
		name   string
		scaler draw.Scaler
	}{{"ApproxBiLinear", draw.ApproxBiLinear}, {"BiLinear", draw.BiLinear}} {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				src, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				dst := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
				s.scaler.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode times MuPDF's decode of a 4 MB 4000×3000 JPEG to
// 2000×1500, with the DCT reduction Prepare asks for and without it (full
// decode, then the area filter): the evidence that the reduction happens.
func BenchmarkDecode(b *testing.B) {
	data := photos4MB()[0]
	for _, bc := range []struct {
		name       string
		reqw, reqh int
	}{{"dct-half", 1998, 1498}, {"full-then-scale", 0, 0}} {
		b.Run(bc.name, func(b *testing.B) {
			e, err := newEngine()
			if err != nil {
				b.Fatal(err)
			}
			defer e.close()
			for i := 0; i < b.N; i++ {
				// A fresh image each time: MuPDF caches the decoded
				// pixels with the image.
				img, _, err := e.open(data)
				if err != nil {
					b.Fatal(err)
				}
				pix, decW, _, err := e.decode(img, bc.reqw, bc.reqh, 2000, 1500)
				if err != nil {
					b.Fatal(err)
				}
				e.dropPixmap(pix)
				e.dropImage(img)
				want := 2000
				if bc.reqw == 0 {
					want = 4000
				}
				if decW != want {
					b.Fatalf("decoded %d wide, want %d", decW, want)
				}
			}
		})
	}
}

// BenchmarkEncode compares three JPEG encoders on the same 2000×1500
// pixels at quality 80: MuPDF's writer (progressive, 4:4:4), this
// package's encodeBaseline and image/jpeg (both baseline, 4:2:0, the same
// tables). The last two include export, the copy of the pixels into Go
// memory.
func BenchmarkEncode(b *testing.B) {
	data := photos4MB()[0]
	e, err := newEngine()
	if err != nil {
		b.Fatal(err)
	}
	defer e.close()
	img, _, err := e.open(data)
	if err != nil {
		b.Fatal(err)
	}
	defer e.dropImage(img)
	pix, _, _, err := e.decode(img, 1998, 1498, 2000, 1500)
	if err != nil {
		b.Fatal(err)
	}
	defer e.dropPixmap(pix)
	b.Run("mupdf", func(b *testing.B) {
		var n int
		for i := 0; i < b.N; i++ {
			out, err := e.encodeMuPDF(pix, 80)
			if err != nil {
				b.Fatal(err)
			}
			n = len(out)
		}
		b.ReportMetric(float64(n), "bytes")
	})
	b.Run("baseline", func(b *testing.B) {
		var n int
		for i := 0; i < b.N; i++ {
			m, err := e.export(pix, 1)
			if err != nil {
				b.Fatal(err)
			}
			n = len(encodeBaseline(m, 80))
		}
		b.ReportMetric(float64(n), "bytes")
	})
	b.Run("image-jpeg", func(b *testing.B) {
		var n int
		for i := 0; i < b.N; i++ {
			m, err := e.export(pix, 1)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80}); err != nil {
				b.Fatal(err)
			}
			n = buf.Len()
		}
		b.ReportMetric(float64(n), "bytes")
	})
}

// BenchmarkNewEngine is the cost of a fresh MuPDF context, which every
// Prepare pays.
func BenchmarkNewEngine(b *testing.B) {
	for i := 0; i < b.N; i++ {
		e, err := newEngine()
		if err != nil {
			b.Fatal(err)
		}
		e.close()
	}
}
