package pdf

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"dinh/meeting/demo"
)

func newRenderer(tb testing.TB, pages, workers int, opts ...RendererOption) *Renderer {
	tb.Helper()
	r, err := NewRenderer(writeDoc(tb, tb.TempDir(), demo.PDFSpec{Pages: pages, Seed: 5}), workers, opts...)
	if err != nil {
		tb.Fatalf("new renderer: got %v, want nil", err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// waitFor yields until cond holds. It may run on a worker goroutine, where
// t.Fatal would only end that goroutine, so after a generous deadline it
// panics instead of hanging.
func waitFor(what string, cond func() bool) {
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			panic("timed out waiting for " + what)
		}
		runtime.Gosched()
	}
}

func (r *Renderer) pendingPages() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, j := range r.pending {
		out = append(out, j.key.page)
	}
	return out
}

func TestRendererRenderAndCache(t *testing.T) {
	r := newRenderer(t, 3, 2)
	ctx := context.Background()
	if got := r.NumPages(); got != 3 {
		t.Errorf("got %d pages, want 3", got)
	}
	if w, h, err := r.PageSize(2); err != nil || !near(w, a4W) || !near(h, a4H) {
		t.Errorf("page size: got %.2f×%.2f (%v), want A4", w, h, err)
	}
	a, err := r.Render(ctx, 1, 150)
	if err != nil {
		t.Fatalf("render: got %v, want nil", err)
	}
	if w, h := pixelSize(a4W, a4H, BucketDPI(150)); a.Bounds().Dx() != w || a.Bounds().Dy() != h {
		t.Errorf("got %v, want %d×%d", a.Bounds(), w, h)
	}
	if ink, _ := inkStats(a); ink < 0.02 {
		t.Errorf("got %.3f of pixels inked, want a page with text", ink)
	}
	b, err := r.Render(ctx, 1, 151) // same DPI bucket
	if err != nil || b != a {
		t.Errorf("second render: got %p (%v), want the cached %p", b, err, a)
	}
	c, err := r.Render(ctx, 1, 72)
	if err != nil || c == a {
		t.Errorf("other dpi: got %p (%v), want a new image", c, err)
	}
	for _, page := range []int{-1, 3} {
		if _, err := r.Render(ctx, page, 72); !errors.Is(err, ErrPageRange) {
			t.Errorf("page %d: got %v, want %v", page, err, ErrPageRange)
		}
	}
}

func TestRendererCacheBudget(t *testing.T) {
	pageBytes := int64(4 * 596 * 842)
	r := newRenderer(t, 4, 1, WithCacheBytes(2*pageBytes+1))
	ctx := context.Background()
	first, _ := r.Render(ctx, 0, 72)
	r.Render(ctx, 1, 72)
	r.Render(ctx, 2, 72) // evicts page 0
	r.mu.Lock()
	used, n := r.cache.used, r.cache.order.Len()
	r.mu.Unlock()
	if n != 2 || used != 2*pageBytes {
		t.Errorf("got %d images, %d bytes cached, want 2 and %d", n, used, 2*pageBytes)
	}
	again, _ := r.Render(ctx, 0, 72)
	if again == first {
		t.Errorf("got the evicted image back, want a new render")
	}
}

func TestRendererNewestFirstAndCancel(t *testing.T) {
	r := newRenderer(t, 6, 1)
	started := make(chan jobKey, 16)
	r.testStarted = func(j *job) { started <- j.key }

	// Hold the only worker inside page 0 so that later requests queue.
	w := r.workers[0]
	w.doc.mu.Lock()
	ctx := context.Background()
	results := make(chan error, 8)
	go func() { _, err := r.Render(ctx, 0, 50); results <- err }()
	if k := <-started; k.page != 0 {
		t.Fatalf("got page %d first, want 0", k.page)
	}

	cancelled, cancel := context.WithCancel(ctx)
	for _, p := range []int{1, 2, 3} {
		c := ctx
		if p == 2 {
			c = cancelled
		}
		go func() { _, err := r.Render(c, p, 50); results <- err }()
		waitFor(fmt.Sprintf("page %d queued", p), func() bool { return len(r.pendingPages()) == p })
	}
	cancel()
	if err := <-results; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: got %v, want %v", err, context.Canceled)
	}
	if got := r.pendingPages(); len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("got pending pages %v, want [1 3]", got)
	}

	w.doc.mu.Unlock()
	for i := 0; i < 3; i++ {
		if err := <-results; err != nil {
			t.Errorf("got %v, want nil", err)
		}
	}
	for _, want := range []int{3, 1} {
		if k := <-started; k.page != want {
			t.Errorf("got page %d next, want %d (newest first)", k.page, want)
		}
	}
}

func TestRendererAbortsRunningRender(t *testing.T) {
	r := newRenderer(t, 2, 1)
	ctx, cancel := context.WithCancel(context.Background())
	aborted := make(chan *job, 1)
	r.testStarted = func(j *job) {
		// Cancel as the render starts and wait until the request has
		// given it up, so that the abort is set before MuPDF runs.
		cancel()
		waitFor("request dropped", func() bool {
			r.mu.Lock()
			defer r.mu.Unlock()
			return j.waiters == 0
		})
		aborted <- j
	}
	if _, err := r.Render(ctx, 0, 300); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want %v", err, context.Canceled)
	}
	j := <-aborted
	<-j.done
	if j.err != context.Canceled || j.img != nil {
		t.Errorf("worker: got %v and image %v, want %v and none", j.err, j.img != nil, context.Canceled)
	}
	r.testStarted = nil
	r.mu.Lock()
	cached := r.cache.order.Len()
	r.mu.Unlock()
	if cached != 0 {
		t.Errorf("got %d cached images after an aborted render, want 0", cached)
	}
	// The worker recovers and serves the next request.
	if img, err := r.Render(context.Background(), 0, 300); err != nil || img == nil {
		t.Errorf("after abort: got %v, want an image", err)
	}
}

func TestRendererConcurrent(t *testing.T) {
	r := newRenderer(t, 8, 3, WithCacheBytes(8<<20))
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for k := 0; k < 25; k++ {
				page := rng.Intn(8)
				dpi := []float64{30, 45, 60}[rng.Intn(3)]
				ctx, cancel := context.WithCancel(context.Background())
				if rng.Intn(3) == 0 {
					cancel()
				}
				img, err := r.Render(ctx, page, dpi)
				cancel()
				switch {
				case errors.Is(err, context.Canceled):
				case err != nil:
					errs <- err
				default:
					w, h := pixelSize(a4W, a4H, BucketDPI(dpi))
					if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
						errs <- fmt.Errorf("page %d at %g: got %v, want %d×%d", page, dpi, img.Bounds(), w, h)
					}
				}
				if rng.Intn(10) == 0 {
					if _, err := r.Search(context.Background(), "ngan sach"); err != nil {
						errs <- err
					}
				}
			}
		}(int64(g))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRendererSearch(t *testing.T) {
	r := newRenderer(t, 3, 1)
	hits, err := r.Search(context.Background(), "ngan sach")
	if err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	pages := map[int]int{}
	last := -1
	for _, h := range hits {
		pages[h.Page]++
		if h.Page < last {
			t.Errorf("got page %d after %d, want page order", h.Page, last)
		}
		last = h.Page
		if len(h.Rects) == 0 || len(h.Rects) > 2 {
			t.Errorf("got %d rects for one hit, want 1 or 2", len(h.Rects))
		}
	}
	for p := 0; p < 3; p++ {
		if pages[p] == 0 {
			t.Errorf("page %d: got no hits, want some", p)
		}
	}
	again, _ := r.Search(context.Background(), "NGÂN SÁCH")
	if len(again) != len(hits) {
		t.Errorf("with diacritics: got %d hits, want %d", len(again), len(hits))
	}
	if h, _ := r.Search(context.Background(), "Trang 3/3"); len(h) != 1 || h[0].Page != 2 {
		t.Errorf("\"Trang 3/3\": got %+v, want one hit on page 2", h)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Search(ctx, "ngan sach"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want %v", err, context.Canceled)
	}
}

func TestRendererClose(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, err := NewRenderer(writeDoc(t, t.TempDir(), demo.PDFSpec{Pages: 4, Seed: 3}), 2)
	if err != nil {
		t.Fatal(err)
	}
	// Hold both workers so that a third request waits in the queue.
	for _, w := range r.workers {
		w.doc.mu.Lock()
	}
	results := make(chan error, 3)
	for p := 0; p < 3; p++ {
		go func() { _, err := r.Render(context.Background(), p, 40); results <- err }()
	}
	waitFor("one request queued behind two running", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.inflight) == 3 && len(r.pending) == 1
	})
	closed := make(chan error)
	go func() { closed <- r.Close() }()
	if err := <-results; !errors.Is(err, ErrClosed) {
		t.Errorf("queued request: got %v, want %v", err, ErrClosed)
	}
	for _, w := range r.workers {
		w.doc.mu.Unlock()
	}
	for i := 0; i < 2; i++ {
		// The running renders were aborted by Close.
		if err := <-results; !errors.Is(err, ErrClosed) {
			t.Errorf("running request: got %v, want %v", err, ErrClosed)
		}
	}
	if err := <-closed; err != nil {
		t.Errorf("close: got %v, want nil", err)
	}
	if _, err := r.Render(context.Background(), 0, 40); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: got %v, want %v", err, ErrClosed)
	}
	if _, err := r.Search(context.Background(), "ngan"); !errors.Is(err, ErrClosed) {
		t.Errorf("search after close: got %v, want %v", err, ErrClosed)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second close: got %v, want nil", err)
	}
}

func TestNewRendererErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	locked := writeDoc(t, dir, demo.PDFSpec{Pages: 1, Password: "x"})
	if _, err := NewRenderer(locked, 2); !errors.Is(err, ErrPassword) {
		t.Errorf("got %v, want %v", err, ErrPassword)
	}
}
