package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"dinh/internal/testenv"
	"dinh/offline/outbox"
)

// fieldChain is the README's field section: the shell block between its
// field-chain markers.
func fieldChain(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- field-chain:begin[^>]*-->\\s*```sh\\n(.*?)```\\s*<!-- field-chain:end -->").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no field-chain block")
	}
	return string(m[1])
}

// TestREADMEFieldChain runs the README's field section as a newcomer would
// type it, in order, with dinhd built from this tree, in a network
// namespace of its own (loopback only, so the default ports are free):
// central, a hub that knows only central, a volunteer's device enrolled
// while both run, and a dossier that comes back receipted. The README and
// the product cannot drift apart.
func TestREADMEFieldChain(t *testing.T) {
	testenv.Root(t, "run the README in a network namespace of its own")
	unshare := testenv.Tool(t, "unshare", "util-linux")
	testenv.Tool(t, "ip", "apt-get install iproute2")
	script := fieldChain(t)
	for _, want := range []string{"central init", "hub init", "central run", "dinhd hub ", "dossier init", "dossier join", "devices add", "dossier new", "dossier seal", "dossier sync --data V --until-receipted"} {
		if !strings.Contains(script, want) {
			t.Fatalf("the README's field section lost %q", want)
		}
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "dinhd"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build dinhd: %v\n%s", err, out)
	}
	work := t.TempDir()
	writeJPEG(t, filepath.Join(work, "phieu.jpg"), 300, 400)
	if err := os.WriteFile(filepath.Join(work, "field-chain.sh"), []byte("set -euo pipefail\nip link set lo up\n"+script), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "--net", "--fork", "bash", "-x", "field-chain.sh")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "LANG=vi_VN.UTF-8")
	// A file, not a pipe: the daemons the block leaves in the background
	// hold its output open after it ends.
	log, err := os.Create(filepath.Join(work, "field-chain.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	// The daemons the block starts in the background share its process
	// group, which is ended with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err = cmd.Start()
	if err == nil {
		defer syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		err = cmd.Wait()
	}
	out, _ := os.ReadFile(log.Name())
	if err != nil {
		t.Fatalf("the README's field section failed: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`receipted \S+ DH-`).Match(out) {
		t.Fatalf("no receipt came back:\n%s", out)
	}

	list := exec.Command(filepath.Join(bin, "dinhd"), "dossier", "list", "--data", "V", "--json")
	list.Dir = work
	b, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	var entries []outbox.Entry
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != 1 || entries[0].State != outbox.Receipted || entries[0].Receipt == "" {
		t.Fatalf("dossier list after the README: %s (%v)", b, err)
	}
}
