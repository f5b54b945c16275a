package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the database file inside a data folder.
const FileName = "dinh.db"

// ErrLocked means another running Đình holds the data folder.
var ErrLocked = errors.New("the data folder is in use by another running Đình")

// ErrNewerSchema means the file was written by a newer Đình.
var ErrNewerSchema = errors.New("the data folder was written by a newer version of Đình")

// Store is an open data folder.
type Store struct {
	db  *bolt.DB
	dir string
}

// OpenTimeout is how long Open waits for another instance to let go.
var OpenTimeout = time.Second

// Open opens or creates the store in dir and migrates it to the current
// schema.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: OpenTimeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, dir: dir}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Dir is the data folder.
func (s *Store) Dir() string { return s.dir }

// Close releases the data folder.
func (s *Store) Close() error { return s.db.Close() }

// HostKey returns this device's Ed25519 host key, creating it on first use.
func (s *Store) HostKey() (ed25519.PrivateKey, error) {
	var key ed25519.PrivateKey
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		if seed := b.Get([]byte("host")); len(seed) == ed25519.SeedSize {
			key = ed25519.NewKeyFromSeed(seed)
			return nil
		}
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		key = ed25519.NewKeyFromSeed(seed)
		return b.Put([]byte("host"), seed)
	})
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return key, nil
}

func (s *Store) get(bucket []byte, key string) ([]byte, bool, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucket).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read %s/%s: %w", bucket, key, err)
	}
	return out, out != nil, nil
}

func (s *Store) put(bucket []byte, key string, val []byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(key), val)
	})
	if err != nil {
		return fmt.Errorf("write %s/%s: %w", bucket, key, err)
	}
	return nil
}

func (s *Store) del(bucket []byte, key string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	return nil
}

func (s *Store) keys(bucket []byte) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	sort.Strings(out)
	return out, err
}

// Pin returns the fingerprint pinned for a meeting.
func (s *Store) Pin(meetingID string) (string, bool, error) {
	b, ok, err := s.get(bucketPins, meetingID)
	return string(b), ok, err
}

// SetPin pins a meeting to a host fingerprint.
func (s *Store) SetPin(meetingID, fingerprint string) error {
	return s.put(bucketPins, meetingID, []byte(fingerprint))
}

// Package returns the complete verified package a delegate holds.
func (s *Store) Package(meetingID string) ([]byte, bool, error) {
	return s.get(bucketPackages, meetingID)
}

// Pending returns a verified package whose documents are still arriving.
func (s *Store) Pending(meetingID string) ([]byte, bool, error) {
	return s.get(bucketPending, meetingID)
}

// SetPending records a verified package before its documents are fetched.
func (s *Store) SetPending(meetingID string, raw []byte) error {
	return s.put(bucketPending, meetingID, raw)
}

// Complete promotes the pending package to the one the delegate reads, in
// one transaction, once every document is in place.
func (s *Store) Complete(meetingID string, raw []byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketPackages).Put([]byte(meetingID), raw); err != nil {
			return err
		}
		return tx.Bucket(bucketPending).Delete([]byte(meetingID))
	})
	if err != nil {
		return fmt.Errorf("complete package %s: %w", meetingID, err)
	}
	return nil
}

// Meetings lists the meetings a delegate holds, complete or pending.
func (s *Store) Meetings() ([]string, error) {
	a, err := s.keys(bucketPackages)
	if err != nil {
		return nil, err
	}
	b, err := s.keys(bucketPending)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, k := range append(a, b...) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Published returns the package this host last published for a meeting.
func (s *Store) Published(meetingID string) ([]byte, bool, error) {
	return s.get(bucketPublished, meetingID)
}

// SetPublished records the package this host publishes.
func (s *Store) SetPublished(meetingID string, raw []byte) error {
	return s.put(bucketPublished, meetingID, raw)
}

// Changes returns the last change summary shown for a meeting.
func (s *Store) Changes(meetingID string) ([]byte, bool, error) {
	return s.get(bucketSeen, meetingID)
}

// SetChanges keeps the change summary of the latest update.
func (s *Store) SetChanges(meetingID string, summary []byte) error {
	return s.put(bucketSeen, meetingID, summary)
}

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}
