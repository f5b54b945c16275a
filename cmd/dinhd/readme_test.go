package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
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
		defer endGroup(t, cmd.Process.Pid)
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

// endGroup stops the daemons of a process group and waits until the last
// has exited, so that none still writes in a folder the test removes:
// SIGTERM, and SIGKILL for any still there after ten seconds.
func endGroup(t *testing.T, pgid int) {
	gone := func(within time.Duration) bool {
		deadline := time.Now().Add(within)
		for alive(pgid) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(20 * time.Millisecond) // a process group has nothing to wait on
		}
		return true
	}
	syscall.Kill(-pgid, syscall.SIGTERM)
	if !gone(10 * time.Second) {
		syscall.Kill(-pgid, syscall.SIGKILL)
		if !gone(10 * time.Second) {
			t.Errorf("the daemons of process group %d outlived SIGKILL", pgid)
		}
	}
}

// alive reports whether a process of group pgid still runs (a zombie, dead
// but not yet reaped, does not count).
func alive(pgid int) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}
