package mesh

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestNothingOnStdout runs a node in a child process whose environment
// does not set LOGGER_DISCARD, as a real dinhd or app would: Syncthing
// writes nothing to standard output, yet its messages reach the node's
// logger.
func TestNothingOnStdout(t *testing.T) {
	if os.Getenv("DINH_MESH_CHILD") != "" {
		var logged bytes.Buffer
		dir := t.TempDir()
		n, err := Start(context.Background(), Config{Dir: filepath.Join(dir, "n"), Listen: meshtest.FreeAddr(t),
			Log:     slog.New(slog.NewTextHandler(&logged, nil)),
			Folders: []Folder{{ID: "f", Path: filepath.Join(dir, "f")}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		if logged.Len() == 0 {
			t.Fatal("the node's logger got none of Syncthing's messages")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNothingOnStdout$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOGGER_DISCARD=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "DINH_MESH_CHILD=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if !strings.HasPrefix(line, "=== RUN") && !strings.HasPrefix(line, "--- PASS") && line != "PASS" {
			t.Errorf("a node wrote to standard output: %q", line)
		}
	}
}
