package meshtest

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

// NoLeaks returns a check to defer: it fails t if goroutines started
// since the call are still there once they had time to end. A stopped
// node's connections close asynchronously, so their goroutines may take
// a few seconds on a busy machine; goleak.Find waits a little on each
// call, and the check calls it until a deadline. Expected, and ignored:
//   - Syncthing's case-insensitivity registry keeps one cleaner for the
//     whole process;
//   - goleveldb's memory pool drainer outlives a closed database by up to
//     a second;
//   - when Syncthing stops while a peer's connection is half set up (about
//     one stop in ten when both ends close together), its goroutine
//     waiting for that connection to close never ends. This is inside
//     Syncthing's connection service; pausing the peers before stopping
//     made it more frequent, not less.
func NoLeaks(t testing.TB) func() {
	opts := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/fs.(*caseFilesystemRegistry).cleaner"),
		goleak.IgnoreTopFunction("github.com/syndtr/goleveldb/leveldb.(*DB).mpoolDrain"),
		goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/connections.(*service).handleHellos.func1")}
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			err := goleak.Find(opts...)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Error(err)
				return
			}
		}
	}
}
