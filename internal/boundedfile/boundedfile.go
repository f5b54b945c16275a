// Package boundedfile reads a whole file that must not be larger than a
// limit: a file a hostile or broken copy could make huge (a catalogue, a
// vault's header, a meeting folder's JSON, a delegate's notes, a PDF) is
// refused by its size before it is read, and one that grows while it is
// read is cut one byte past the limit and refused too, so memory stays
// bounded either way.
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge is a file over the limit.
var ErrTooLarge = errors.New("larger than the limit")

// Read returns the contents of the file at path, at most max bytes. A
// larger file is an error wrapping ErrTooLarge that says the limit; the
// errors of opening and reading are returned as they are (errors.Is
// finds os.ErrNotExist).
func Read(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > max {
		return nil, tooLarge(max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, tooLarge(max)
	}
	return b, nil
}

func tooLarge(max int64) error {
	return fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, max)
}
