package mesh

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"dinh/sync/mesh/meshtest"
)

// checkLeaks fails t if goroutines started since the call are still there
// a few seconds after the test: goleveldb drains its memory pool for up
// to a second after a database closes. Syncthing's case-insensitivity
// registry keeps one cleaner for the whole process.
func checkLeaks(t *testing.T) func() {
	opts := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("github.com/syncthing/syncthing/lib/fs.(*caseFilesystemRegistry).cleaner")}
	return func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			err := goleak.Find(opts...)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Error(err)
				return
			}
			time.Sleep(100 * time.Millisecond) // goroutines ending have no event to wait on
		}
	}
}

// TestStartCloseLeavesNothing starts and closes a node alone.
func TestStartCloseLeavesNothing(t *testing.T) {
	defer checkLeaks(t)()
	dir := t.TempDir()
	n, err := Start(context.Background(), Config{Dir: filepath.Join(dir, "n"), Listen: meshtest.FreeAddr(t),
		Folders: []Folder{{ID: "f", Path: filepath.Join(dir, "f")}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
}
