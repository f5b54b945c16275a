package pdf

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"sync/atomic"
)

// DefaultCacheBytes is the default budget of a Renderer's image cache: about
// 15 A4 pages at 150 DPI.
const DefaultCacheBytes = 128 << 20

// MaxHits bounds the number of hits Renderer.Search returns.
const MaxHits = 5000

// Hit is one occurrence of a search query: the page (0-based) and one
// rectangle per line the occurrence covers, in points from the page's top
// left.
type Hit struct {
	Page  int
	Rects []Rect
}

// RendererOption configures NewRenderer.
type RendererOption func(*Renderer)

// WithCacheBytes sets the budget of the rendered-image cache. Zero or less
// disables caching.
func WithCacheBytes(n int64) RendererOption {
	return func(r *Renderer) { r.cache.budget = n }
}

// BucketDPI rounds dpi to the resolution the Renderer actually renders at,
// on a grid of 1/16 octave (steps of 4.4 %), so that small zoom changes hit
// the cache. The result is within 2.2 % of dpi.
func BucketDPI(dpi float64) float64 {
	if !(dpi > 0) || math.IsInf(dpi, 0) {
		return dpi
	}
	k := math.Round(16 * math.Log2(dpi/72))
	return math.Round(72*math.Exp2(k/16)*1000) / 1000
}

// Renderer renders the pages of one PDF for a viewer. It keeps several
// Documents open on the same file so that pages render in parallel, caches
// the images it renders, serves the newest request first, and drops a
// request whose context is cancelled, stopping its render if it has
// started. All methods are safe for concurrent use.
type Renderer struct {
	path  string
	pages int
	side  *Document // page sizes and search, never rendering

	mu       sync.Mutex
	wake     *sync.Cond
	pending  []*job // a stack: the newest request is served first
	inflight map[jobKey]*job
	cache    imageCache
	closed   bool
	workers  []*worker
	wg       sync.WaitGroup

	// testStarted, if set, runs on the worker when a job starts (tests).
	testStarted func(*job)

	closing  atomic.Bool
	searchMu sync.Mutex
	texts    []*pageText // extracted text per page, filled by Search
}

type jobKey struct {
	page int
	dpi  float64
}

type job struct {
	key     jobKey
	waiters int
	running *worker
	done    chan struct{}
	img     *image.RGBA
	err     error
}

type worker struct {
	doc *Document
}

type pageText struct {
	chars  []char
	folded foldedPage
}

// NewRenderer opens the PDF at path with workers Documents (at least 1) that
// render in parallel. Errors are those of Open.
func NewRenderer(path string, workers int, opts ...RendererOption) (*Renderer, error) {
	workers = max(workers, 1)
	side, err := Open(path)
	if err != nil {
		return nil, err
	}
	r := &Renderer{
		path:     path,
		pages:    side.NumPages(),
		side:     side,
		inflight: make(map[jobKey]*job),
		texts:    make([]*pageText, side.NumPages()),
	}
	r.cache.budget = DefaultCacheBytes
	r.cache.init()
	r.wake = sync.NewCond(&r.mu)
	for _, o := range opts {
		o(r)
	}
	for i := 0; i < workers; i++ {
		d, err := Open(path)
		if err != nil {
			for _, w := range r.workers {
				w.doc.Close()
			}
			side.Close()
			return nil, err
		}
		r.workers = append(r.workers, &worker{doc: d})
	}
	for _, w := range r.workers {
		r.wg.Add(1)
		go r.work(w)
	}
	return r, nil
}

// NumPages returns the number of pages, at least 1.
func (r *Renderer) NumPages() int { return r.pages }

// PageSize returns the size of page i (0-based) in points.
func (r *Renderer) PageSize(i int) (wPt, hPt float64, err error) {
	return r.side.PageSize(i)
}

// Render returns page i (0-based) drawn at BucketDPI(dpi). The image may be
// shared with other callers and the cache: do not modify it. If ctx is done
// before the image is ready, Render returns ctx.Err() at once and the work
// is dropped, or stopped if it has started and no other caller waits for
// the same page.
func (r *Renderer) Render(ctx context.Context, i int, dpi float64) (*image.RGBA, error) {
	if i < 0 || i >= r.pages {
		return nil, fmt.Errorf("%w: page %d of %d", ErrPageRange, i, r.pages)
	}
	if !(dpi > 0) || math.IsInf(dpi, 0) {
		return nil, fmt.Errorf("pdf: render page %d: invalid dpi %g", i, dpi)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := jobKey{page: i, dpi: BucketDPI(dpi)}

	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	if img := r.cache.get(k); img != nil {
		r.mu.Unlock()
		return img, nil
	}
	j := r.inflight[k]
	if j == nil {
		j = &job{key: k, done: make(chan struct{})}
		r.inflight[k] = j
		r.pending = append(r.pending, j)
		r.wake.Signal()
	} else if j.running == nil {
		r.promote(j)
	}
	j.waiters++
	r.mu.Unlock()

	select {
	case <-j.done:
		return j.img, j.err
	case <-ctx.Done():
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	j.waiters--
	select {
	case <-j.done:
		// Finished meanwhile: the result is cached, but the caller has
		// gone.
	default:
		if j.waiters == 0 {
			r.drop(j)
		}
	}
	return nil, ctx.Err()
}

// promote moves a pending job to the top of the stack. r.mu is held.
func (r *Renderer) promote(j *job) {
	for k, p := range r.pending {
		if p == j {
			copy(r.pending[k:], r.pending[k+1:])
			r.pending[len(r.pending)-1] = j
			return
		}
	}
}

// drop abandons a job nobody waits for: unqueue it, or stop its render.
// r.mu is held.
func (r *Renderer) drop(j *job) {
	// A new request for the same page must not join a job being stopped.
	delete(r.inflight, j.key)
	if j.running != nil {
		j.running.doc.e.abort()
		return
	}
	for k, p := range r.pending {
		if p == j {
			r.pending = append(r.pending[:k], r.pending[k+1:]...)
			break
		}
	}
	j.err = context.Canceled
	close(j.done)
}

func (r *Renderer) work(w *worker) {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		for len(r.pending) == 0 && !r.closed {
			r.wake.Wait()
		}
		if r.closed {
			r.mu.Unlock()
			return
		}
		j := r.pending[len(r.pending)-1]
		r.pending = r.pending[:len(r.pending)-1]
		j.running = w
		// Cleared under r.mu, where drop sets it, so no abort is lost.
		w.doc.e.resetAbort()
		r.mu.Unlock()
		if r.testStarted != nil {
			r.testStarted(j)
		}

		w.doc.mu.Lock()
		img, err := w.doc.renderLocked(j.key.page, j.key.dpi)
		w.doc.mu.Unlock()

		r.mu.Lock()
		j.running = nil
		if r.inflight[j.key] == j {
			delete(r.inflight, j.key)
		}
		switch {
		case errors.Is(err, errAborted) && r.closed:
			err = ErrClosed
		case errors.Is(err, errAborted):
			err = context.Canceled
		case err == nil:
			r.cache.add(j.key, img)
		}
		j.img, j.err = img, err
		close(j.done)
		r.mu.Unlock()
	}
}

// Search finds query in every page, ignoring case and Vietnamese
// diacritics (see Document.Search), and returns the hits in page order, at
// most MaxHits. The text of each page is extracted once and kept for later
// searches. If ctx is done, Search returns the hits so far and ctx.Err().
func (r *Renderer) Search(ctx context.Context, query string) ([]Hit, error) {
	q := foldQuery(query)
	if len(q) == 0 {
		return nil, nil
	}
	r.searchMu.Lock()
	defer r.searchMu.Unlock()
	var hits []Hit
	for i := 0; i < r.pages; i++ {
		if err := ctx.Err(); err != nil {
			return hits, err
		}
		if r.closing.Load() {
			return hits, ErrClosed
		}
		t := r.texts[i]
		if t == nil {
			chars, err := r.side.chars(i)
			if errors.Is(err, ErrClosed) {
				return hits, err
			}
			// A page whose text cannot be extracted has no hits; the
			// others are still searched.
			t = &pageText{chars: chars, folded: foldChars(chars)}
			r.texts[i] = t
		}
		for _, s := range t.folded.find(q) {
			hits = append(hits, Hit{Page: i, Rects: t.folded.rects(t.chars, s, len(q))})
			if len(hits) >= MaxHits {
				return hits, nil
			}
		}
	}
	return hits, nil
}

// Close stops the workers, fails requests still waiting with ErrClosed and
// closes the documents. It is safe to call more than once.
func (r *Renderer) Close() error {
	r.closing.Store(true)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	// Running renders are aborted before anyone waiting hears ErrClosed,
	// so none of them can still finish after that.
	for _, w := range r.workers {
		// A worker between jobs resets the flag under r.mu before its
		// next job, and sees r.closed first.
		w.doc.e.abort()
	}
	for _, j := range r.pending {
		delete(r.inflight, j.key)
		j.err = ErrClosed
		close(j.done)
	}
	r.pending = nil
	r.wake.Broadcast()
	r.mu.Unlock()

	r.wg.Wait()
	for _, w := range r.workers {
		w.doc.Close()
	}
	r.side.Close()
	r.mu.Lock()
	r.cache.clear()
	r.mu.Unlock()
	return nil
}

// imageCache is a least-recently-used cache of rendered pages bounded by
// the bytes of their pixels. It is guarded by Renderer.mu.
type imageCache struct {
	budget int64
	used   int64
	order  *list.List // front is most recently used; values are *cacheEntry
	byKey  map[jobKey]*list.Element
}

type cacheEntry struct {
	key jobKey
	img *image.RGBA
}

func (c *imageCache) init() {
	c.order = list.New()
	c.byKey = make(map[jobKey]*list.Element)
}

func (c *imageCache) get(k jobKey) *image.RGBA {
	e := c.byKey[k]
	if e == nil {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).img
}

func (c *imageCache) add(k jobKey, img *image.RGBA) {
	size := int64(len(img.Pix))
	if size > c.budget {
		return
	}
	if e := c.byKey[k]; e != nil {
		c.used -= int64(len(e.Value.(*cacheEntry).img.Pix))
		e.Value.(*cacheEntry).img = img
		c.used += size
		c.order.MoveToFront(e)
	} else {
		c.byKey[k] = c.order.PushFront(&cacheEntry{key: k, img: img})
		c.used += size
	}
	for c.used > c.budget {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.byKey, ce.key)
		c.used -= int64(len(ce.img.Pix))
	}
}

func (c *imageCache) clear() {
	c.init()
	c.used = 0
}
