// Package uiqueue stands in for the Fyne event loop in tests. Fyne's test
// driver runs fyne.Do at once on the calling goroutine, so work posted by
// background goroutines would touch widgets concurrently with the test.
// Code under test posts to a Queue instead, and the test goroutine runs
// what was posted, so all widget state is touched by one goroutine, as in
// the app.
package uiqueue

import (
	"sync"
	"testing"
	"time"
)

// Queue holds posted work until the test goroutine runs it.
type Queue struct {
	mu   sync.Mutex
	fns  []func()
	wake chan struct{}
}

// New returns an empty queue.
func New() *Queue { return &Queue{wake: make(chan struct{}, 1)} }

// Post queues f; it is safe from any goroutine.
func (q *Queue) Post(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Drain runs posted work, including work posted while it runs, until
// none is left.
func (q *Queue) Drain() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}

// WaitFor runs posted work until cond holds, failing after a generous
// deadline. cond runs on the test goroutine.
func (q *Queue) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		q.Drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-q.wake:
		case <-time.After(20 * time.Millisecond): // state that changes without posting
		}
	}
}

// Settle runs posted work until none arrives for a moment.
func (q *Queue) Settle() {
	for {
		q.Drain()
		select {
		case <-q.wake:
		case <-time.After(300 * time.Millisecond):
			q.Drain()
			return
		}
	}
}
