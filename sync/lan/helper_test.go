package lan

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
)

// helperProcess is a delegate in a separate process, so a test can kill it
// with SIGKILL in the middle of a download. It prints each progress report
// as "bytes N", after the bytes are written to the partial file.
func helperProcess() {
	dir, addr, id := os.Getenv("DINH_DIR"), os.Getenv("DINH_ADDR"), os.Getenv("DINH_ID")
	st, err := store.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bl, _ := blob.Open(filepath.Join(dir, "blobs"))
	f := &Follower{
		MeetingID: id, Cache: st, Blobs: bl,
		Locate:     func(context.Context) (string, error) { return addr, nil },
		Confirm:    func(context.Context, meeting.Fingerprint) (bool, error) { return true, nil },
		OnProgress: func(p Progress) { fmt.Printf("bytes %d\n", p.Bytes) },
	}
	f.Run(context.Background())
}

// TestDelegateKilledMidDownload kills a delegate process with SIGKILL while
// it downloads, then restarts in the same data folder: the cache is
// consistent, the document is not visible until verified, and the download
// resumes.
func TestDelegateKilledMidDownload(t *testing.T) {
	h := startHost(t, 8<<20)
	// Slow the host down so the kill lands mid-document.
	slow := make(chan struct{})
	h.cnt.wrap(func(next http.Handler) http.Handler { return throttled(next, slow) })
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DINH_LAN_HELPER=1", "DINH_DIR="+dir, "DINH_ADDR="+h.addr, "DINH_ID="+h.m.ID)
	progress, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	man := h.host.Manifest()
	doc := man.Documents[0]
	// Wait for the helper to report more than 1 MiB written, then kill it.
	midway := make(chan bool, 1)
	drained := make(chan struct{}) // the helper's output is read to its end
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(progress)
		for sc.Scan() {
			var n int64
			if _, err := fmt.Sscanf(sc.Text(), "bytes %d", &n); err == nil && n > 1<<20 {
				midway <- true
				io.Copy(io.Discard, progress)
				return
			}
		}
		midway <- false // the helper ended without getting that far
	}()
	stop := func() { cmd.Process.Kill(); <-drained; cmd.Wait() }
	select {
	case ok := <-midway:
		if !ok {
			stop()
			t.Fatal("the helper stopped before it had downloaded 1 MiB")
		}
	case <-time.After(20 * time.Second):
		stop()
		t.Fatal("the helper never got 1 MiB into the download")
	}
	part := filepath.Join(dir, "blobs", "partial", doc.SHA256+".part")
	fi, err := os.Stat(part)
	stop()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the helper ended with %v, want killed by SIGKILL", cmd.ProcessState)
	}
	if err != nil || fi.Size() <= 1<<20 {
		t.Fatalf("the partial file after 1 MiB reported: %v, %v", fi, err)
	}
	close(slow)

	d := newSide(t, dir)
	if d.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("a half-written document is visible after the kill")
	}
	if _, ok, _ := d.st.Package(h.m.ID); ok {
		t.Fatal("the package counts as complete after the kill")
	}
	if _, ok, _ := d.st.Pending(h.m.ID); !ok {
		t.Fatal("the pending package was lost")
	}
	d.st.Close()
	dl2 := startDelegateIn(t, dir, func() string { return h.addr }, h.m.ID)
	dl2.waitUpdate(t)
	if !dl2.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("document missing after restart")
	}
	resumed := false
	h.cnt.mu.Lock()
	for _, r := range h.cnt.ranges {
		resumed = resumed || (r != "" && r != "bytes=0-")
	}
	h.cnt.mu.Unlock()
	if !resumed {
		t.Fatalf("restart did not resume: ranges %q", h.cnt.ranges)
	}
}

// throttled passes requests to h but writes document bodies slowly until
// release is closed.
func throttled(h http.Handler, release chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/docs/") {
			w = &slowWriter{ResponseWriter: w, release: release}
		}
		h.ServeHTTP(w, r)
	})
}

type slowWriter struct {
	http.ResponseWriter
	release chan struct{}
}

func (s *slowWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		chunk := min(len(b), 64<<10)
		select {
		case <-s.release:
		case <-time.After(10 * time.Millisecond):
		}
		m, err := s.ResponseWriter.Write(b[:chunk])
		n += m
		if err != nil {
			return n, err
		}
		s.ResponseWriter.(http.Flusher).Flush()
		b = b[chunk:]
	}
	return n, nil
}
