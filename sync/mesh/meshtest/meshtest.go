// Package meshtest holds what tests of sync/mesh and of the packages on
// top of it share: loopback addresses, mistyped device IDs, a log buffer
// safe for Syncthing's goroutines, and a wait that wakes on the nodes'
// status changes.
package meshtest

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
	"time"

	"dinh/internal/loopback"
)

// FreeAddr returns a loopback address nothing listens on now, which a
// node stopped and started again finds free (loopback.FreeAddr).
func FreeAddr(t testing.TB) string {
	t.Helper()
	addr, err := loopback.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// Mistype changes the first character of a device ID to another base32
// character, as a slip of the finger would; the ID's check characters
// must catch it. It never returns the ID unchanged, whatever the ID.
func Mistype(id string) string {
	if id[0] == 'X' {
		return "Y" + id[1:]
	}
	return "X" + id[1:]
}

// LogBuf collects log lines from many goroutines.
type LogBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LogBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Changer is a node whose status changes can be awaited.
type Changer interface{ Changed() <-chan struct{} }

// WaitFor waits until cond holds, waking at every status change of the
// nodes. A second without a change wakes it too: some states, like a file
// landing on disk or another goroutine's reaction to a change, have no
// event of their own.
func WaitFor(t testing.TB, what string, cond func() bool, nodes ...Changer) {
	t.Helper()
	deadline := time.After(120 * time.Second)
	for !cond() {
		cases := []reflect.SelectCase{
			{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(deadline)},
			{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(time.After(time.Second))},
		}
		for _, n := range nodes {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(n.Changed())})
		}
		if cond() {
			return
		}
		if i, _, _ := reflect.Select(cases); i == 0 {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
