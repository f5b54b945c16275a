package mesh

import (
	"context"
	"path/filepath"
	"testing"

	"dinh/sync/mesh/meshtest"
)

// TestStartCloseLeavesNothing starts and closes a node alone.
func TestStartCloseLeavesNothing(t *testing.T) {
	defer meshtest.NoLeaks(t)()
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
