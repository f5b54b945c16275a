package meshtest

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// expected are the goroutines a stopped node may leave, and why:
//   - Syncthing's case-insensitivity registry keeps one cleaner for the
//     whole process;
//   - goleveldb's memory pool drainer outlives a closed database by up to
//     a second.
var expected = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/fs.(*caseFilesystemRegistry).cleaner"),
	goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
	// suture, Syncthing's service supervisor, hands a removed service's
	// end to a supervisor that may have stopped meanwhile, and waits.
	goleak.IgnoreTopFunction("github.com/thejerf/suture/v4.(*Supervisor).removeService.func1.1"),
	goleak.IgnoreTopFunction(halfOpen[0]),
	goleak.IgnoreTopFunction(halfOpen[1]),
	goleak.IgnoreTopFunction(halfOpen[2]),
}

// halfOpen are the goroutines Syncthing leaves when it stops while a
// peer's connection is half set up (about one stop in ten when both ends
// close together), and never end. This is inside Syncthing's connection
// service; pausing the peers before stopping made it more frequent, not
// less. Either the hello exchange waits for the connection to close, or
// the TCP listener has just accepted a connection and blocks handing it to
// the stopped service (an unguarded channel send in tcp_listen.go), with
// the supervisor's goroutine that waits for the listener to end. They are
// counted rather than ignored: a check allows at most its budget of them,
// so a real leak of connections still fails.
var halfOpen = []string{
	"github.com/syncthing/syncthing/lib/connections.(*service).handleHellos.func1",
	"github.com/syncthing/syncthing/lib/connections.(*tcpListener).serve",
	"github.com/thejerf/suture/v4.(*Supervisor).runService.func1",
}

// Budgets of half-open leftovers: one test stops at most a chain of three
// nodes (two connections; a listener's leftover is two goroutines); a
// whole package's tests stop a few dozen.
const (
	testBudget    = 2
	packageBudget = 6
)

// NoLeaks returns a check to defer: it fails t if goroutines started
// since the call are still there once they had time to end. A stopped
// node's connections close asynchronously, so their goroutines may take
// a few seconds on a busy machine; see leaked. The expected leftovers of
// a stopped node are ignored, and half-open ones counted against the
// test's budget. A test that runs another tool in its process names that
// tool's own leftovers in also.
func NoLeaks(t testing.TB, also ...goleak.Option) func() {
	opts := append(append([]goleak.Option{goleak.IgnoreCurrent()}, expected...), also...)
	before := topIDs(halfOpen...)
	return func() {
		t.Helper()
		if err := leaked(opts, before, testBudget); err != nil {
			t.Error(err)
		}
	}
}

// Main runs a package's tests and then fails the run if goroutines
// started by them are still there once they had time to end, with the
// patience and the exceptions of NoLeaks. It is goleak.VerifyTestMain for
// packages whose tests run Syncthing nodes.
func Main(m *testing.M) {
	opts := append([]goleak.Option{goleak.IgnoreCurrent()}, expected...)
	before := topIDs(halfOpen...)
	code := m.Run()
	if code == 0 {
		if err := leaked(opts, before, packageBudget); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: goroutines left after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// leaked calls goleak.Find, which waits a little on each call, until it
// finds nothing and no more half-open leftovers than budget (not counting
// those in before), or ten seconds have passed; it returns what it last
// found.
func leaked(opts []goleak.Option, before map[string]bool, budget int) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := goleak.Find(opts...)
		if err == nil {
			n := 0
			for id := range topIDs(halfOpen...) {
				if !before[id] {
					n++
				}
			}
			if n > budget {
				err = fmt.Errorf("%d goroutines of Syncthing's half-open connections are left, at most %d allowed", n, budget)
			}
		}
		if err == nil || time.Now().After(deadline) {
			return err
		}
	}
}

// topIDs returns the IDs of the goroutines whose top function is one of fns.
func topIDs(fns ...string) map[string]bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	ids := map[string]bool{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		lines := strings.SplitN(string(g), "\n", 3)
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		for _, fn := range fns {
			if strings.HasPrefix(lines[1], fn+"(") {
				ids[strings.Fields(lines[0])[1]] = true
			}
		}
	}
	return ids
}
