// Package atomicfile writes a file so that a crash or a full disk leaves
// either the old file or the whole new one: the bytes go to a temporary
// file beside it, which is synced and renamed, and the rename is made
// durable by syncing the folder.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Write fills a temporary file next to dst, named tmpPattern plus a
// random suffix, syncs it and renames it over dst. On failure the
// temporary file is removed and dst is untouched.
func Write(dst, tmpPattern string, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, tmpPattern+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	return SyncDir(dir)
}

// WriteBytes is Write with the whole content at hand; the temporary file
// is named after dst with ".tmp-".
func WriteBytes(dst string, data []byte) error {
	return Write(dst, "."+filepath.Base(dst)+".tmp-", func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// SyncDir makes a rename in dir durable. Windows cannot sync a directory;
// there the rename is as durable as the file system makes it.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
