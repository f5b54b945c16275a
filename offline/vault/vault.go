package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"dinh/offline/agekey"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"
)

// Errors of the vault; test them with errors.Is.
var (
	ErrExists           = errors.New("vault: a vault already exists in this folder")
	ErrNoVault          = errors.New("vault: no vault in this folder")
	ErrWeakPassphrase   = errors.New("vault: passphrase shorter than 8 characters")
	ErrCorruptHeader    = errors.New("vault: header is damaged or was changed")
	ErrWrongPassphrase  = errors.New("vault: wrong passphrase")
	ErrBackoff          = errors.New("vault: too many wrong passphrases")
	ErrWrongRecoveryKey = errors.New("vault: recovery key does not belong to this vault")
	ErrLocked           = errors.New("vault: locked")
	ErrClosed           = errors.New("vault: closed")
	ErrDecrypt          = errors.New("vault: cannot decrypt: data was changed, cut or belongs elsewhere")
	ErrOldFormat        = errors.New("vault: made by a development build before the first release")
	ErrNoRecovery       = errors.New("vault: this vault is private: it has no recovery key")
)

// BackoffError refuses an unlock attempt until Until. It satisfies
// errors.Is(err, ErrBackoff).
type BackoffError struct{ Until time.Time }

func (e *BackoffError) Error() string {
	return fmt.Sprintf("vault: too many wrong passphrases, next attempt at %s", e.Until.Format(time.RFC3339))
}

func (e *BackoffError) Unwrap() error { return ErrBackoff }

// MinPassphraseRunes is the shortest passphrase accepted, in characters.
const MinPassphraseRunes = 8

// DefaultIdleTimeout is how long an unlocked vault stays unlocked unused.
const DefaultIdleTimeout = 5 * time.Minute

// Failures allowed before back-off, and the back-off steps.
const (
	freeAttempts = 5
	firstBackoff = 30 * time.Second
	maxBackoff   = 15 * time.Minute
)

// Options tune a vault. The zero value is fine.
type Options struct {
	// IdleTimeout locks the vault when it has not been used for this long:
	// 0 means DefaultIdleTimeout, a negative value never.
	IdleTimeout time.Duration
	// Now is the clock for back-off decisions; nil means time.Now.
	Now func() time.Time
	// OnLock is called, from the timer's goroutine, when the vault locks
	// itself after the idle timeout. It is not called for Lock or Close.
	// It must not block; a UI hands the update to its own goroutine
	// (fyne.Do).
	OnLock func()
	// KDF are the Argon2id costs for a new passphrase (Create,
	// ChangePassphrase, Recover); zero means time 3, 64 MiB, 2 threads.
	// Unlock uses the costs stored in the header.
	KDF KDFParams
}

// Vault is an encrypted store's key, locked or unlocked. Its methods are
// safe for concurrent use.
type Vault struct {
	dir    string
	idle   time.Duration
	now    func() time.Time
	onLock func()
	kdf    KDFParams

	attempt sync.Mutex // serializes passphrase attempts and header rewrites

	mu       sync.Mutex
	hdr      *header
	keys     *keys // nil when locked
	closed   bool
	deadline time.Time     // idle lock time, on the monotonic clock
	idleStop chan struct{} // closed to stop the idle goroutine
	idleDone chan struct{} // closed when the idle goroutine has returned
}

// keys are derived from the data key, one per use, so a value can never be
// passed off as a chunk of a file or the other way round.
type keys struct {
	value []byte
	file  []byte
	files *age.X25519Identity // what attachments are encrypted for
}

const (
	labelValueKey = "dinh-vault v1 value key"
	labelFileKey  = "dinh-vault v1 file key"
)

func deriveKeys(dataKey []byte) (*keys, error) {
	k := &keys{value: make([]byte, keySize), file: make([]byte, keySize)}
	for _, d := range []struct {
		dst   []byte
		label string
	}{{k.value, labelValueKey}, {k.file, labelFileKey}} {
		if _, err := io.ReadFull(hkdf.New(sha256.New, dataKey, nil, []byte(d.label)), d.dst); err != nil {
			k.wipe()
			return nil, fmt.Errorf("vault: derive keys: %w", err)
		}
	}
	return k, nil
}

// wipe zeroes the keys. The age identity cannot be zeroed: it is only
// dropped, for the garbage collector.
func (k *keys) wipe() {
	clear(k.value)
	clear(k.file)
	k.files = nil
}

func newVault(dir string, h *header, opts Options) (*Vault, error) {
	kdf := opts.KDF.orDefault()
	if err := kdf.validate(); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	v := &Vault{dir: dir, hdr: h, idle: opts.IdleTimeout, now: opts.Now, onLock: opts.OnLock, kdf: kdf}
	if v.idle == 0 {
		v.idle = DefaultIdleTimeout
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

func checkPassphrase(p []byte) error {
	if utf8.RuneCount(p) < MinPassphraseRunes {
		return ErrWeakPassphrase
	}
	return nil
}

// Create makes a new vault in dir, which is created if needed, with a fresh
// data key wrapped for passphrase and for the administrator's recovery key.
// It returns the vault unlocked. It refuses a folder that has a vault
// (ErrExists), but does not guard against two processes creating one at
// the same moment.
func Create(dir string, passphrase []byte, recovery agekey.Public, opts Options) (*Vault, error) {
	if recovery.IsZero() {
		return nil, fmt.Errorf("vault: no recovery key")
	}
	return create(dir, passphrase, recovery, opts)
}

// CreatePrivate makes a vault that only its passphrase opens: no recovery
// key is wrapped, so a forgotten passphrase loses what it holds. It is for
// a person's own notes, which nobody else may read.
func CreatePrivate(dir string, passphrase []byte, opts Options) (*Vault, error) {
	return create(dir, passphrase, agekey.Public{}, opts)
}

// create makes the vault; a zero recovery key makes it private.
func create(dir string, passphrase []byte, recovery agekey.Public, opts Options) (*Vault, error) {
	if err := checkPassphrase(passphrase); err != nil {
		return nil, err
	}
	v, err := newVault(dir, &header{Format: formatName, Version: formatVersion}, opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: create folder: %w", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, headerName)); err == nil {
		return nil, ErrExists
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("vault: %w", err)
	}
	dataKey := make([]byte, keySize)
	defer clear(dataKey)
	if _, err := rand.Read(dataKey); err != nil {
		return nil, fmt.Errorf("vault: random data key: %w", err)
	}
	h := v.hdr
	if !recovery.IsZero() {
		if err := h.wrapRecovery(dataKey, recovery); err != nil {
			return nil, err
		}
	}
	if err := h.wrapPassphrase(dataKey, passphrase, v.kdf); err != nil {
		return nil, err
	}
	h.KeyCheck = keyCheck(dataKey)
	k, err := deriveKeys(dataKey)
	if err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err == nil {
		err = h.sealFileIdentity(k, id)
	}
	k.wipe()
	if err != nil {
		return nil, fmt.Errorf("vault: file key: %w", err)
	}
	if err := writeHeader(dir, h); err != nil {
		return nil, err
	}
	if err := v.setKey(dataKey); err != nil {
		return nil, err
	}
	return v, nil
}

// Open reads the vault in dir and returns it locked.
func Open(dir string, opts Options) (*Vault, error) {
	h, err := readHeader(dir)
	if err != nil {
		return nil, err
	}
	removeStaleTemps(dir)
	return newVault(dir, h, opts)
}

// Recover opens the vault in dir with the administrator's recovery key,
// sets newPassphrase, clears the back-off and returns the vault unlocked.
func Recover(dir string, recovery agekey.Private, newPassphrase []byte, opts Options) (*Vault, error) {
	if err := checkPassphrase(newPassphrase); err != nil {
		return nil, err
	}
	v, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	dataKey, err := v.hdr.unwrapRecovery(recovery)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	if err := v.hdr.checkKey(dataKey); err != nil {
		return nil, err
	}
	h := *v.hdr
	if err := h.wrapPassphrase(dataKey, newPassphrase, v.kdf); err != nil {
		return nil, err
	}
	h.FailedAttempts, h.BackoffUntil = 0, time.Time{}
	if err := writeHeader(dir, &h); err != nil {
		return nil, err
	}
	v.hdr = &h
	if err := v.setKey(dataKey); err != nil {
		return nil, err
	}
	return v, nil
}

// backoffFor is the wait after the given number of consecutive failures.
func backoffFor(failures int) time.Duration {
	if failures < freeAttempts {
		return 0
	}
	if n := failures - freeAttempts; n < 10 {
		return min(firstBackoff<<n, maxBackoff)
	}
	return maxBackoff
}

// checkBackoff refuses an attempt during back-off. Called with v.mu held.
func (v *Vault) checkBackoff(now time.Time) error {
	h := v.hdr
	if h.FailedAttempts < freeAttempts || h.BackoffUntil.IsZero() {
		return nil
	}
	// A clock set back must not lock the volunteer out for longer than
	// the current step.
	if limit := now.Add(backoffFor(h.FailedAttempts)); h.BackoffUntil.After(limit) {
		c := *h
		c.BackoffUntil = limit
		if writeHeader(v.dir, &c) == nil {
			v.hdr = &c
		}
		return &BackoffError{Until: limit}
	}
	if now.Before(h.BackoffUntil) {
		return &BackoffError{Until: h.BackoffUntil}
	}
	return nil
}

// attemptPassphrase checks passphrase against the header, counting the
// attempt, and returns the data key. The caller holds v.attempt.
func (v *Vault) attemptPassphrase(passphrase []byte) ([]byte, error) {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil, ErrClosed
	}
	if err := v.checkBackoff(v.now()); err != nil {
		v.mu.Unlock()
		return nil, err
	}
	h := v.hdr
	v.mu.Unlock()

	// The slow part runs without v.mu, so Locked and Lock stay quick.
	dataKey, err := h.unwrapPassphrase(passphrase)

	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		clear(dataKey)
		return nil, ErrClosed
	}
	if err != nil {
		if !errors.Is(err, ErrWrongPassphrase) {
			return nil, err
		}
		c := *v.hdr
		c.FailedAttempts++
		if d := backoffFor(c.FailedAttempts); d > 0 {
			c.BackoffUntil = v.now().Add(d)
		}
		v.hdr = &c // counted in memory even if the disk refuses the write
		errs := []error{ErrWrongPassphrase}
		if backoffFor(c.FailedAttempts) > 0 {
			errs = append(errs, &BackoffError{Until: c.BackoffUntil})
		}
		if werr := writeHeader(v.dir, &c); werr != nil {
			errs = append(errs, werr)
		}
		if len(errs) == 1 {
			return nil, ErrWrongPassphrase
		}
		return nil, errors.Join(errs...)
	}
	if err := v.hdr.checkKey(dataKey); err != nil {
		clear(dataKey)
		return nil, err
	}
	if v.hdr.FailedAttempts != 0 || !v.hdr.BackoffUntil.IsZero() {
		c := *v.hdr
		c.FailedAttempts, c.BackoffUntil = 0, time.Time{}
		if err := writeHeader(v.dir, &c); err != nil {
			clear(dataKey)
			return nil, err
		}
		v.hdr = &c
	}
	return dataKey, nil
}

// Unlock checks passphrase and unlocks the vault. A wrong passphrase gives
// ErrWrongPassphrase; after five in a row, attempts are refused with a
// *BackoffError until its time, without checking the passphrase. The
// fifth and later failures return both errors joined.
func (v *Vault) Unlock(passphrase []byte) error {
	v.attempt.Lock()
	defer v.attempt.Unlock()
	dataKey, err := v.attemptPassphrase(passphrase)
	if err != nil {
		return err
	}
	defer clear(dataKey)
	return v.setKey(dataKey)
}

// ChangePassphrase wraps the data key for newPassphrase. It counts as an
// unlock attempt with old, and leaves the vault locked or unlocked as it
// was. Data encrypted before stays readable.
func (v *Vault) ChangePassphrase(old, newPassphrase []byte) error {
	if err := checkPassphrase(newPassphrase); err != nil {
		return err
	}
	v.attempt.Lock()
	defer v.attempt.Unlock()
	dataKey, err := v.attemptPassphrase(old)
	if err != nil {
		return err
	}
	defer clear(dataKey)
	v.mu.Lock()
	c := *v.hdr
	v.mu.Unlock()
	if err := c.wrapPassphrase(dataKey, newPassphrase, v.kdf); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	if err := writeHeader(v.dir, &c); err != nil {
		return err
	}
	v.hdr = &c
	return nil
}

// setKey unlocks the vault with dataKey, which the caller still owns.
func (v *Vault) setKey(dataKey []byte) error {
	k, err := deriveKeys(dataKey)
	if err != nil {
		return err
	}
	v.mu.Lock()
	hdr := v.hdr
	v.mu.Unlock()
	if k.files, err = hdr.openFileIdentity(k); err != nil {
		k.wipe()
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		k.wipe()
		return ErrClosed
	}
	if v.keys != nil {
		v.keys.wipe()
	}
	v.keys = k
	v.touchLocked()
	v.startIdleLocked()
	return nil
}

// startIdleLocked starts the idle goroutine if the timeout asks for one
// and none runs.
func (v *Vault) startIdleLocked() {
	if v.idle > 0 && v.idleStop == nil {
		v.idleStop, v.idleDone = make(chan struct{}), make(chan struct{})
		go v.idleLoop(v.idle, v.idleStop, v.idleDone)
	}
}

// SetIdleTimeout changes how long the vault stays unlocked unused, with
// the meaning of Options.IdleTimeout. An unlocked vault counts from now.
func (v *Vault) SetIdleTimeout(d time.Duration) {
	if d == 0 {
		d = DefaultIdleTimeout
	}
	v.mu.Lock()
	v.idle = d
	stop, done := v.idleStop, v.idleDone
	v.idleStop, v.idleDone = nil, nil
	if v.keys != nil {
		v.touchLocked()
		v.startIdleLocked()
	}
	v.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

func (v *Vault) idleLoop(idle time.Duration, stop, done chan struct{}) {
	defer close(done)
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		v.mu.Lock()
		if v.idleStop != stop {
			v.mu.Unlock()
			return
		}
		if left := time.Until(v.deadline); left > 0 {
			v.mu.Unlock()
			t.Reset(left)
			continue
		}
		v.wipeLocked()
		v.idleStop, v.idleDone = nil, nil
		onLock := v.onLock
		v.mu.Unlock()
		if onLock != nil {
			onLock()
		}
		return
	}
}

func (v *Vault) touchLocked() {
	v.deadline = time.Now().Add(v.idle)
}

func (v *Vault) wipeLocked() {
	if v.keys != nil {
		v.keys.wipe()
		v.keys = nil
	}
}

// Touch restarts the idle timeout. Encrypt and Decrypt touch the vault.
func (v *Vault) Touch() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys != nil {
		v.touchLocked()
	}
}

// Locked reports whether the vault is locked.
func (v *Vault) Locked() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.keys == nil
}

// Lock zeroes the keys and stops the idle timer.
func (v *Vault) Lock() { v.lock(false) }

// Close locks the vault for good. When it returns no goroutine of the
// vault remains, unless it is called from OnLock, whose goroutine returns
// right after.
func (v *Vault) Close() error {
	v.lock(true)
	return nil
}

func (v *Vault) lock(closing bool) {
	v.mu.Lock()
	if closing {
		v.closed = true
	}
	v.wipeLocked()
	stop, done := v.idleStop, v.idleDone
	v.idleStop, v.idleDone = nil, nil
	v.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// valueAEAD returns the cipher for values and touches the vault.
func (v *Vault) valueAEAD() (cipher.AEAD, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		return nil, ErrLocked
	}
	v.touchLocked()
	return chacha20poly1305.NewX(v.keys.value)
}

// Encrypt seals plaintext, authenticating aad with it (say the draft's ID
// and field, so a value cannot be moved to another draft). The result is a
// random 24-byte nonce followed by the XChaCha20-Poly1305 ciphertext.
func (v *Vault) Encrypt(plaintext, aad []byte) ([]byte, error) {
	aead, err := v.valueAEAD()
	if err != nil {
		return nil, err
	}
	out := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("vault: random nonce: %w", err)
	}
	return aead.Seal(out, out, plaintext, aad), nil
}

// Decrypt opens what Encrypt sealed with the same aad.
func (v *Vault) Decrypt(ciphertext, aad []byte) ([]byte, error) {
	aead, err := v.valueAEAD()
	if err != nil {
		return nil, err
	}
	if len(ciphertext) < nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrDecrypt, len(ciphertext))
	}
	plain, err := aead.Open(nil, ciphertext[:nonceSize], ciphertext[nonceSize:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}
