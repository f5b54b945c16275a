package agekey

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeAdminKeys: a key folder gets both pairs, each private key
// matching its public file; a folder where any key file exists is refused
// and left exactly as it was.
func TestMakeAdminKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	written, err := MakeAdminKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 4 {
		t.Fatalf("wrote %q", written)
	}
	c, r, err := LoadAdminKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	cpubText, _ := os.ReadFile(filepath.Join(dir, CentralPub))
	rpubText, _ := os.ReadFile(filepath.Join(dir, RecoveryPub))
	cpub, err1 := ParsePublic(strings.TrimSpace(string(cpubText)))
	rpub, err2 := ParsePublic(strings.TrimSpace(string(rpubText)))
	if err1 != nil || err2 != nil || !cpub.Equal(c.Public()) || !rpub.Equal(r.Public()) {
		t.Fatalf("the public files do not match the private keys: %v %v", err1, err2)
	}
	for _, name := range []string{CentralKey, RecoveryKey} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", name, err, fi.Mode())
		}
	}

	for _, name := range AdminKeyFiles {
		other := filepath.Join(t.TempDir(), "keys")
		os.MkdirAll(other, 0o700)
		os.WriteFile(filepath.Join(other, name), []byte("old\n"), 0o600)
		_, err := MakeAdminKeys(other)
		var exists *KeyExistsError
		if !errors.As(err, &exists) || exists.Path != filepath.Join(other, name) {
			t.Errorf("%s exists: got %v", name, err)
		}
		entries, _ := os.ReadDir(other)
		if b, _ := os.ReadFile(filepath.Join(other, name)); len(entries) != 1 || string(b) != "old\n" {
			t.Errorf("%s exists: the folder was changed (%d files)", name, len(entries))
		}
	}
}
