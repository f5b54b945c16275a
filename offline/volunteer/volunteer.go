// Package volunteer opens a community digital technology team member's
// data folder as a whole: the store, the vault that encrypts the drafts,
// the outbox and the desk that keeps and seals dossiers. The app and
// dinhd both open it here, so they agree on where everything lives:
//
//	DIR/dinh.db          store (drafts bucket, outbox entries, device key)
//	DIR/vault/           vault header (offline/vault)
//	DIR/drafts/ID/       a draft's encrypted photos
//	DIR/outbox/ID.dseal  sealed dossiers waiting for the central server
//	DIR/setup.json       the central server's and the administrator's public keys
package volunteer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dinh/internal/atomicfile"
	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/vault"
)

// Retention is how long a receipted dossier's sealed file is kept before
// it is purged.
const Retention = 30 * 24 * time.Hour

const setupName = "setup.json"

// ErrNotSetUp means the folder has no volunteer set-up yet: Init it.
var ErrNotSetUp = errors.New("volunteer: this device is not set up for a community team yet")

// Setup holds the public keys a team's administrator gives each device.
type Setup struct {
	Central  agekey.Public // dossiers are sealed for it
	Recovery agekey.Public // can reset a forgotten passphrase
}

type setupFile struct {
	Central  string `json:"central"`
	Recovery string `json:"recovery"`
}

// Workspace is an open data folder.
type Workspace struct {
	Dir string
	// Setup holds the keys; read central's with Central while
	// ReplaceCentral may run.
	Setup  Setup
	Store  *store.Store
	Vault  *vault.Vault
	Outbox *outbox.Outbox
	Desk   *dossier.Desk

	mu sync.Mutex // guards Setup.Central
}

// Central returns the key this device seals for. It is safe to call while
// ReplaceCentral runs on another goroutine.
func (w *Workspace) Central() agekey.Public {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.Setup.Central
}

// Passphrase turns what a person typed into the bytes the vault sees: NFC,
// so that "ệ" typed as one code point or as e plus two accents is the same
// passphrase on every keyboard and input method.
func Passphrase(s string) []byte {
	return []byte(norm.NFC.String(strings.TrimRight(s, "\r\n")))
}

// ErrNoPassphrase is a passphrase file or input whose first line is empty.
var ErrNoPassphrase = errors.New("volunteer: no passphrase on the first line")

// ReadPassphrase reads a passphrase from the first line of r, as a
// volunteer's script or a file written in Notepad gives it: at most 4 KiB,
// the byte order mark Notepad starts a UTF-8 file with dropped, the line
// ending dropped, and normalised as Passphrase does.
func ReadPassphrase(r io.Reader) ([]byte, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("volunteer: read passphrase: %w", err)
	}
	line = strings.TrimPrefix(line, "\ufeff")
	if strings.TrimSpace(line) == "" {
		return nil, ErrNoPassphrase
	}
	return Passphrase(line), nil
}

// IsSetUp reports whether dir holds a volunteer set-up.
func IsSetUp(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, setupName))
	return err == nil
}

// Init sets up dir for a volunteer: the vault with their passphrase and
// the administrator's keys. It returns the workspace unlocked.
func Init(dir string, passphrase []byte, s Setup, opts vault.Options) (*Workspace, error) {
	if IsSetUp(dir) {
		return nil, fmt.Errorf("volunteer: %s: %w", dir, vault.ErrExists)
	}
	if utf8.RuneCount(passphrase) < vault.MinPassphraseRunes { // before the folder is made
		return nil, vault.ErrWeakPassphrase
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	// A vault without setup.json is an Init that stopped half-way: nothing
	// can have been saved with it, since Open needs setup.json.
	if err := os.RemoveAll(filepath.Join(dir, "vault")); err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	v, err := vault.Create(filepath.Join(dir, "vault"), passphrase, s.Recovery, opts)
	if err != nil {
		return nil, err
	}
	v.Close()
	raw, _ := json.MarshalIndent(setupFile{Central: s.Central.String(), Recovery: s.Recovery.String()}, "", "  ")
	if err := atomicfile.WriteBytes(filepath.Join(dir, setupName), raw); err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	w, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	if err := w.Vault.Unlock(passphrase); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Open opens a set-up folder with its vault locked.
func Open(dir string, opts vault.Options) (_ *Workspace, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, setupName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotSetUp
	}
	if err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	var sf setupFile
	if err := json.Unmarshal(raw, &sf); err != nil {
		return nil, fmt.Errorf("volunteer: %s is damaged: %w", setupName, err)
	}
	w := &Workspace{Dir: dir}
	if w.Setup.Central, err = agekey.ParsePublic(sf.Central); err != nil {
		return nil, fmt.Errorf("volunteer: %s: central key: %w", setupName, err)
	}
	if w.Setup.Recovery, err = agekey.ParsePublic(sf.Recovery); err != nil {
		return nil, fmt.Errorf("volunteer: %s: recovery key: %w", setupName, err)
	}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	if w.Store, err = store.Open(dir); err != nil {
		return nil, err
	}
	if w.Vault, err = vault.Open(filepath.Join(dir, "vault"), opts); err != nil {
		return nil, err
	}
	device, err := w.Store.HostKey()
	if err != nil {
		return nil, err
	}
	obDir := filepath.Join(dir, "outbox")
	w.Outbox = outbox.New(w.Store, obDir, nil, Retention)
	w.Desk, err = dossier.NewDesk(dossier.Config{
		Store: w.Store, Vault: w.Vault, Outbox: w.Outbox,
		Dir: filepath.Join(dir, "drafts"), OutboxDir: obDir,
		Central: w.Setup.Central, Recovery: w.Setup.Recovery, Device: device,
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// OpenUnlocked opens a set-up folder for one command and unlocks it with
// the passphrase on the first line of pass. A folder that is not set up
// is refused before the passphrase is read, and the folder is opened
// (locking out the app) only once it has been given. The vault does not
// lock itself while the command runs.
func OpenUnlocked(dir string, pass io.Reader) (*Workspace, error) {
	if !IsSetUp(dir) {
		return nil, ErrNotSetUp
	}
	p, err := ReadPassphrase(pass)
	if err != nil {
		return nil, err
	}
	defer clear(p)
	w, err := Open(dir, vault.Options{IdleTimeout: -1})
	if err != nil {
		return nil, err
	}
	if err := w.Vault.Unlock(p); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// InitFrom sets up dir for one command, with the passphrase on the first
// line of pass. A folder already set up is refused before the passphrase
// is read. The vault does not lock itself while the command runs.
func InitFrom(dir string, pass io.Reader, s Setup) (*Workspace, error) {
	if IsSetUp(dir) {
		return nil, fmt.Errorf("volunteer: %s: %w", dir, vault.ErrExists)
	}
	p, err := ReadPassphrase(pass)
	if err != nil {
		return nil, err
	}
	defer clear(p)
	return Init(dir, p, s, vault.Options{IdleTimeout: -1})
}

// ReplaceCentral makes central the key this device seals for, as an
// administrator does after a device was set up with another central's
// key (central refuses its dossiers as sealed for another key), and seals
// again, from the copies the desk keeps, every dossier still waiting for
// its receipt. The vault must be unlocked. The dossiers are marked to
// seal again before the key is written, so a process killed in between
// leaves them marked, never sent for the old key once the new one is in
// place; running it again finishes the work. It returns the dossiers
// sealed again.
func (w *Workspace) ReplaceCentral(ctx context.Context, central agekey.Public) ([]string, error) {
	entries, err := w.Outbox.List()
	if err != nil {
		return nil, err
	}
	var todo []string
	for _, e := range entries {
		if e.State.Unreceipted() {
			if err := w.Outbox.MarkToSealAgain(e.ID, "to seal again for central's key "+central.String()); err != nil {
				return nil, err
			}
			todo = append(todo, e.ID)
		}
	}
	raw, _ := json.MarshalIndent(setupFile{Central: central.String(), Recovery: w.Setup.Recovery.String()}, "", "  ")
	if err := atomicfile.WriteBytes(filepath.Join(w.Dir, setupName), raw); err != nil {
		return nil, fmt.Errorf("volunteer: %w", err)
	}
	w.mu.Lock()
	w.Setup.Central = central
	w.mu.Unlock()
	w.Desk.SetCentral(central)
	var done []string
	for _, id := range todo {
		if _, err := w.Desk.Seal(ctx, id, nil); err != nil {
			return done, fmt.Errorf("volunteer: seal %s again: %w", id, err)
		}
		done = append(done, id)
	}
	return done, nil
}

// Close locks the vault and closes the store.
func (w *Workspace) Close() error {
	var errs []error
	if w.Vault != nil {
		errs = append(errs, w.Vault.Close())
	}
	if w.Store != nil {
		errs = append(errs, w.Store.Close())
	}
	return errors.Join(errs...)
}
