package store

import (
	"bytes"
	"errors"
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
	s, _ := Open(dir)
	k1, _ := s.HostKey()
	s.Close()
	s, _ = Open(dir)
	defer s.Close()
	k2, _ := s.HostKey()
	if !bytes.Equal(k1, k2) {
		t.Fatal("host key changed across restarts")
	}
}

func TestPendingThenComplete(t *testing.T) {
	s := openTest(t)
	s.SetPending("m", []byte("v2"))
	if ids, _ := s.Meetings(); len(ids) != 1 || ids[0] != "m" {
		t.Fatalf("got %v, want [m]", ids)
	}
	if _, ok, _ := s.Package("m"); ok {
		t.Fatal("pending package must not count as complete")
	}
	s.Complete("m", []byte("v2"))
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

// TestMigrateFromSchema2 builds a file as the second schema wrote it, with
// data in its buckets, and checks that it opens as the current schema with
// nothing lost and the outbox bucket added.
func TestMigrateFromSchema2(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:2] {
			if err := m.run(tx); err != nil {
				return err
			}
		}
		if tx.Bucket(bucketOutbox) != nil {
			t.Error("schema 2 already has the outbox bucket")
		}
		tx.Bucket(bucketMeta).Put(keySchema, u32(2))
		tx.Bucket(bucketKeys).Put([]byte("host"), bytes.Repeat([]byte{7}, 32))
		tx.Bucket(bucketPins).Put([]byte("m"), []byte("FP"))
		tx.Bucket(bucketPackages).Put([]byte("m"), []byte("package"))
		tx.Bucket(bucketPending).Put([]byte("m2"), []byte("pending"))
		tx.Bucket(bucketPublished).Put([]byte("m3"), []byte("published"))
		return tx.Bucket(bucketSeen).Put([]byte("m"), []byte(`{"changed":1}`))
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
	if v, _ := s.Version(); v != SchemaVersion || v != 3 {
		t.Fatalf("got schema %d, want %d", v, 3)
	}
	tests := []struct {
		bucket    []byte
		key, want string
	}{
		{bucketKeys, "host", string(bytes.Repeat([]byte{7}, 32))},
		{bucketPins, "m", "FP"},
		{bucketPackages, "m", "package"},
		{bucketPending, "m2", "pending"},
		{bucketPublished, "m3", "published"},
		{bucketSeen, "m", `{"changed":1}`},
	}
	for _, tt := range tests {
		if got, ok, err := s.get(tt.bucket, tt.key); err != nil || !ok || string(got) != tt.want {
			t.Errorf("%s/%s: got %q %v %v, want %q", tt.bucket, tt.key, got, ok, err, tt.want)
		}
	}
	if err := s.UpdateOutboxEntry("D1", func([]byte) ([]byte, error) { return []byte("{}"), nil }); err != nil {
		t.Fatalf("bucket added by schema 3 is missing: %v", err)
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
