// Package storetest opens Đình's store for tests: a new one in a
// temporary folder, or one exactly as an older version of Đình left it.
package storetest

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"dinh/offline/store"
)

// Frozen files, one per schema, each written once by testdata/freeze.sh
// with the code of the commit that introduced that schema, and never
// written again.
//
//go:embed testdata/schema-v*.db
var frozen embed.FS

// Open opens a new store in a temporary folder, closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenDir(t, t.TempDir())
}

// OpenDir opens the store in dir, closed when the test ends.
func OpenDir(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Frozen writes into dir the store file that the Đình of schema version
// left (see FrozenFile), so that opening dir upgrades it as a real
// upgrade would. It returns dir.
func Frozen(t testing.TB, dir string, version int) string {
	t.Helper()
	b, err := FrozenFile(version)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// FrozenFile is the store file the Đình of schema version wrote. Each
// holds a host key, a pinned, a complete, a pending and a published
// meeting (ky-hop-5, -6, -7); from schema 3 the outbox entry of draft
// HS-0001; from schema 4 its encrypted draft; from schema 5 an ingested
// dossier and an enrolled device.
func FrozenFile(version int) ([]byte, error) {
	b, err := frozen.ReadFile(fmt.Sprintf("testdata/schema-v%d.db", version))
	if err != nil {
		return nil, fmt.Errorf("storetest: no frozen file of schema %d: %w", version, err)
	}
	return b, nil
}
