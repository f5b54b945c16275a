package meeting_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"dinh/meeting"
)

// TestWatchFolder: a burst of writes is one call once the folder is quiet,
// a later removal is another, and cancelling stops the watch.
func TestWatchFolder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	w, err := meeting.WatchFolder(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var n atomic.Int32
	calls := make(chan struct{}, 10)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, func() { n.Add(1); calls <- struct{}{} }) }()
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(dir, "doc.pdf"), []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	<-calls
	if err := os.Remove(filepath.Join(dir, "doc.pdf")); err != nil {
		t.Fatal(err)
	}
	<-calls
	if got := n.Load(); got != 2 {
		t.Errorf("%d calls for a burst of five writes and a removal, want 2", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestWatchFolderMissing(t *testing.T) {
	if _, err := meeting.WatchFolder(filepath.Join(t.TempDir(), "none"), time.Millisecond); err == nil {
		t.Fatal("watching a missing folder succeeded")
	}
}
