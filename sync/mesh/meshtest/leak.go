package meshtest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// expected are the goroutines a stopped node may leave, and why:
//   - Syncthing's case-insensitivity registry keeps one cleaner for the
//     whole process;
//   - goleveldb's memory pool drainer outlives a closed database by up to
//     a second;
//   - when Syncthing stops while a peer's connection is half set up (about
//     one stop in ten when both ends close together), its goroutine
//     waiting for that connection to close never ends. This is inside
//     Syncthing's connection service; pausing the peers before stopping
//     made it more frequent, not less.
var expected = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/fs.(*caseFilesystemRegistry).cleaner"),
	goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
	goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/connections.(*service).handleHellos.func1"),
}

// NoLeaks returns a check to defer: it fails t if goroutines started
// since the call are still there once they had time to end. A stopped
// node's connections close asynchronously, so their goroutines may take
// a few seconds on a busy machine; see leaked. The expected leftovers of
// a stopped node are ignored.
func NoLeaks(t testing.TB) func() {
	opts := append([]goleak.Option{goleak.IgnoreCurrent()}, expected...)
	return func() {
		t.Helper()
		if err := leaked(opts); err != nil {
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
	code := m.Run()
	if code == 0 {
		if err := leaked(opts); err != nil {
			fmt.Fprintln(os.Stderr, "goleak: goroutines left after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// leaked calls goleak.Find, which waits a little on each call, until it
// finds nothing or ten seconds have passed, and returns what it last found.
func leaked(opts []goleak.Option) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
	}
}
