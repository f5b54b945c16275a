package meeting

import (
	"context"
	"fmt"
	"time"

	"github.com/fsnotify/fsnotify"
)

// FolderWatch follows the files of a meeting folder through the operating
// system's notifications (inotify, ReadDirectoryChangesW), not by polling.
type FolderWatch struct {
	w     *fsnotify.Watcher
	quiet time.Duration
}

// WatchFolder starts watching dir: a change from now on is seen by Run.
// A burst of changes (an editor's save, ten PDFs copied in) is one change
// once the folder has stayed unchanged for quiet.
func WatchFolder(dir string, quiet time.Duration) (*FolderWatch, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	return &FolderWatch{w: w, quiet: quiet}, nil
}

// Close stops a watch that will not Run (its caller failed before).
func (f *FolderWatch) Close() error { return f.w.Close() }

// Run calls changed after each burst of changes until ctx ends, then stops
// watching and returns nil.
func (f *FolderWatch) Run(ctx context.Context, changed func()) error {
	defer f.w.Close()
	timer := time.NewTimer(f.quiet)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-f.w.Events:
			if ev.Op == fsnotify.Chmod {
				continue // permissions or times: no content changed
			}
			timer.Reset(f.quiet)
		case <-f.w.Errors:
			// The queue overflowed and events were lost: look again.
			timer.Reset(f.quiet)
		case <-timer.C:
			changed()
		}
	}
}
