package photo

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Options bound the work and the result. The zero value gives the
// defaults; a negative or out-of-range value is treated like its default
// (Quality is clamped to 1–100).
type Options struct {
	MaxEdge     int   // longest side of the result in pixels; 0 means 2000
	Quality     int   // JPEG quality 1–100; 0 means 80
	MaxFileSize int64 // refused above this; 0 means 40 MB
	MaxPixels   int64 // refused above this many source pixels; 0 means 100e6
}

// Defaults for the zero Options.
const (
	DefaultMaxEdge     = 2000
	DefaultQuality     = 80
	DefaultMaxFileSize = 40 << 20
	DefaultMaxPixels   = 100_000_000
)

func (o Options) withDefaults() Options {
	if o.MaxEdge <= 0 {
		o.MaxEdge = DefaultMaxEdge
	}
	switch {
	case o.Quality == 0:
		o.Quality = DefaultQuality
	case o.Quality < 1:
		o.Quality = 1
	case o.Quality > 100:
		o.Quality = 100
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	return o
}

// Result is a prepared photo, always a JPEG.
type Result struct {
	JPEG                      []byte
	Width, Height             int    // of the result
	SourceFormat              string // "jpeg", "png", "gif", "bmp" or "tiff"
	SourceWidth, SourceHeight int    // as stored, before the Exif orientation
	SourceSize                int64
}

// Errors returned by this package, wrapped with detail: errors.Is(err,
// photo.ErrTruncated) tells what happened, err.Error() also says where.
var (
	ErrTooLarge      = errors.New("photo: file is too large")
	ErrNotImage      = errors.New("photo: not a supported image")
	ErrTruncated     = errors.New("photo: image file is incomplete")
	ErrTooManyPixels = errors.New("photo: image has too many pixels")
	ErrCorrupt       = errors.New("photo: image cannot be decoded")
)

// Prepare downscales and recompresses the image in data. It does not
// modify or keep data.
func Prepare(ctx context.Context, data []byte, opts Options) (Result, error) {
	return prepare(ctx, data, opts.withDefaults(), nil)
}

// PrepareFile does the same for a file, checking its size before reading it.
// Errors name the file.
func PrepareFile(ctx context.Context, path string, opts Options) (Result, error) {
	o := opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	data, err := readFile(path, o.MaxFileSize)
	if err != nil {
		return Result{}, err
	}
	r, err := prepare(ctx, data, o, nil)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// readFile reads a file of at most limit bytes. The size is checked with
// Stat on the open file first, and the read stops at limit+1 bytes in case
// the file grows meanwhile or is not a regular file.
func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: %w: is a directory", path, ErrNotImage)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: %w: %d bytes, the limit is %d", path, ErrTooLarge, fi.Size(), limit)
	}
	data := make([]byte, 0, fi.Size()+1)
	data, err = readAll(io.LimitReader(f, limit+1), data)
	if err != nil {
		return nil, fmt.Errorf("photo: read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w: more than %d bytes", path, ErrTooLarge, limit)
	}
	return data, nil
}

// readAll is io.ReadAll into buf, which is usually already the right size.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// trace receives internal measurements for the tests and benchmarks.
type trace struct {
	decW, decH int             // what the decoder produced, before scaling
	exif       int             // the Exif orientation applied
	stages     []time.Duration // inspect, open, decode, export, encode
	last       time.Time
}

// mark ends a stage (the first call starts the clock).
func (t *trace) mark() {
	if t == nil {
		return
	}
	now := time.Now()
	if !t.last.IsZero() {
		t.stages = append(t.stages, now.Sub(t.last))
	}
	t.last = now
}

func prepare(ctx context.Context, data []byte, o Options, tr *trace) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	tr.mark()
	if int64(len(data)) > o.MaxFileSize {
		return Result{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), o.MaxFileSize)
	}
	hd, err := inspect(data)
	if err != nil {
		return Result{}, err
	}
	if hd.w > 0 && int64(hd.w)*int64(hd.h) > o.MaxPixels {
		return Result{}, fmt.Errorf("%w: %d×%d, the limit is %d pixels", ErrTooManyPixels, hd.w, hd.h, o.MaxPixels)
	}
	tr.mark()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	img, info, err := decode(ctx, data, hd, o, tr)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	// MuPDF's own JPEG writer can only make progressive 4:4:4 files and
	// takes 2.5 times as long as image/jpeg, which in turn takes twice as
	// long as encodeBaseline (BenchmarkEncode).
	out := encodeBaseline(img, o.Quality)
	b := img.Bounds()
	tr.mark()
	return Result{
		JPEG:         out,
		Width:        b.Dx(),
		Height:       b.Dy(),
		SourceFormat: hd.format,
		SourceWidth:  info.w,
		SourceHeight: info.h,
		SourceSize:   int64(len(data)),
	}, nil
}

// decode runs the MuPDF part of prepare on a fresh context: read the
// header, decode at the reduced size, scale, and copy the pixels, upright,
// into a Go image. Everything MuPDF allocated is freed when it returns.
func decode(ctx context.Context, data []byte, hd header, o Options, tr *trace) (image.Image, imageInfo, error) {
	e, err := newEngine()
	if err != nil {
		return nil, imageInfo{}, err
	}
	defer e.close()

	img, info, err := e.open(data)
	if err != nil {
		return nil, info, classify(err)
	}
	defer e.dropImage(img)
	switch {
	case info.w <= 0 || info.h <= 0:
		return nil, info, fmt.Errorf("%w: image is %d×%d", ErrCorrupt, info.w, info.h)
	case int64(info.w)*int64(info.h) > o.MaxPixels:
		return nil, info, fmt.Errorf("%w: %d×%d, the limit is %d pixels", ErrTooManyPixels, info.w, info.h, o.MaxPixels)
	case hd.w > 0 && (hd.w != info.w || hd.h != info.h):
		return nil, info, fmt.Errorf("%w: header says %d×%d, decoder %d×%d", ErrCorrupt, hd.w, hd.h, info.w, info.h)
	}
	tr.mark()
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}

	w, h, reqw, reqh := plan(info.w, info.h, o.MaxEdge)
	pix, decW, decH, err := e.decode(img, reqw, reqh, w, h)
	if err != nil {
		return nil, info, classify(err)
	}
	defer e.dropPixmap(pix)
	exif := 1
	if hd.format == "jpeg" {
		exif = exifOrientation(info.orientation)
	}
	if tr != nil {
		tr.decW, tr.decH, tr.exif = decW, decH, exif
	}
	tr.mark()
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}

	out, err := e.export(pix, exif)
	tr.mark()
	return out, info, err
}

// plan returns the size of the result for a w × h source, whose longest
// side becomes at most maxEdge, and the size to ask MuPDF's decoder for.
//
// MuPDF reduces an image while decoding by the largest power of two k for
// which it still keeps at least reqw+2 × reqh+2 pixels; a JPEG decoder does
// this in the DCT (1/2, 1/4, 1/8), much faster than decoding in full. plan
// picks the largest k that keeps at least the result's size and asks for
// exactly that, so that a 4000×3000 photo decodes at 2000×1500 directly.
// (Asking for the result's size itself would give k = 0 there: the +2
// allows for rounding when rendering pages, not our case.)
func plan(srcW, srcH, maxEdge int) (w, h, reqw, reqh int) {
	w, h = srcW, srcH
	if long := max(srcW, srcH); long > maxEdge {
		s := float64(maxEdge) / float64(long)
		if srcW >= srcH {
			w, h = maxEdge, max(1, int(math.Round(float64(srcH)*s)))
		} else {
			w, h = max(1, int(math.Round(float64(srcW)*s))), maxEdge
		}
	}
	k := 0
	for k < 6 && srcW>>(k+1) >= w && srcH>>(k+1) >= h {
		k++
	}
	if k == 0 || srcW>>k < 3 || srcH>>k < 3 {
		return w, h, 0, 0
	}
	return w, h, srcW>>k - 2, srcH>>k - 2
}

// PrepareAll prepares the files at paths with a worker per CPU and returns
// their results and errors in the order of paths (errs[i] is nil when
// results[i] is good). progress, if not nil, is called after each file,
// from the worker that finished it, with the number done so far; calls do
// not overlap and done increases by one each time. A cancelled ctx makes
// the remaining files fail quickly with ctx.Err().
func PrepareAll(ctx context.Context, paths []string, opts Options, progress func(done, total int)) ([]Result, []error) {
	results := make([]Result, len(paths))
	errs := make([]error, len(paths))
	var (
		next atomic.Int64
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	workers := min(runtime.NumCPU(), len(paths))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return
				}
				results[i], errs[i] = PrepareFile(ctx, paths[i], opts)
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(paths))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return results, errs
}
