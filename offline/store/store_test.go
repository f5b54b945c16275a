package store

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// openTest opens a store in a fresh folder and closes it when the test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSecondInstanceIsRefused(t *testing.T) {
	s := openTest(t)
	s.SetPin("m1", "FP")
	_, err := Open(s.Dir())
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if fp, ok, _ := s.Pin("m1"); !ok || fp != "FP" {
		t.Fatalf("first instance lost data: got %q %v", fp, ok)
	}
}

func TestHostKeyIsStable(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := s.HostKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != ed25519.PrivateKeySize {
		t.Fatalf("got a host key of %d bytes, want an Ed25519 key", len(k1))
	}
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k2, err := s.HostKey()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Fatal("host key changed across restarts")
	}
}

func TestPendingThenComplete(t *testing.T) {
	s := openTest(t)
	if err := s.SetPending("m", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.Meetings(); len(ids) != 1 || ids[0] != "m" {
		t.Fatalf("got %v, want [m]", ids)
	}
	if _, ok, _ := s.Package("m"); ok {
		t.Fatal("pending package must not count as complete")
	}
	if err := s.Complete("m", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := s.Package("m"); !ok || string(v) != "v2" {
		t.Fatalf("got %q, want v2", v)
	}
	if _, ok, _ := s.Pending("m"); ok {
		t.Fatal("pending survived completion")
	}
}

// TestMigrateFromSchema1 builds a file as the first schema wrote it, with a
// pinned meeting, and checks that it opens, keeps its data and is migrated.
func TestMigrateFromSchema1(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := migrations[0].run(tx); err != nil {
			return err
		}
		tx.Bucket(bucketMeta).Put(keySchema, u32(1))
		tx.Bucket(bucketPackages).Put([]byte("m"), []byte("old package"))
		return tx.Bucket(bucketPins).Put([]byte("m"), []byte("FP"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(); v != SchemaVersion {
		t.Fatalf("got schema %d, want %d", v, SchemaVersion)
	}
	if fp, ok, _ := s.Pin("m"); !ok || fp != "FP" {
		t.Fatalf("pin lost in migration: %q", fp)
	}
	if p, ok, _ := s.Package("m"); !ok || string(p) != "old package" {
		t.Fatalf("package lost in migration: %q", p)
	}
	if err := s.SetChanges("m", []byte("{}")); err != nil {
		t.Fatalf("bucket added by schema 2 is missing: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u32(SchemaVersion+1)) })
	s.Close()
	if _, err := Open(dir); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("got %v, want ErrNewerSchema", err)
	}
}

func TestPlan(t *testing.T) {
	tests := []struct {
		from uint32
		want int
	}{{0, len(migrations)}, {1, len(migrations) - 1}, {SchemaVersion, 0}}
	for _, tt := range tests {
		if got := len(plan(tt.from)); got != tt.want {
			t.Errorf("plan(%d): got %d steps, want %d", tt.from, got, tt.want)
		}
	}
}

// TestMigrateFromOlderSchemas builds files as each older schema wrote
// them, with data in their buckets, and checks that each opens as the
// current schema with nothing lost and the newer buckets added.
func TestMigrateFromOlderSchemas(t *testing.T) {
	type row struct {
		bucket    []byte
		key, want string
	}
	data := []struct {
		since uint32 // schema that added the bucket
		row
	}{
		{1, row{bucketKeys, "host", string(bytes.Repeat([]byte{7}, 32))}},
		{1, row{bucketPins, "m", "FP"}},
		{1, row{bucketPackages, "m", "package"}},
		{1, row{bucketPending, "m2", "pending"}},
		{1, row{bucketPublished, "m3", "published"}},
		{2, row{bucketSeen, "m", `{"changed":1}`}},
		{3, row{bucketOutbox, "D1", `{"id":"D1","state":"draft"}`}},
	}
	for from := uint32(1); from < SchemaVersion; from++ {
		t.Run(fmt.Sprintf("schema %d", from), func(t *testing.T) {
			dir := t.TempDir()
			db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			var want []row
			err = db.Update(func(tx *bolt.Tx) error {
				for _, m := range migrations[:from] {
					if err := m.run(tx); err != nil {
						return err
					}
				}
				if err := tx.Bucket(bucketMeta).Put(keySchema, u32(from)); err != nil {
					return err
				}
				for _, d := range data {
					if d.since > from {
						continue
					}
					want = append(want, d.row)
					if err := tx.Bucket(d.bucket).Put([]byte(d.key), []byte(d.want)); err != nil {
						return err
					}
				}
				return nil
			})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if v, _ := s.Version(); v != SchemaVersion {
				t.Fatalf("got schema %d, want %d", v, SchemaVersion)
			}
			for _, r := range want {
				if got, ok, err := s.get(r.bucket, r.key); err != nil || !ok || string(got) != r.want {
					t.Errorf("%s/%s: got %q %v %v, want %q", r.bucket, r.key, got, ok, err, r.want)
				}
			}
			if err := s.UpdateOutboxEntry("D2", func([]byte) ([]byte, error) { return []byte("{}"), nil }); err != nil {
				t.Errorf("outbox bucket (schema 3) is missing: %v", err)
			}
			if err := s.PutDraft("D2", []byte("sealed bytes")); err != nil {
				t.Errorf("drafts bucket (schema 4) is missing: %v", err)
			}
			if _, err := s.AddIngested("D2", "DH-2222-3333", []byte("{}")); err != nil {
				t.Errorf("central buckets (schema 5) are missing: %v", err)
			}
		})
	}
}

func TestOpenCreatesEveryBucket(t *testing.T) {
	s := openTest(t)
	s.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				t.Errorf("got no bucket %s, want every bucket of schema %d", b, SchemaVersion)
			}
		}
		return nil
	})
}
