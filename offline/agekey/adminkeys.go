package agekey

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// An administrator's key folder holds the team's two key pairs: the
// central server's, which every dossier is sealed for, and the recovery
// pair, which can reset a volunteer's forgotten passphrase. Devices get
// only the .pub files; the .key files stay with central and with the
// administrator.
const (
	CentralPub  = "central.pub"
	CentralKey  = "central.key"
	RecoveryPub = "recovery.pub"
	RecoveryKey = "recovery.key"
)

// AdminKeyFiles are the key folder's files, in the order MakeAdminKeys
// writes them.
var AdminKeyFiles = []string{CentralPub, CentralKey, RecoveryPub, RecoveryKey}

// KeyExistsError is a key file already there: keys are never overwritten,
// as a new half of a pair beside an old half would not match it.
type KeyExistsError struct{ Path string }

func (e *KeyExistsError) Error() string {
	return "agekey: " + e.Path + " exists; keys are never overwritten"
}

// MakeAdminKeys makes both key pairs and writes them into dir, each file
// synced to disk: all four files or none. It refuses, before writing
// anything, if any of them exists, and returns the paths it wrote.
func MakeAdminKeys(dir string) ([]string, error) {
	for _, name := range AdminKeyFiles {
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err == nil {
			return nil, &KeyExistsError{path}
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("agekey: %w", err)
		}
	}
	cpub, cpriv, err := Generate()
	if err != nil {
		return nil, err
	}
	rpub, rpriv, err := Generate()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("agekey: %w", err)
	}
	// Private keys are written as age-keygen writes them, so the stock
	// age tool reads them too.
	now := time.Now()
	values := []string{cpub.String() + "\n", cpriv.File(now), rpub.String() + "\n", rpriv.File(now)}
	var written []string
	for i, name := range AdminKeyFiles {
		path := filepath.Join(dir, name)
		if err := writeNewFile(path, values[i]); err != nil {
			for _, p := range written {
				os.Remove(p)
			}
			if errors.Is(err, os.ErrExist) {
				return nil, &KeyExistsError{path}
			}
			return nil, fmt.Errorf("agekey: %w", err)
		}
		written = append(written, path)
	}
	return written, nil
}

// LoadAdminKeys reads the two private keys of a key folder.
func LoadAdminKeys(dir string) (central, recovery Private, err error) {
	if central, err = readPrivate(dir, CentralKey); err != nil {
		return central, recovery, err
	}
	recovery, err = readPrivate(dir, RecoveryKey)
	return central, recovery, err
}

func readPrivate(dir, name string) (Private, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return Private{}, fmt.Errorf("agekey: %w", err)
	}
	k, err := ParsePrivate(string(b))
	if err != nil {
		return k, fmt.Errorf("agekey: %s: %w", name, err)
	}
	return k, nil
}

// writeNewFile writes a file that must not exist yet, synced to disk.
func writeNewFile(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
