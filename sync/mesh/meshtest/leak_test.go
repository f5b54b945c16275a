package meshtest

import (
	"testing"
)

//go:noinline
func park(stop chan struct{}) { <-stop }

// TestTopIDsCounts: the counter behind the half-open budget finds each
// goroutine parked in a function, and only those.
func TestTopIDsCounts(t *testing.T) {
	stop := make(chan struct{})
	started := make(chan struct{})
	for range 3 {
		go func() { started <- struct{}{}; park(stop) }()
	}
	for range 3 {
		<-started
	}
	// The goroutines may not have parked yet: wait until all three show.
	var got map[string]bool
	for len(got) < 3 {
		got = topIDs("dinh/sync/mesh/meshtest.park")
	}
	if len(got) != 3 {
		t.Errorf("got %d goroutines in park, want 3", len(got))
	}
	close(stop)
	for len(topIDs("dinh/sync/mesh/meshtest.park")) != 0 {
	}
	if n := len(topIDs(halfOpen...)); n != 0 {
		t.Errorf("got %d half-open goroutines in a process without Syncthing, want 0", n)
	}
}
