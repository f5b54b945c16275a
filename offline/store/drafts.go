package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The drafts bucket keeps the volunteer's draft dossiers, one value per
// dossier ID, each encrypted by offline/vault before it reaches the store.
// These methods implement dossier.Store.

// Draft returns the stored value of a draft.
func (s *Store) Draft(id string) ([]byte, bool, error) {
	var (
		out []byte
		ok  bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		out, ok = lookup(tx.Bucket(bucketDrafts), []byte(id))
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read %s/%s: %w", bucketDrafts, id, err)
	}
	return out, ok, nil
}

// DraftIDs returns the IDs of the stored drafts, sorted.
func (s *Store) DraftIDs() ([]string, error) { return s.keys(bucketDrafts) }

// PutDraft stores the value of a draft, replacing the old one in one
// transaction: after a crash or a full disk the old value is still there.
func (s *Store) PutDraft(id string, val []byte) error { return s.put(bucketDrafts, id, val) }

// DeleteDraft removes a draft's value.
func (s *Store) DeleteDraft(id string) error { return s.del(bucketDrafts, id) }
