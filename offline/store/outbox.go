package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The outbox bucket keeps one value per dossier ID. The store does not read
// the values: offline/outbox encodes and checks them, so an unreadable value
// reaches it as it is and is reported for that dossier alone. These methods
// implement outbox.Store.

// lookup returns a copy of the value under key and whether the key exists.
// A key holding an empty value exists: it must read as a damaged entry, not
// as a free ID.
func lookup(b *bolt.Bucket, key []byte) ([]byte, bool) {
	k, v := b.Cursor().Seek(key)
	if !bytes.Equal(k, key) {
		return nil, false
	}
	if v == nil {
		return []byte{}, true
	}
	return bytes.Clone(v), true
}

// OutboxEntry returns the stored value for a dossier.
func (s *Store) OutboxEntry(id string) ([]byte, bool, error) {
	var (
		out []byte
		ok  bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		out, ok = lookup(tx.Bucket(bucketOutbox), []byte(id))
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read %s/%s: %w", bucketOutbox, id, err)
	}
	return out, ok, nil
}

// OutboxEntries returns every stored value by dossier ID.
func (s *Store) OutboxEntries() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte{}, v...)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", bucketOutbox, err)
	}
	return out, nil
}

// UpdateOutboxEntry reads the value for a dossier (nil when there is none)
// and stores what fn returns, in one transaction. When fn returns nil the
// stored value is left as it is; when it fails nothing is written and its
// error is returned unchanged.
func (s *Store) UpdateOutboxEntry(id string, fn func(old []byte) ([]byte, error)) error {
	var fnErr error
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		old, _ := lookup(b, []byte(id))
		v, err := fn(old)
		if err != nil {
			fnErr = err
			return err
		}
		if v == nil {
			return nil
		}
		return b.Put([]byte(id), v)
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("write %s/%s: %w", bucketOutbox, id, err)
	}
	return nil
}

// DeleteOutboxEntry deletes the value for a dossier if check, given the
// stored value (nil when there is none), allows it, in one transaction.
// check's error is returned unchanged.
func (s *Store) DeleteOutboxEntry(id string, check func(old []byte) error) error {
	var checkErr error
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		old, _ := lookup(b, []byte(id))
		if err := check(old); err != nil {
			checkErr = err
			return err
		}
		return b.Delete([]byte(id))
	})
	if checkErr != nil {
		return checkErr
	}
	if err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucketOutbox, id, err)
	}
	return nil
}

// ClearOutbox deletes every value if check, given all of them by dossier
// ID, allows it, in one transaction. check's error is returned unchanged.
func (s *Store) ClearOutbox(check func(all map[string][]byte) error) error {
	var checkErr error
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		all := map[string][]byte{}
		var keys [][]byte
		err := b.ForEach(func(k, v []byte) error {
			all[string(k)] = append([]byte{}, v...)
			keys = append(keys, bytes.Clone(k))
			return nil
		})
		if err != nil {
			return err
		}
		if err := check(all); err != nil {
			checkErr = err
			return err
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if checkErr != nil {
		return checkErr
	}
	if err != nil {
		return fmt.Errorf("clear %s: %w", bucketOutbox, err)
	}
	return nil
}
