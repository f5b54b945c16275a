package boundedfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRead: a file of the limit is read whole; one byte more is refused
// by its size, saying the limit; a file that is not there is
// os.ErrNotExist; a file that grows after its size was taken (a FIFO
// here, whose size is 0) is cut one byte past the limit and refused.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("a"), n), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		want int   // bytes read
		err  error // nil for none
	}{
		{"empty", write("empty", 0), 0, nil},
		{"at the limit", write("limit", 100), 100, nil},
		{"one byte more", write("more", 101), 0, ErrTooLarge},
		{"not there", filepath.Join(dir, "none"), 0, fs.ErrNotExist},
	}
	for _, tt := range tests {
		b, err := Read(tt.path, 100)
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) || len(b) != tt.want {
			t.Errorf("%s: got %d bytes, %v; want %d, %v", tt.name, len(b), err, tt.want, tt.err)
		}
		if errors.Is(err, ErrTooLarge) && !strings.Contains(err.Error(), "larger than 100 bytes") {
			t.Errorf("%s: %v does not say the limit", tt.name, err)
		}
	}
}
