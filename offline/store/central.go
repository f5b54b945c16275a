package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The central server's buckets: ingested dossiers by ID, their receipt
// codes, and the enrolled devices. Values are opaque to the store;
// sync/central encodes them. These methods implement central.Store.

// ErrCodeTaken means a receipt code already belongs to another dossier.
var ErrCodeTaken = errors.New("store: receipt code already used")

// Ingested returns the record of an ingested dossier.
func (s *Store) Ingested(id string) ([]byte, bool, error) { return s.get(bucketIngested, id) }

// IngestedIDs returns the IDs of every ingested dossier.
func (s *Store) IngestedIDs() ([]string, error) { return s.keys(bucketIngested) }

// AddIngested records a newly ingested dossier and its receipt code in one
// transaction. It refuses a code used by another dossier; a dossier
// already recorded keeps its first record, which is returned.
func (s *Store) AddIngested(id, code string, val []byte) (existing []byte, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		ing, rc := tx.Bucket(bucketIngested), tx.Bucket(bucketReceipts)
		if v := ing.Get([]byte(id)); v != nil {
			existing = append([]byte(nil), v...)
			return nil
		}
		if v := rc.Get([]byte(code)); v != nil {
			return fmt.Errorf("%w: %s", ErrCodeTaken, code)
		}
		if err := rc.Put([]byte(code), []byte(id)); err != nil {
			return err
		}
		return ing.Put([]byte(id), val)
	})
	if err != nil {
		return nil, fmt.Errorf("store: ingest %s: %w", id, err)
	}
	return existing, nil
}

// UpdateIngested replaces a dossier's record with what fn returns.
func (s *Store) UpdateIngested(id string, fn func(old []byte) ([]byte, error)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIngested)
		old := b.Get([]byte(id))
		if old == nil {
			return fmt.Errorf("store: no ingested dossier %s", id)
		}
		val, err := fn(append([]byte(nil), old...))
		if err != nil || val == nil {
			return err
		}
		return b.Put([]byte(id), val)
	})
}

// ByReceipt returns the dossier ID a receipt code belongs to.
func (s *Store) ByReceipt(code string) (string, bool, error) {
	v, ok, err := s.get(bucketReceipts, code)
	return string(v), ok, err
}

// Devices returns every enrolled device's value by device ID.
func (s *Store) Devices() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// PutDevice enrols a device.
func (s *Store) PutDevice(id string, val []byte) error { return s.put(bucketDevices, id, val) }

// DeleteDevice removes a device from the enrolment list.
func (s *Store) DeleteDevice(id string) error { return s.del(bucketDevices, id) }
