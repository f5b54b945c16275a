//go:build unix

package boundedfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReadRefusesAGrowingFile: a file whose size says nothing of what
// it will hold (a FIFO fed by a writer) is read at most one byte past the
// limit and refused.
func TestReadRefusesAGrowingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		// More than the limit, in pieces; the reader stops taking them.
		for range 10 {
			if _, err := f.Write(bytes.Repeat([]byte("b"), 64)); err != nil {
				break
			}
		}
		done <- nil
	}()
	b, err := Read(p, 100)
	if !errors.Is(err, ErrTooLarge) || b != nil {
		t.Fatalf("got %d bytes, %v; want it refused as too large", len(b), err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
