package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestFrozenFiles opens a copy of each store file that an older Đình wrote
// (storetest/testdata/schema-vN.db, written once by freeze.sh there with the code
// of the commit that introduced schema N, and never written again): each
// opens as the current schema, everything it held is still there, the host
// key is the same, and the buckets of later schemas work.
func TestFrozenFiles(t *testing.T) {
	type row struct {
		since      uint32 // the schema whose code wrote it
		bucket     []byte
		key, value string
	}
	rows := []row{
		{2, bucketPins, "ky-hop-5", "SHA256:fixture-fingerprint"},
		{2, bucketPackages, "ky-hop-5", "package of ky-hop-5"},
		{2, bucketPending, "ky-hop-6", "pending package of ky-hop-6"},
		{2, bucketPublished, "ky-hop-7", "published package of ky-hop-7"},
		{2, bucketSeen, "ky-hop-5", `{"changed":1}`},
		{3, bucketOutbox, "HS-0001", `{"id":"HS-0001","state":"draft"}`},
		{4, bucketDrafts, "HS-0001", "encrypted draft of HS-0001"},
		{5, bucketIngested, "HS-0009", `{"id":"HS-0009"}`},
		{5, bucketDevices, "DEVICE-1", `{"name":"thôn Đông"}`},
	}
	for v := uint32(2); v <= SchemaVersion; v++ {
		t.Run(fmt.Sprintf("schema %d", v), func(t *testing.T) {
			frozen, err := os.ReadFile(filepath.Join("storetest", "testdata", fmt.Sprintf("schema-v%d.db", v)))
			if err != nil {
				t.Fatalf("no frozen file for schema %d: %v (storetest/testdata/freeze.sh writes the file of a new schema)", v, err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), frozen, 0o600); err != nil {
				t.Fatal(err)
			}
			seed, written := frozenState(t, filepath.Join(dir, FileName))
			if written != v {
				t.Fatalf("the frozen file says schema %d, want %d", written, v)
			}
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got, _ := s.Version(); got != SchemaVersion {
				t.Errorf("got schema %d, want %d", got, SchemaVersion)
			}
			for _, r := range rows {
				if r.since > v {
					continue
				}
				if got, ok, err := s.get(r.bucket, r.key); err != nil || !ok || string(got) != r.value {
					t.Errorf("%s/%s: got %q %v %v, want %q", r.bucket, r.key, got, ok, err, r.value)
				}
			}
			key, err := s.HostKey()
			if err != nil || string(key.Seed()) != string(seed) {
				t.Errorf("the host key changed in the upgrade (%v): delegates would refuse this host", err)
			}
			if err := s.PutDraft("HS-0002", []byte("x")); err != nil {
				t.Errorf("drafts bucket: %v", err)
			}
			if _, err := s.AddIngested("HS-0010", "DH-2222-3333", []byte("{}")); err != nil {
				t.Errorf("central buckets: %v", err)
			}
			if err := s.PutDevice("DEVICE-2", []byte("{}")); err != nil {
				t.Errorf("devices bucket: %v", err)
			}
		})
	}
}

// frozenState reads the host key's seed and the schema version straight
// from a store file, before any code of today's has touched it.
func frozenState(t *testing.T, path string) (seed []byte, version uint32) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		seed = append([]byte(nil), tx.Bucket(bucketKeys).Get([]byte("host"))...)
		version = readVersion(tx)
		return nil
	})
	if len(seed) == 0 {
		t.Fatal("the frozen file holds no host key")
	}
	return seed, version
}
