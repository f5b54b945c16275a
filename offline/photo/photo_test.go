package photo

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

var bg = context.Background()

// TestPrepareLargePhoto checks the main case: a 12-megapixel camera photo
// comes out 2000 pixels wide, decoded by the JPEG decoder at half size
// (DCT scaling) rather than in full, and looks like the source.
func TestPrepareLargePhoto(t *testing.T) {
	src := photo(4000, 3000, 7, 14)
	data := encodeJPEG(t, src, 92)
	var tr trace
	r, err := prepare(bg, data, Options{}.withDefaults(), &tr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Width != 2000 || r.Height != 1500 {
		t.Fatalf("got %dx%d, want 2000x1500", r.Width, r.Height)
	}
	if r.SourceFormat != "jpeg" || r.SourceWidth != 4000 || r.SourceHeight != 3000 || r.SourceSize != int64(len(data)) {
		t.Errorf("source: got %s %dx%d %d bytes, want jpeg 4000x3000 %d bytes",
			r.SourceFormat, r.SourceWidth, r.SourceHeight, r.SourceSize, len(data))
	}
	if tr.decW != 2000 || tr.decH != 1500 {
		t.Errorf("decoder produced %dx%d, want 2000x1500 (DCT scaling by 1/2)", tr.decW, tr.decH)
	}
	t.Logf("%d bytes → %d bytes; inspect, open, decode, export, encode: %v", len(data), len(r.JPEG), tr.stages)
	if len(r.JPEG) > len(data)/4 {
		t.Errorf("result is %d bytes, source %d: expected at least 4 times smaller", len(r.JPEG), len(data))
	}
	got := decodeResult(t, r)
	for _, p := range [][2]int{{200, 150}, {1000, 750}, {1800, 1350}, {300, 1300}, {1700, 200}, {1000, 100}} {
		sr, sg, sb := mean(src, 2*p[0], 2*p[1], 16)
		gr, gg, gb := mean(got, p[0], p[1], 8)
		if !near(sr, sg, sb, gr, gg, gb, 10) {
			t.Errorf("at %v: got colour %.0f,%.0f,%.0f, source %.0f,%.0f,%.0f", p, gr, gg, gb, sr, sg, sb)
		}
	}
}

// TestPrepareFormats runs one image of each kind through Prepare and checks
// the result's size and the colour of each quadrant.
func TestPrepareFormats(t *testing.T) {
	q := quadrants(400, 300)
	gray := image.NewGray(q.Bounds())
	for i := range gray.Pix {
		gray.Pix[i] = uint8(q.Pix[4*i+1]) // the green channel: 30, 200, 60, 210
	}
	// Half-transparent quadrants over a transparent background: on white,
	// red at alpha 128 becomes pink.
	alpha := image.NewNRGBA(q.Bounds())
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			c := q.RGBAAt(x, y)
			a := uint8(255)
			if x < 200 {
				a = 128
			}
			if y >= 150 && x < 200 {
				a = 0
			}
			alpha.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, a})
		}
	}
	var gifBuf, bmpBuf, tiffBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, q, nil); err != nil {
		t.Fatal(err)
	}
	if err := bmp.Encode(&bmpBuf, q); err != nil {
		t.Fatal(err)
	}
	if err := tiff.Encode(&tiffBuf, q, &tiff.Options{Compression: tiff.Deflate}); err != nil {
		t.Fatal(err)
	}
	small := encodeJPEG(t, q, 90)
	white := color.RGBA{255, 255, 255, 255}
	pink := color.RGBA{238, 142, 142, 255}
	colours := [4]color.RGBA{red, green, blue, yellow}

	tests := []struct {
		name    string
		data    func(t *testing.T) []byte
		opts    Options
		format  string
		w, h    int
		gray    bool
		colours [4]color.RGBA // expected at the quadrants' centres
		tol     float64
	}{
		{name: "small JPEG is not upscaled", data: func(*testing.T) []byte { return small },
			format: "jpeg", w: 400, h: 300, colours: colours, tol: 12},
		{name: "MaxEdge", data: func(*testing.T) []byte { return small }, opts: Options{MaxEdge: 100},
			format: "jpeg", w: 100, h: 75, colours: colours, tol: 12},
		{name: "MaxEdge equal to the long side", data: func(*testing.T) []byte { return small }, opts: Options{MaxEdge: 400},
			format: "jpeg", w: 400, h: 300, colours: colours, tol: 12},
		{name: "portrait JPEG", data: func(t *testing.T) []byte { return encodeJPEG(t, quadrants(1500, 4000), 85) },
			format: "jpeg", w: 750, h: 2000, colours: colours, tol: 12},
		{name: "gray JPEG", data: func(t *testing.T) []byte { return encodeJPEG(t, gray, 90) },
			format: "jpeg", w: 400, h: 300, gray: true, tol: 8, colours: [4]color.RGBA{
				{30, 30, 30, 255}, {200, 200, 200, 255}, {60, 60, 60, 255}, {210, 210, 210, 255}}},
		{name: "progressive JPEG", data: func(t *testing.T) []byte {
			return convert(t, encodeJPEG(t, quadrants(3000, 2000), 95), "jpg", "jpg", "-interlace", "Plane", "-quality", "90")
		}, format: "jpeg", w: 2000, h: 1333, colours: colours, tol: 12},
		// ImageMagick converts to CMYK naively and MuPDF back through a
		// press CMYK profile, so saturated blue comes back dull
		// (62,76,145); the tolerance still catches inverted CMYK.
		{name: "CMYK JPEG", data: func(t *testing.T) []byte {
			return convert(t, small, "jpg", "jpg", "-colorspace", "CMYK", "-quality", "95")
		}, format: "jpeg", w: 400, h: 300, colours: colours, tol: 70},
		{name: "PNG", data: func(t *testing.T) []byte { return encodePNG(t, q) },
			format: "png", w: 400, h: 300, colours: colours, tol: 4},
		{name: "PNG with alpha on white", data: func(t *testing.T) []byte { return encodePNG(t, alpha) },
			format: "png", w: 400, h: 300, colours: [4]color.RGBA{pink, green, white, yellow}, tol: 6},
		{name: "large PNG with alpha", data: func(t *testing.T) []byte {
			big := image.NewNRGBA(image.Rect(0, 0, 4100, 2100))
			for y := 0; y < 2100; y++ {
				for x := 0; x < 4100; x++ {
					big.SetNRGBA(x, y, alpha.NRGBAAt(x*400/4100, y*300/2100))
				}
			}
			return encodePNG(t, big)
		}, format: "png", w: 2000, h: 1024, colours: [4]color.RGBA{pink, green, white, yellow}, tol: 6},
		{name: "GIF", data: func(*testing.T) []byte { return gifBuf.Bytes() },
			format: "gif", w: 400, h: 300, colours: colours, tol: 40},
		{name: "BMP", data: func(*testing.T) []byte { return bmpBuf.Bytes() },
			format: "bmp", w: 400, h: 300, colours: colours, tol: 4},
		{name: "TIFF", data: func(*testing.T) []byte { return tiffBuf.Bytes() },
			format: "tiff", w: 400, h: 300, colours: colours, tol: 4},
		{name: "bytes after EOI", data: func(*testing.T) []byte {
			return append(append([]byte{}, small...), bytes.Repeat([]byte("preview"), 100)...)
		}, format: "jpeg", w: 400, h: 300, colours: colours, tol: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			r, err := Prepare(bg, data, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Width != tt.w || r.Height != tt.h || r.SourceFormat != tt.format {
				t.Fatalf("got %s → %dx%d, want %s → %dx%d", r.SourceFormat, r.Width, r.Height, tt.format, tt.w, tt.h)
			}
			img := decodeResult(t, r)
			if _, isGray := img.(*image.Gray); isGray != tt.gray {
				t.Errorf("result is %T", img)
			}
			for i, c := range tt.colours {
				x, y := tt.w/4+(i%2)*tt.w/2, tt.h/4+(i/2)*tt.h/2
				gr, gg, gb := mean(img, x, y, 4)
				if !near(gr, gg, gb, float64(c.R), float64(c.G), float64(c.B), tt.tol) {
					t.Errorf("quadrant %d: got %.0f,%.0f,%.0f, want about %v", i, gr, gg, gb, c)
				}
			}
		})
	}
}

// TestExifOrientation writes each Exif orientation into a photo whose top
// left quadrant is red and top right green, and checks where they land:
// Exif says which side of the picture the stored first row and column are.
func TestExifOrientation(t *testing.T) {
	const secret = "Nguyen Van A, thon Dong, 21.0285 N"
	base := encodeJPEG(t, quadrants(400, 200), 90)
	type corner int
	const (
		tl corner = iota
		tr
		bl
		br
	)
	tests := []struct {
		exif   uint16
		red    corner // where the stored top left goes
		green  corner // where the stored top right goes
		turned bool
	}{
		{1, tl, tr, false},
		{2, tr, tl, false},
		{3, br, bl, false},
		{4, bl, br, false},
		{5, tl, bl, true},
		{6, tr, br, true},
		{7, br, tr, true},
		{8, bl, tl, true},
	}
	for _, tt := range tests {
		for _, bo := range []binary.AppendByteOrder{binary.BigEndian, binary.LittleEndian} {
			t.Run(fmt.Sprintf("%d/%v", tt.exif, bo), func(t *testing.T) {
				data := withExif(base, tt.exif, bo, secret)
				var trc trace
				r, err := prepare(bg, data, Options{}.withDefaults(), &trc)
				if err != nil {
					t.Fatal(err)
				}
				if trc.exif != int(tt.exif) {
					t.Errorf("applied orientation %d, want %d", trc.exif, tt.exif)
				}
				w, h := 400, 200
				if tt.turned {
					w, h = h, w
				}
				if r.Width != w || r.Height != h {
					t.Fatalf("got %dx%d, want %dx%d", r.Width, r.Height, w, h)
				}
				if r.SourceWidth != 400 || r.SourceHeight != 200 {
					t.Errorf("source %dx%d, want 400x200 as stored", r.SourceWidth, r.SourceHeight)
				}
				img := decodeResult(t, r)
				at := func(c corner) (float64, float64, float64) {
					x, y := 20, 20
					if c == tr || c == br {
						x = w - 21
					}
					if c == bl || c == br {
						y = h - 21
					}
					return mean(img, x, y, 6)
				}
				for _, want := range []struct {
					c   corner
					col color.RGBA
				}{{tt.red, red}, {tt.green, green}} {
					gr, gg, gb := at(want.c)
					if !near(gr, gg, gb, float64(want.col.R), float64(want.col.G), float64(want.col.B), 16) {
						t.Errorf("corner %d: got %.0f,%.0f,%.0f, want %v", want.c, gr, gg, gb, want.col)
					}
				}
				if bytes.Contains(r.JPEG, []byte("Exif")) || bytes.Contains(r.JPEG, []byte(secret)) {
					t.Error("result still holds the Exif data")
				}
				if !bytes.Contains(data, []byte(secret)) {
					t.Fatal("test data lacks the secret")
				}
			})
		}
	}
}

// TestExifOrientationOddSizes turns images of odd sizes, where 4:2:0
// chroma has a half-covered last row and column.
func TestExifOrientationOddSizes(t *testing.T) {
	for _, sz := range [][2]int{{37, 23}, {1, 9}, {9, 1}, {1, 1}} {
		base := encodeJPEG(t, quadrants(sz[0], sz[1]), 95)
		for o := uint16(1); o <= 8; o++ {
			r, err := Prepare(bg, withExif(base, o, binary.BigEndian, "x"), Options{})
			if err != nil {
				t.Fatalf("%v orientation %d: %v", sz, o, err)
			}
			w, h := sz[0], sz[1]
			if o >= 5 {
				w, h = h, w
			}
			if r.Width != w || r.Height != h {
				t.Errorf("%v orientation %d: got %dx%d, want %dx%d", sz, o, r.Width, r.Height, w, h)
			}
			decodeResult(t, r)
		}
	}
}

// TestTooLarge checks that a 200 MB file is refused from its size, without
// being read: the file is sparse, and a read of it would take a while and
// 200 MB of memory.
func TestTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.jpg")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{0xFF, 0xD8, 0xFF, 0xE0}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(p, 200<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = PrepareFile(bg, p, Options{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "huge.jpg") {
		t.Errorf("error %q does not name the file", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("allocated %d bytes: the file was read", grew)
	}

	small := encodeJPEG(t, quadrants(64, 64), 90)
	if _, err := Prepare(bg, small, Options{MaxFileSize: int64(len(small)) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Prepare over MaxFileSize: got %v, want ErrTooLarge", err)
	}
	if _, err := Prepare(bg, small, Options{MaxFileSize: int64(len(small))}); err != nil {
		t.Errorf("Prepare at MaxFileSize: %v", err)
	}
}

func TestRefused(t *testing.T) {
	var zipBuf bytes.Buffer
	zw := zip.NewWriter(&zipBuf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document/>"))
	zw.Close()

	jpg := encodeJPEG(t, photo(600, 400, 3, 10), 90)
	prog := func(t *testing.T) []byte {
		return convert(t, jpg, "jpg", "jpg", "-interlace", "Plane")
	}
	png := encodePNG(t, photo(300, 200, 4, 10))
	var gifBuf bytes.Buffer
	gif.Encode(&gifBuf, quadrants(100, 100), nil)
	var tiffBuf bytes.Buffer
	tiff.Encode(&tiffBuf, quadrants(100, 100), nil)
	// sos returns the offset of the first scan's data.
	sos := func(b []byte) int { return bytes.Index(b, []byte{0xFF, 0xDA}) + 12 }

	// huge sets the frame size of a JPEG or the IHDR size of a PNG.
	hugeJPEG := append([]byte{}, jpg...)
	sof := bytes.Index(hugeJPEG, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(hugeJPEG[sof+5:], 60000)
	binary.BigEndian.PutUint16(hugeJPEG[sof+7:], 60000)
	hugePNG := append([]byte{}, png...)
	binary.BigEndian.PutUint32(hugePNG[16:], 60000)
	binary.BigEndian.PutUint32(hugePNG[20:], 60000)

	tests := []struct {
		name string
		data func(t *testing.T) []byte
		opts Options
		want []error // any of these
	}{
		{"empty", func(*testing.T) []byte { return nil }, Options{}, []error{ErrNotImage}},
		{"PDF", func(*testing.T) []byte { return []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n") }, Options{}, []error{ErrNotImage}},
		{"text", func(*testing.T) []byte { return []byte("Giấy khai sinh\nHọ và tên: ...\n") }, Options{}, []error{ErrNotImage}},
		{"text starting BM", func(*testing.T) []byte { return []byte("BMW của ông Ba, biển số 29A-123.45") }, Options{}, []error{ErrNotImage}},
		{"zip (docx)", func(*testing.T) []byte { return zipBuf.Bytes() }, Options{}, []error{ErrNotImage}},
		{"HEIC", func(*testing.T) []byte { return []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic") }, Options{}, []error{ErrNotImage}},
		{"WebP", func(*testing.T) []byte { return []byte("RIFF\x24\x00\x00\x00WEBPVP8 ") }, Options{}, []error{ErrNotImage}},
		{"JPEG magic only", func(*testing.T) []byte { return jpg[:2] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut after SOI", func(*testing.T) []byte { return jpg[:4] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut in a table", func(*testing.T) []byte { return jpg[:40] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut in the frame header", func(*testing.T) []byte { return jpg[:bytes.Index(jpg, []byte{0xFF, 0xC0})+6] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut at scan start", func(*testing.T) []byte { return jpg[:sos(jpg)] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut mid-scan", func(*testing.T) []byte { return jpg[:len(jpg)/2] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut before EOI", func(*testing.T) []byte { return jpg[:len(jpg)-2] }, Options{}, []error{ErrTruncated}},
		{"JPEG cut inside EOI", func(*testing.T) []byte { return jpg[:len(jpg)-1] }, Options{}, []error{ErrTruncated}},
		{"progressive JPEG cut mid-file", func(t *testing.T) []byte { p := prog(t); return p[:len(p)*2/3] }, Options{}, []error{ErrTruncated}},
		{"progressive JPEG cut before EOI", func(t *testing.T) []byte { p := prog(t); return p[:len(p)-2] }, Options{}, []error{ErrTruncated}},
		{"JPEG without scans", func(*testing.T) []byte { return append(append([]byte{}, jpg[:sos(jpg)-12]...), 0xFF, 0xD9) }, Options{}, []error{ErrCorrupt}},
		{"PNG cut in IHDR", func(*testing.T) []byte { return png[:20] }, Options{}, []error{ErrTruncated}},
		{"PNG cut mid-IDAT", func(*testing.T) []byte { return png[:len(png)/2] }, Options{}, []error{ErrTruncated}},
		{"PNG without IEND", func(*testing.T) []byte { return png[:len(png)-12] }, Options{}, []error{ErrTruncated}},
		{"PNG cut inside IEND", func(*testing.T) []byte { return png[:len(png)-3] }, Options{}, []error{ErrTruncated}},
		{"GIF cut", func(*testing.T) []byte { return gifBuf.Bytes()[:gifBuf.Len()-5] }, Options{}, []error{ErrTruncated}},
		{"TIFF cut", func(*testing.T) []byte { return tiffBuf.Bytes()[:tiffBuf.Len()/2] }, Options{}, []error{ErrTruncated}},
		{"JPEG 60000x60000", func(*testing.T) []byte { return hugeJPEG }, Options{}, []error{ErrTooManyPixels}},
		{"PNG 60000x60000", func(*testing.T) []byte { return hugePNG }, Options{}, []error{ErrTooManyPixels}},
		{"MaxPixels", func(*testing.T) []byte { return jpg }, Options{MaxPixels: 600*400 - 1}, []error{ErrTooManyPixels}},
		{"MaxPixels, checked by MuPDF", func(*testing.T) []byte { return gifBuf.Bytes() }, Options{MaxPixels: 100*100 - 1}, []error{ErrTooManyPixels}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Prepare(bg, tt.data(t), tt.opts)
			for _, want := range tt.want {
				if errors.Is(err, want) {
					t.Logf("%v", err)
					return
				}
			}
			t.Errorf("got %v (%dx%d), want %v", err, r.Width, r.Height, tt.want)
		})
	}
}

// TestTruncatedEverywhere cuts a baseline and a progressive JPEG and a PNG
// at many points: none may succeed, every error must say incomplete.
func TestTruncatedEverywhere(t *testing.T) {
	jpg := encodeJPEG(t, photo(160, 120, 5, 12), 85)
	files := map[string][]byte{"jpeg": jpg, "png": encodePNG(t, photo(100, 80, 6, 12))}
	if hasConvert() {
		files["progressive"] = convert(t, jpg, "jpg", "jpg", "-interlace", "Plane")
	}
	for name, data := range files {
		step := max(1, len(data)/300)
		for n := 2; n < len(data); n += step {
			_, err := Prepare(bg, data[:n], Options{})
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("%s cut at %d of %d: got %v, want ErrTruncated", name, n, len(data), err)
			}
		}
	}
}

func hasConvert() bool {
	_, err := exec.LookPath("convert")
	return err == nil
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	data := encodeJPEG(t, quadrants(64, 64), 90)
	if _, err := Prepare(ctx, data, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Prepare: got %v, want context.Canceled", err)
	}
	p := filepath.Join(t.TempDir(), "a.jpg")
	os.WriteFile(p, data, 0o644)
	if _, err := PrepareFile(ctx, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("PrepareFile: got %v, want context.Canceled", err)
	}
	_, errs := PrepareAll(ctx, []string{p, p, p}, Options{}, nil)
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("PrepareAll[%d]: got %v, want context.Canceled", i, err)
		}
	}
}

// TestCancelledDuring cancels the context from inside the pipeline at each
// stage boundary in turn, through a context whose Err turns non-nil after
// a number of calls.
func TestCancelledDuring(t *testing.T) {
	data := encodeJPEG(t, photo(800, 600, 2, 10), 90)
	for calls := 1; ; calls++ {
		ctx := &countdown{Context: bg, left: calls}
		_, err := Prepare(ctx, data, Options{MaxEdge: 300})
		if err == nil {
			if calls < 4 {
				t.Fatalf("only %d checks of the context", calls-1)
			}
			return
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled at check %d: got %v, want context.Canceled", calls, err)
		}
	}
}

type countdown struct {
	context.Context
	mu   sync.Mutex
	left int
}

func (c *countdown) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left--; c.left < 0 {
		return context.Canceled
	}
	return nil
}

func TestConcurrent(t *testing.T) {
	const n = 8
	inputs := make([][]byte, n)
	for i := range inputs {
		if i%2 == 0 {
			inputs[i] = encodeJPEG(t, photo(1200+40*i, 900, uint64(i), 10), 88)
		} else {
			inputs[i] = encodePNG(t, photo(900, 1300+40*i, uint64(i), 10))
		}
	}
	var wg sync.WaitGroup
	results := make([]Result, n)
	errs := make([]error, n)
	for i := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Prepare(bg, inputs[i], Options{MaxEdge: 800})
		}()
	}
	wg.Wait()
	for i := range inputs {
		if errs[i] != nil {
			t.Errorf("%d: %v", i, errs[i])
			continue
		}
		decodeResult(t, results[i])
		if max(results[i].Width, results[i].Height) != 800 {
			t.Errorf("%d: got %dx%d", i, results[i].Width, results[i].Height)
		}
	}
}

func TestPrepareAll(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := 0; i < 7; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%d.jpg", i))
		data := encodeJPEG(t, quadrants(100+10*i, 80), 90)
		if i == 3 {
			data = []byte("not a photo")
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, filepath.Join(dir, "missing.jpg"))
	var calls []int
	results, errs := PrepareAll(bg, paths, Options{}, func(done, total int) {
		if total != len(paths) {
			t.Errorf("total %d, want %d", total, len(paths))
		}
		calls = append(calls, done) // calls do not overlap
	})
	if len(results) != len(paths) || len(errs) != len(paths) {
		t.Fatalf("got %d results and %d errors for %d paths", len(results), len(errs), len(paths))
	}
	for i := range paths {
		switch {
		case i == 3:
			if !errors.Is(errs[i], ErrNotImage) || !strings.Contains(errs[i].Error(), "3.jpg") {
				t.Errorf("%d: got %v, want ErrNotImage naming 3.jpg", i, errs[i])
			}
		case i == 7:
			if !errors.Is(errs[i], os.ErrNotExist) {
				t.Errorf("%d: got %v, want not exist", i, errs[i])
			}
		case errs[i] != nil:
			t.Errorf("%d: %v", i, errs[i])
		case results[i].Width != 100+10*i:
			t.Errorf("%d: result is %d wide, want %d: order lost", i, results[i].Width, 100+10*i)
		}
	}
	for i, d := range calls {
		if d != i+1 {
			t.Fatalf("progress calls %v, want 1…%d", calls, len(paths))
		}
	}
	if len(calls) != len(paths) {
		t.Errorf("progress called %d times, want %d", len(calls), len(paths))
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		srcW, srcH, max  int
		w, h, reqw, reqh int
	}{
		{4000, 3000, 2000, 2000, 1500, 1998, 1498},
		{4032, 3024, 2000, 2000, 1500, 2014, 1510},
		{3000, 4000, 2000, 1500, 2000, 1498, 1998},
		{12000, 9000, 2000, 2000, 1500, 2998, 2248},
		{640, 480, 2000, 640, 480, 0, 0},
		{2000, 1000, 2000, 2000, 1000, 0, 0},
		{2001, 1000, 2000, 2000, 1000, 0, 0},
		{2001, 999, 2000, 2000, 999, 0, 0},
		{100000, 3, 2000, 2000, 1, 0, 0},
		{4000, 3000, 1, 1, 1, 60, 44},
	}
	for _, tt := range tests {
		w, h, reqw, reqh := plan(tt.srcW, tt.srcH, tt.max)
		if w != tt.w || h != tt.h || reqw != tt.reqw || reqh != tt.reqh {
			t.Errorf("plan(%d, %d, %d) = %d, %d, %d, %d; want %d, %d, %d, %d",
				tt.srcW, tt.srcH, tt.max, w, h, reqw, reqh, tt.w, tt.h, tt.reqw, tt.reqh)
		}
	}
}

// TestDecodeReduction checks that MuPDF reduces the image while decoding
// by exactly the factor plan asked for.
func TestDecodeReduction(t *testing.T) {
	tests := []struct {
		name       string
		data       []byte
		maxEdge    int
		decW, decH int
	}{
		{"12 MP phone photo", encodeJPEG(t, photo(4032, 3024, 1, 4), 80), 2000, 2016, 1512},
		{"JPEG by 1/8", encodeJPEG(t, photo(800, 600, 1, 4), 80), 100, 100, 75},
		{"JPEG by 1/8 and 1/2 more", encodeJPEG(t, photo(1600, 1200, 1, 4), 80), 100, 100, 75},
		{"JPEG, no reduction", encodeJPEG(t, photo(800, 600, 1, 4), 80), 500, 800, 600},
		{"PNG by 1/2", encodePNG(t, photo(1000, 500, 1, 4)), 400, 500, 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr trace
			if _, err := prepare(bg, tt.data, Options{MaxEdge: tt.maxEdge}.withDefaults(), &tr); err != nil {
				t.Fatal(err)
			}
			if tr.decW != tt.decW || tr.decH != tt.decH {
				t.Errorf("decoded at %dx%d, want %dx%d", tr.decW, tr.decH, tt.decW, tt.decH)
			}
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o != (Options{2000, 80, 40 << 20, 100_000_000}) {
		t.Errorf("defaults: %+v", o)
	}
	o = Options{MaxEdge: -1, Quality: 500, MaxFileSize: -1, MaxPixels: -1}.withDefaults()
	if o != (Options{2000, 100, 40 << 20, 100_000_000}) {
		t.Errorf("out of range: %+v", o)
	}
	if o := (Options{Quality: -3}).withDefaults(); o.Quality != 1 {
		t.Errorf("quality -3: %d", o.Quality)
	}
	// Quality changes the size of the result.
	data := encodeJPEG(t, photo(800, 600, 1, 12), 95)
	lo, err1 := Prepare(bg, data, Options{Quality: 30})
	hi, err2 := Prepare(bg, data, Options{Quality: 95})
	if err1 != nil || err2 != nil || len(lo.JPEG) >= len(hi.JPEG) {
		t.Errorf("quality 30: %d bytes (%v), 95: %d bytes (%v)", len(lo.JPEG), err1, len(hi.JPEG), err2)
	}
}

// TestInputUntouched checks that Prepare neither modifies nor keeps data.
func TestInputUntouched(t *testing.T) {
	data := withExif(encodeJPEG(t, quadrants(300, 200), 90), 6, binary.BigEndian, "x")
	orig := append([]byte{}, data...)
	if _, err := Prepare(bg, data, Options{MaxEdge: 100}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, orig) {
		t.Error("Prepare modified its input")
	}
}

func TestVersionMismatch(t *testing.T) {
	if _, err := newEngineVersion("1.0.0"); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("got %v, want a version error", err)
	}
}

// TestResultIsBaseline checks that the result carries no metadata segment
// at all: only SOI, DQT, SOF0, DHT, SOS and EOI.
func TestResultIsBaseline(t *testing.T) {
	r, err := Prepare(bg, withExif(encodeJPEG(t, quadrants(300, 200), 90), 1, binary.LittleEndian, "GPS"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := r.JPEG
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 || b[len(b)-2] != 0xFF || b[len(b)-1] != 0xD9 {
		t.Fatal("result does not start with SOI and end with EOI")
	}
	seen := map[byte]bool{}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("no marker at offset %d", i)
		}
		m := b[i+1]
		seen[m] = true
		if m == 0xDA {
			break
		}
		i += 2 + (int(b[i+2])<<8 | int(b[i+3]))
	}
	var markers []string
	for m := range seen {
		markers = append(markers, fmt.Sprintf("%02X", m))
	}
	slices.Sort(markers)
	// DB is DQT, C0 SOF0 (baseline), C4 DHT, DA SOS: nothing else, and no
	// other frame type such as progressive SOF2.
	if got := strings.Join(markers, " "); got != "C0 C4 DA DB" {
		t.Errorf("got segments %s before the scan, want exactly C0 C4 DA DB (SOF0, DHT, SOS, DQT)", got)
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
		t.Error(err)
	}
}
