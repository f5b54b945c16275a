package pdfview

import (
	"context"
	"sync"
)

// tasks runs the viewer's background work (renders, search, page sizes)
// and ends all of it on close: each task gets its own context, close
// cancels every one and waits for the goroutines to return.
type tasks struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	next    uint64
	cancels map[uint64]context.CancelFunc
	closed  bool
}

// start runs fn in a new goroutine and returns the function that cancels
// it. After close, start runs nothing.
func (t *tasks) start(fn func(ctx context.Context)) (cancel func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return func() {}
	}
	if t.cancels == nil {
		t.cancels = make(map[uint64]context.CancelFunc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	id := t.next
	t.next++
	t.cancels[id] = cancel
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer t.forget(id)
		fn(ctx)
	}()
	return cancel
}

func (t *tasks) forget(id uint64) {
	t.mu.Lock()
	cancel := t.cancels[id]
	delete(t.cancels, id)
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// close cancels every task and waits until all have returned.
func (t *tasks) close() {
	t.mu.Lock()
	t.closed = true
	for _, cancel := range t.cancels {
		cancel()
	}
	t.mu.Unlock()
	t.wg.Wait()
}
