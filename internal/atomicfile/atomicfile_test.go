package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "receipt.json")
	if err := WriteBytes(dst, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	tests := []struct {
		name string
		fill func(io.Writer) error
		err  error
		want string
	}{
		{"a failing fill keeps the old file", func(w io.Writer) error { w.Write([]byte("ne")); return boom }, boom, "old"},
		{"a whole write replaces it", func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }, nil, "new"},
	}
	for _, tt := range tests {
		if err := Write(dst, ".receipt.json.tmp-", tt.fill); !errors.Is(err, tt.err) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.err)
		}
		if got, _ := os.ReadFile(dst); string(got) != tt.want {
			t.Errorf("%s: file holds %q, want %q", tt.name, got, tt.want)
		}
		if names, _ := os.ReadDir(dir); len(names) != 1 {
			t.Errorf("%s: %d files in the folder, want no temporary left", tt.name, len(names))
		}
	}
}
