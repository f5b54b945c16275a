package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrHashMismatch means a file's bytes do not match the hash it was fetched by.
var ErrHashMismatch = errors.New("document bytes do not match their hash")

// Store is a folder of content-addressed files.
type Store struct{ dir string }

// Open prepares dir for use and removes temporary files left by a crash.
func Open(dir string) (*Store, error) {
	for _, d := range []string{"objects", "partial"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("blob store: %w", err)
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "objects", "*", ".tmp-*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	return &Store{dir: dir}, nil
}

func validSum(sum string) error {
	b, err := hex.DecodeString(sum)
	if err != nil || len(b) != sha256.Size || strings.ToLower(sum) != sum {
		return fmt.Errorf("blob: malformed hash %q", sum)
	}
	return nil
}

// Path is where the verified file with that hash lives.
func (s *Store) Path(sum string) string {
	if validSum(sum) != nil {
		return filepath.Join(s.dir, "objects", "invalid")
	}
	return filepath.Join(s.dir, "objects", sum[:2], sum)
}

func (s *Store) partial(sum string) string { return filepath.Join(s.dir, "partial", sum+".part") }

// Has reports whether the verified file is present with the expected size.
func (s *Store) Has(sum string, size int64) bool {
	fi, err := os.Stat(s.Path(sum))
	return err == nil && fi.Mode().IsRegular() && fi.Size() == size
}

// Partial opens the partial file for sum for appending and returns how many
// bytes it already holds. A partial longer than want is discarded.
func (s *Store) Partial(sum string, want int64) (*os.File, int64, error) {
	if err := validSum(sum); err != nil {
		return nil, 0, err
	}
	p := s.partial(sum)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("open partial: %w", err)
	}
	off, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("seek partial: %w", err)
	}
	if off > want {
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("reset partial: %w", err)
		}
		off, _ = f.Seek(0, io.SeekStart)
	}
	return f, off, nil
}

// Discard removes the partial file for sum.
func (s *Store) Discard(sum string) error {
	if err := os.Remove(s.partial(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("discard partial: %w", err)
	}
	return nil
}

// Commit verifies the partial file for sum and moves it into place. On a
// mismatch the partial is removed and ErrHashMismatch returned.
func (s *Store) Commit(sum string) error {
	if err := validSum(sum); err != nil {
		return err
	}
	p := s.partial(sum)
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		os.Remove(p)
		return ErrHashMismatch
	}
	return s.place(p, sum)
}

func (s *Store) place(src, sum string) error {
	dst := s.Path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if f, err := os.Open(src); err == nil {
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Import copies a local file into the store and returns its hash and size.
// A host snapshots the secretariat's PDFs this way on publishing, so editing
// the folder afterwards cannot change what delegates receive.
func (s *Store) Import(path string) (string, int64, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "partial"), "import-*")
	if err != nil {
		return "", 0, fmt.Errorf("import: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("import %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if s.Has(sum, n) {
		return sum, n, nil
	}
	if err := s.place(tmp.Name(), sum); err != nil {
		return "", 0, err
	}
	return sum, n, nil
}

// Verify re-hashes a stored file; a file damaged on disk is removed so it is
// fetched again rather than shown.
func (s *Store) Verify(sum string) error {
	f, err := os.Open(s.Path(sum))
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		os.Remove(s.Path(sum))
		return ErrHashMismatch
	}
	return nil
}
