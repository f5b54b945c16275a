package volunteer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dinh/offline/seal"
	"dinh/offline/vault"
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
	return "volunteer: " + e.Path + " exists; keys are never overwritten"
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
			return nil, fmt.Errorf("volunteer: %w", err)
		}
	}
	cpub, cpriv, err := seal.GenerateCentralKey()
	if err != nil {
		return nil, err
	}
	rpub, rpriv, err := vault.GenerateRecoveryKey()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	values := []string{cpub.String(), cpriv.String(), rpub.String(), rpriv.String()}
	var written []string
	for i, name := range AdminKeyFiles {
		path := filepath.Join(dir, name)
		if err := writeNewFile(path, values[i]+"\n"); err != nil {
			for _, p := range written {
				os.Remove(p)
			}
			if errors.Is(err, os.ErrExist) {
				return nil, &KeyExistsError{path}
			}
			return nil, fmt.Errorf("volunteer: %w", err)
		}
		written = append(written, path)
	}
	return written, nil
}

// LoadAdminKeys reads the two private keys of a key folder.
func LoadAdminKeys(dir string) (seal.CentralPrivateKey, vault.RecoveryPrivateKey, error) {
	var c seal.CentralPrivateKey
	var r vault.RecoveryPrivateKey
	cb, err := os.ReadFile(filepath.Join(dir, CentralKey))
	if err != nil {
		return c, r, fmt.Errorf("volunteer: %w", err)
	}
	if c, err = seal.ParseCentralPrivateKey(strings.TrimSpace(string(cb))); err != nil {
		return c, r, fmt.Errorf("volunteer: %s: %w", CentralKey, err)
	}
	rb, err := os.ReadFile(filepath.Join(dir, RecoveryKey))
	if err != nil {
		return c, r, fmt.Errorf("volunteer: %w", err)
	}
	if r, err = vault.ParseRecoveryPrivateKey(strings.TrimSpace(string(rb))); err != nil {
		return c, r, fmt.Errorf("volunteer: %s: %w", RecoveryKey, err)
	}
	return c, r, nil
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
