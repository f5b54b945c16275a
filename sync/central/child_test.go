package central

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/store"
	"dinh/sync/mesh"
)

// childSpec tells a child process of this test binary what to run: a
// Syncthing node from a site's folder and, for central, ingest passes
// that stop at a named step and wait there to be killed. Tests kill the
// child with SIGKILL, as a power cut or the OOM killer would.
type childSpec struct {
	Dir      string // the site's folder, as newSite made it
	Listen   string
	Peers    []mesh.Peer
	Commune  mesh.FolderType
	Receipts mesh.FolderType
	RecvKbps int
	// For central only: its private key, and the ingest step to stop at
	// ("extracted" or "renamed"); empty runs a hub.
	Key  string
	Stop string
}

// TestMain runs the child when the environment names one.
func TestMain(m *testing.M) {
	if spec := os.Getenv("DINH_CENTRAL_CHILD"); spec != "" {
		if err := runChild(spec); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(raw string) error {
	var s childSpec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return err
	}
	var ids []string
	for _, p := range s.Peers {
		ids = append(ids, p.ID)
	}
	node, err := mesh.Start(context.Background(), mesh.Config{
		Dir: filepath.Join(s.Dir, "mesh"), Listen: s.Listen, Peers: s.Peers, MaxRecvKbps: s.RecvKbps,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Folders: []mesh.Folder{
			{ID: communeID, Path: filepath.Join(s.Dir, "commune"), Type: s.Commune, Peers: ids},
			{ID: receiptsID, Path: filepath.Join(s.Dir, "receipts"), Type: s.Receipts, Peers: ids},
		},
	})
	if err != nil {
		return err
	}
	fmt.Println("started")
	if s.Key == "" {
		select {} // a hub: relay until killed
	}
	key, err := agekey.ParsePrivate(s.Key)
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(s.Dir, "store"))
	if err != nil {
		return err
	}
	halt := func() {
		fmt.Println(s.Stop)
		select {} // until killed
	}
	switch s.Stop {
	case "extracted":
		ingestHooks.extracted = halt
	case "renamed":
		ingestHooks.renamed = halt
	default:
		return fmt.Errorf("unknown step %q", s.Stop)
	}
	c := New(Config{Store: st, Key: key, Node: node, CommuneID: communeID, CommuneDir: filepath.Join(s.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(s.Dir, "receipts"), DataDir: s.Dir,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for {
		if _, err := c.Pass(); err != nil {
			return err
		}
		select {
		case <-node.Changed():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// child is a running child process and the lines it prints.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t testing.TB, s childSpec) *child {
	t.Helper()
	raw, _ := json.Marshal(s)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DINH_CENTRAL_CHILD="+string(raw))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 16)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	return c
}

// await waits until the child prints want, and fails if it prints an
// error, ends or takes two minutes first.
func (c *child) await(t testing.TB, want string) {
	t.Helper()
	deadline := time.After(120 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("the child ended before it reached %q", want)
			}
			if l == want {
				return
			}
			if len(l) > 6 && l[:6] == "error:" {
				t.Fatalf("the child failed before it reached %q: %s", want, l)
			}
		case <-deadline:
			t.Fatalf("the child did not reach %q in two minutes", want)
		}
	}
}

// kill sends SIGKILL and checks that the child died of it.
func (c *child) kill(t testing.TB) {
	t.Helper()
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, want killed by SIGKILL", c.cmd.ProcessState)
	}
	for range c.lines {
	}
}
