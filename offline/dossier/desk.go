package dossier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/offline/seal"
)

// Errors of the desk; test them with errors.Is.
var (
	// ErrNotFound means there is no draft with that ID.
	ErrNotFound = errors.New("dossier: no such draft")
	// ErrSealed means the dossier is sealed: this device cannot read or
	// change it any more.
	ErrSealed = errors.New("dossier: already sealed")
	// ErrIncomplete means the dossier cannot be sealed yet; the error is
	// an *IncompleteError listing why.
	ErrIncomplete = errors.New("dossier: not complete")
	// ErrDiskFull means the disk filled while saving; what was saved
	// before is intact.
	ErrDiskFull = errors.New("dossier: the disk is full")
	// ErrDamaged means a stored draft cannot be decrypted or read.
	ErrDamaged = errors.New("dossier: stored draft is damaged")
)

// IncompleteError lists what stops a dossier from being sealed.
type IncompleteError struct{ Problems []Problem }

func (e *IncompleteError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = string(p)
	}
	return "dossier: not complete: " + strings.Join(parts, ", ")
}

func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Store keeps the encrypted draft records; offline/store implements it.
type Store interface {
	Draft(id string) ([]byte, bool, error)
	DraftIDs() ([]string, error)
	PutDraft(id string, val []byte) error
	DeleteDraft(id string) error
}

// Vault encrypts drafts at rest; offline/vault implements it. Its methods
// fail with vault.ErrLocked while it is locked.
type Vault interface {
	Encrypt(plaintext, aad []byte) ([]byte, error)
	Decrypt(ciphertext, aad []byte) ([]byte, error)
	EncryptFile(dst string, src io.Reader, aad []byte) error
	DecryptFile(src string, aad []byte, w io.Writer) error
}

// Config is what a Desk works with.
type Config struct {
	Store  Store
	Outbox *outbox.Outbox
	Vault  Vault
	// Dir holds the drafts' encrypted attachments, one folder per dossier.
	Dir string
	// OutboxDir is the outbox's folder, where sealed dossiers are written.
	OutboxDir string
	// Central is the key the dossiers are sealed for, and Recovery the
	// administrator's key that can open them too when central's is lost
	// (zero: none).
	Central  agekey.Public
	Recovery agekey.Public
	// Device signs sealed dossiers.
	Device ed25519.PrivateKey
	// Photo tunes how attachments are downscaled.
	Photo photo.Options
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Desk keeps a volunteer's drafts and seals them. Its methods are safe for
// concurrent use.
type Desk struct {
	cfg Config
	mu  sync.Mutex // serialises changes to records, files and the outbox
}

// SetCentral makes key the one dossiers are sealed for from now on.
func (k *Desk) SetCentral(key agekey.Public) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cfg.Central = key
}

// NewDesk opens the desk and finishes or undoes what a crash interrupted
// (see the package comment). It needs no passphrase.
func NewDesk(cfg Config) (*Desk, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, d := range []string{cfg.Dir, cfg.OutboxDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("dossier: %w", diskErr(err))
		}
	}
	k := &Desk{cfg: cfg}
	if err := k.recover(); err != nil {
		return nil, err
	}
	return k, nil
}

// recover removes the draft of a dossier that has its receipt (a sealed
// one keeps its draft until then, to seal it again if its file is
// damaged), a sealed file whose sealing never reached the outbox, and
// temporary files.
func (k *Desk) recover() error {
	ids, err := k.cfg.Store.DraftIDs()
	if err != nil {
		return fmt.Errorf("dossier: recover: %w", err)
	}
	// A damaged entry is left alone (its draft too): the others recover.
	entries, err := k.cfg.Outbox.List()
	if err != nil && entries == nil {
		return fmt.Errorf("dossier: recover: %w", err)
	}
	state := map[string]outbox.State{}
	for _, e := range entries {
		state[e.ID] = e.State
	}
	for _, id := range ids {
		if s, ok := state[id]; ok && done(s) {
			if err := k.forget(id); err != nil {
				return fmt.Errorf("dossier: recover %s: %w", id, err)
			}
		}
	}
	names, err := os.ReadDir(k.cfg.OutboxDir)
	if err != nil {
		return fmt.Errorf("dossier: recover: %w", err)
	}
	for _, n := range names {
		name := n.Name()
		id, sealed := strings.CutSuffix(name, seal.Ext)
		switch {
		case strings.Contains(name, ".tmp-"):
		case sealed && state[id] == outbox.Draft:
		default:
			continue
		}
		if err := os.Remove(filepath.Join(k.cfg.OutboxDir, name)); err != nil {
			return fmt.Errorf("dossier: recover: %w", err)
		}
	}
	folders, err := os.ReadDir(k.cfg.Dir)
	if err != nil {
		return fmt.Errorf("dossier: recover: %w", err)
	}
	for _, f := range folders {
		if s, ok := state[f.Name()]; ok && done(s) {
			if err := os.RemoveAll(filepath.Join(k.cfg.Dir, f.Name())); err != nil {
				return fmt.Errorf("dossier: recover: %w", err)
			}
		}
	}
	return nil
}

// done reports whether a dossier in state s no longer needs its draft: its
// receipt came back.
func done(s outbox.State) bool { return s == outbox.Receipted || s == outbox.Purged }

// Tidy deletes the kept drafts of the dossiers whose receipt came back. It
// needs no passphrase; the sync calls it after receipts arrive.
func (k *Desk) Tidy() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.recover()
}

// forget deletes a draft's record and files.
func (k *Desk) forget(id string) error {
	if err := k.cfg.Store.DeleteDraft(id); err != nil {
		return err
	}
	return os.RemoveAll(filepath.Join(k.cfg.Dir, id))
}

func recordAAD(id string) []byte { return []byte("dinh dossier v1 record\x00" + id) }

func fileAAD(id, att string) []byte {
	return []byte("dinh dossier v1 attachment\x00" + id + "\x00" + att)
}

// diskErr marks a full disk with ErrDiskFull.
func diskErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// newID is outbox.NewID; a test fixture needs a fixed ID.
var newID = outbox.NewID

// Create starts a draft for a procedure and one of its cases; papers are
// the case's required papers, none ticked yet.
func (k *Desk) Create(procedure, procedureName, caseName string, papers []string) (*Dossier, error) {
	now := k.cfg.Now()
	d := &Dossier{
		Format:        Format,
		ID:            newID(),
		Procedure:     procedure,
		ProcedureName: procedureName,
		Case:          caseName,
		Created:       now,
		Updated:       now,
		Answers:       map[string]string{},
	}
	for _, p := range papers {
		d.Papers = append(d.Papers, PaperCheck{Name: p})
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	// The record is encrypted before the outbox learns of the draft, so a
	// locked vault leaves nothing behind.
	raw, err := k.encode(d)
	if err != nil {
		return nil, err
	}
	if err := k.cfg.Outbox.AddDraft(d.ID, procedure, ""); err != nil {
		return nil, fmt.Errorf("dossier: %w", diskErr(err))
	}
	if err := k.cfg.Store.PutDraft(d.ID, raw); err != nil {
		k.cfg.Outbox.Discard(d.ID)
		return nil, fmt.Errorf("dossier: save %s: %w", d.ID, diskErr(err))
	}
	return d, nil
}

func (k *Desk) encode(d *Dossier) ([]byte, error) {
	plain, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("dossier: encode: %w", err)
	}
	defer clear(plain)
	raw, err := k.cfg.Vault.Encrypt(plain, recordAAD(d.ID))
	if err != nil {
		return nil, fmt.Errorf("dossier: %w", err)
	}
	return raw, nil
}

// Load returns a draft. A draft started before drafts had records (store
// schema 3) has only its outbox entry and opens as an empty dossier of its
// procedure.
func (k *Desk) Load(id string) (*Dossier, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.load(id)
}

func (k *Desk) load(id string) (*Dossier, error) {
	e, err := k.cfg.Outbox.Entry(id)
	if errors.Is(err, outbox.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("dossier: %w", err)
	}
	if e.State != outbox.Draft {
		return nil, fmt.Errorf("%w: %s is %s", ErrSealed, id, e.State)
	}
	return k.read(id, e)
}

// read decrypts the record of id, whose outbox entry is e.
func (k *Desk) read(id string, e outbox.Entry) (*Dossier, error) {
	raw, ok, err := k.cfg.Store.Draft(id)
	if err != nil {
		return nil, fmt.Errorf("dossier: %w", err)
	}
	if !ok {
		return &Dossier{Format: Format, ID: id, Procedure: e.Procedure, Created: e.Created.Local(), Updated: e.Created.Local(), Answers: map[string]string{}}, nil
	}
	plain, err := k.cfg.Vault.Decrypt(raw, recordAAD(id))
	if err != nil {
		return nil, fmt.Errorf("dossier: %s: %w", id, err)
	}
	defer clear(plain)
	var d Dossier
	if err := json.Unmarshal(plain, &d); err != nil || d.ID != id {
		return nil, fmt.Errorf("%w: %s", ErrDamaged, id)
	}
	if err := d.upgrade(); err != nil {
		return nil, err
	}
	if d.Answers == nil {
		d.Answers = map[string]string{}
	}
	return &d, nil
}

// Save stores a draft, replacing what was saved before; on failure the
// earlier version stays. It also corrects the initials in the outbox and
// removes attachment files the draft no longer lists.
func (k *Desk) Save(d *Dossier) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.save(d)
}

func (k *Desk) save(d *Dossier) error {
	e, err := k.cfg.Outbox.Entry(d.ID)
	if errors.Is(err, outbox.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, d.ID)
	}
	if err != nil {
		return fmt.Errorf("dossier: %w", err)
	}
	if e.State != outbox.Draft {
		return fmt.Errorf("%w: %s is %s", ErrSealed, d.ID, e.State)
	}
	d.Format = Format
	d.Updated = k.cfg.Now()
	raw, err := k.encode(d)
	if err != nil {
		return err
	}
	if err := k.cfg.Store.PutDraft(d.ID, raw); err != nil {
		return fmt.Errorf("dossier: save %s: %w", d.ID, diskErr(err))
	}
	if in := Initials(d.Villager.FullName); in != "" {
		if err := k.cfg.Outbox.SetInitials(d.ID, in); err != nil {
			return fmt.Errorf("dossier: %w", diskErr(err))
		}
	}
	k.tidy(d)
	return nil
}

// tidy removes attachment files that the saved draft does not list: left
// by a removal, or by a crash between writing a file and saving the draft.
func (k *Desk) tidy(d *Dossier) {
	folder := filepath.Join(k.cfg.Dir, d.ID)
	names, err := os.ReadDir(folder)
	if err != nil {
		return
	}
	for _, n := range names {
		att, _ := strings.CutSuffix(n.Name(), ".enc")
		if _, ok := d.Attachment(att); !ok {
			os.Remove(filepath.Join(folder, n.Name()))
		}
	}
}

// Discard deletes a draft for good.
func (k *Desk) Discard(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.cfg.Outbox.Discard(id); err != nil {
		if errors.Is(err, outbox.ErrNotFound) {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		if errors.Is(err, outbox.ErrTransition) {
			return fmt.Errorf("%w: %s", ErrSealed, id)
		}
		return fmt.Errorf("dossier: %w", err)
	}
	if err := k.forget(id); err != nil {
		return fmt.Errorf("dossier: discard %s: %w", id, err)
	}
	return nil
}

// Added is the outcome of adding one file.
type Added struct {
	Path       string
	Attachment Attachment // when Err is nil
	Err        error      // wraps a photo error, ErrDiskFull, ...
}

// Attach prepares the files at paths (downscaled and recompressed, in
// parallel), stores them encrypted and adds them to the draft, which is
// saved. progress is called after each file, from any goroutine. Files
// that fail are reported in their Added and do not stop the others.
func (k *Desk) Attach(ctx context.Context, id, kind, paper string, paths []string, progress func(done, total int)) ([]Added, error) {
	if kind != KindPaper && kind != KindConsent && kind != KindOther {
		return nil, fmt.Errorf("dossier: unknown attachment kind %q", kind)
	}
	if _, err := k.Load(id); err != nil { // fail early: locked, sealed, unknown
		return nil, err
	}
	results, errs := photo.PrepareAll(ctx, paths, k.cfg.Photo, progress)
	out := make([]Added, len(paths))
	folder := filepath.Join(k.cfg.Dir, id)
	if err := os.MkdirAll(folder, 0o700); err != nil {
		return nil, fmt.Errorf("dossier: %w", diskErr(err))
	}
	var atts []Attachment
	for i, p := range paths {
		out[i].Path = p
		if out[i].Err = errs[i]; errs[i] != nil {
			continue
		}
		r := results[i]
		sum := sha256.Sum256(r.JPEG)
		a := Attachment{
			ID: newAttachmentID(), Kind: kind, Paper: paper, Name: filepath.Base(p),
			Size: int64(len(r.JPEG)), Width: r.Width, Height: r.Height,
			SHA256: hex.EncodeToString(sum[:]), Added: k.cfg.Now(),
		}
		if err := k.cfg.Vault.EncryptFile(filepath.Join(folder, a.ID+".enc"), bytes.NewReader(r.JPEG), fileAAD(id, a.ID)); err != nil {
			out[i].Err = fmt.Errorf("dossier: store %s: %w", filepath.Base(p), diskErr(err))
			continue
		}
		out[i].Attachment = a
		atts = append(atts, a)
	}
	if len(atts) == 0 {
		return out, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	d, err := k.load(id)
	if err != nil {
		return out, err
	}
	d.Attachments = append(d.Attachments, atts...)
	if kind == KindConsent {
		d.Consent.Form = atts[len(atts)-1].ID
	}
	if err := k.save(d); err != nil {
		return out, err
	}
	return out, nil
}

func newAttachmentID() string { return strings.ToLower(rand.Text()[:16]) }

// Detach removes an attachment from a draft.
func (k *Desk) Detach(id, att string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	d, err := k.load(id)
	if err != nil {
		return err
	}
	kept := d.Attachments[:0]
	for _, a := range d.Attachments {
		if a.ID != att {
			kept = append(kept, a)
		}
	}
	d.Attachments = kept
	if d.Consent.Form == att {
		d.Consent.Form = ""
	}
	return k.save(d)
}

// ReadAttachment writes an attachment's JPEG to w, for display.
func (k *Desk) ReadAttachment(id, att string, w io.Writer) error {
	if !validAttachmentID(att) {
		return fmt.Errorf("%w: attachment %q", ErrNotFound, att)
	}
	if err := k.cfg.Vault.DecryptFile(filepath.Join(k.cfg.Dir, id, att+".enc"), fileAAD(id, att), w); err != nil {
		return fmt.Errorf("dossier: %w", err)
	}
	return nil
}

func validAttachmentID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// List returns every dossier the outbox knows, newest first: drafts and
// sealed ones alike, with no personal data beyond initials. Damaged
// entries are reported in the error (outbox.ErrCorrupt) beside the
// readable ones, which are returned all the same.
func (k *Desk) List() ([]outbox.Entry, error) {
	es, err := k.cfg.Outbox.List()
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	if err != nil {
		return es, fmt.Errorf("dossier: %w", err)
	}
	return es, nil
}
