package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migration moves a store from version to-1 to version to.
type migration struct {
	to   uint32
	name string
	run  func(tx *bolt.Tx) error
}

// migrations are ordered steps; a new schema appends one. Steps never
// delete user data: a draft or a document written by an older Đình must
// open in a newer one.
var migrations = []migration{
	{1, "create the meeting buckets", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketKeys, bucketPins, bucketPackages, bucketPending, bucketPublished} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	{2, "remember the last change summary per meeting", func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketSeen)
		return err
	}},
	{3, "keep the outbox of sealed dossiers", func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketOutbox)
		return err
	}},
	// Before schema 4 a draft was only its outbox entry (procedure and
	// initials); offline/dossier opens such a draft as an empty dossier.
	{4, "keep the volunteer's encrypted drafts", func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketDrafts)
		return err
	}},
	{5, "keep the central server's ingested dossiers, receipts and enrolled devices", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketIngested, bucketReceipts, bucketDevices} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
}

// SchemaVersion is the schema this code writes.
var SchemaVersion = migrations[len(migrations)-1].to

func readVersion(tx *bolt.Tx) uint32 {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0
	}
	v := b.Get(keySchema)
	if len(v) != 4 {
		return 0
	}
	return binary.BigEndian.Uint32(v)
}

// plan returns the steps from version from to the current schema.
func plan(from uint32) []migration {
	var out []migration
	for _, m := range migrations {
		if m.to > from {
			out = append(out, m)
		}
	}
	return out
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		from := readVersion(tx)
		if from > SchemaVersion {
			return fmt.Errorf("%w: schema %d, this version reads up to %d", ErrNewerSchema, from, SchemaVersion)
		}
		for _, m := range plan(from) {
			if err := m.run(tx); err != nil {
				return fmt.Errorf("migrate to schema %d (%s): %w", m.to, m.name, err)
			}
			if err := tx.Bucket(bucketMeta).Put(keySchema, u32(m.to)); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", m.to, err)
			}
		}
		return nil
	})
}

// Version reports the schema version of the open store.
func (s *Store) Version() (uint32, error) {
	var v uint32
	err := s.db.View(func(tx *bolt.Tx) error {
		v = readVersion(tx)
		return nil
	})
	return v, err
}
