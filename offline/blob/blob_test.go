package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func sumOf(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestResumeAndCommit(t *testing.T) {
	s, _ := Open(t.TempDir())
	data := []byte("%PDF-1.7 Tờ trình về dự toán ngân sách")
	sum := sumOf(data)

	f, off, err := s.Partial(sum, int64(len(data)))
	if err != nil || off != 0 {
		t.Fatalf("got off %d err %v", off, err)
	}
	f.Write(data[:10])
	f.Close()
	if s.Has(sum, int64(len(data))) {
		t.Fatal("a partial download is visible")
	}
	f, off, _ = s.Partial(sum, int64(len(data)))
	if off != 10 {
		t.Fatalf("resume offset: got %d, want 10", off)
	}
	f.Write(data[10:])
	f.Close()
	if err := s.Commit(sum); err != nil {
		t.Fatal(err)
	}
	if !s.Has(sum, int64(len(data))) {
		t.Fatal("committed file missing")
	}
	got, _ := os.ReadFile(s.Path(sum))
	if string(got) != string(data) {
		t.Fatalf("got %q", got)
	}
}

func TestCommitRefusesWrongBytes(t *testing.T) {
	s, _ := Open(t.TempDir())
	sum := sumOf([]byte("real"))
	f, _, _ := s.Partial(sum, 4)
	f.Write([]byte("fake"))
	f.Close()
	if err := s.Commit(sum); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("got %v, want ErrHashMismatch", err)
	}
	if s.Has(sum, 4) {
		t.Fatal("mismatching bytes were kept")
	}
	if _, off, _ := s.Partial(sum, 4); off != 0 {
		t.Fatalf("bad partial kept: %d bytes", off)
	}
}

func TestImportAndVerify(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(filepath.Join(dir, "blobs"))
	src := filepath.Join(dir, "a.pdf")
	os.WriteFile(src, []byte("hello"), 0o644)
	sum, n, err := s.Import(src)
	if err != nil || sum != sumOf([]byte("hello")) || n != 5 {
		t.Fatalf("got %s %d %v", sum, n, err)
	}
	os.WriteFile(s.Path(sum), []byte("HELLO"), 0o600)
	if err := s.Verify(sum); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("got %v, want ErrHashMismatch", err)
	}
	if s.Has(sum, 5) {
		t.Fatal("damaged file still visible")
	}
}

func TestHostileHashes(t *testing.T) {
	s, _ := Open(t.TempDir())
	for _, sum := range []string{"../../etc/passwd", "", "ABCDEF", sumOf(nil)[:10]} {
		if _, _, err := s.Partial(sum, 1); err == nil {
			t.Errorf("Partial(%q) accepted a malformed hash", sum)
		}
		if s.Has(sum, 0) {
			t.Errorf("Has(%q) is true", sum)
		}
	}
}
