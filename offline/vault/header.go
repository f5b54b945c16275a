package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"dinh/internal/atomicfile"
	"dinh/internal/boundedfile"
	"dinh/offline/agekey"
)

const (
	headerName    = "vault.json"
	headerTmp     = ".vault.json.tmp-"
	formatName    = "dinh-vault"
	formatVersion = 2
	kdfArgon2id   = "argon2id"

	keySize       = chacha20poly1305.KeySize
	nonceSize     = chacha20poly1305.NonceSizeX
	wrappedSize   = keySize + chacha20poly1305.Overhead
	saltSize      = 16
	checkSize     = 16
	maxHeaderSize = 64 << 10

	labelPassphrase   = "dinh-vault v1 passphrase"
	labelCheck        = "dinh-vault v1 key check"
	labelFileIdentity = "dinh-vault v2 file identity"
)

// KDFParams are the Argon2id costs of turning a passphrase into a key.
type KDFParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8
}

// defaultKDF is the second recommendation of RFC 9106 with two threads for
// two-core laptops. BenchmarkUnlockDefault measures it.
var defaultKDF = KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 2}

// Bounds a header may ask for, so a damaged header cannot make Unlock
// allocate gigabytes or run for hours.
const (
	maxKDFTime    = 32
	maxKDFMemory  = 2 << 20 // KiB, 2 GiB
	maxKDFThreads = 64
)

func (p KDFParams) orDefault() KDFParams {
	if p == (KDFParams{}) {
		return defaultKDF
	}
	return p
}

func (p KDFParams) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("argon2id time %d out of range 1..%d", p.Time, maxKDFTime)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return fmt.Errorf("argon2id threads %d out of range 1..%d", p.Threads, maxKDFThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemory:
		return fmt.Errorf("argon2id memory %d KiB out of range %d..%d", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemory)
	}
	return nil
}

// header is vault.json.
type header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	KDF     struct {
		Algorithm string `json:"algorithm"`
		Salt      []byte `json:"salt"`
		Time      uint32 `json:"time"`
		MemoryKiB uint32 `json:"memory_kib"`
		Threads   uint8  `json:"threads"`
	} `json:"kdf"`
	// Passphrase is the data key wrapped with the passphrase key.
	Passphrase struct {
		Nonce      []byte `json:"nonce"`
		Ciphertext []byte `json:"ciphertext"`
	} `json:"passphrase_wrap"`
	// Recovery is the data key encrypted with age for the
	// administrator's recovery key.
	Recovery struct {
		Recipient string `json:"recipient"` // age1…
		Age       []byte `json:"age"`
	} `json:"recovery_wrap"`
	// Files is the age identity that attachments are encrypted for,
	// encrypted under the file key.
	Files struct {
		Nonce      []byte `json:"nonce"`
		Ciphertext []byte `json:"ciphertext"`
	} `json:"file_identity"`
	// KeyCheck is a MAC by the data key, so an unwrapped key is known to be
	// the one the vault's data was encrypted with.
	KeyCheck       []byte    `json:"key_check"`
	FailedAttempts int       `json:"failed_attempts"`
	BackoffUntil   time.Time `json:"backoff_until,omitzero"`
}

func (h *header) params() KDFParams {
	return KDFParams{Time: h.KDF.Time, MemoryKiB: h.KDF.MemoryKiB, Threads: h.KDF.Threads}
}

func (h *header) validate() error {
	if h.Format != formatName {
		return fmt.Errorf("format %q, want %q", h.Format, formatName)
	}
	if h.Version == 1 {
		return ErrOldFormat
	}
	if h.Version != formatVersion {
		return fmt.Errorf("unsupported version %d", h.Version)
	}
	if h.KDF.Algorithm != kdfArgon2id {
		return fmt.Errorf("unsupported key derivation %q", h.KDF.Algorithm)
	}
	if err := h.params().validate(); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		b    []byte
		n    int
	}{
		{"salt", h.KDF.Salt, saltSize},
		{"passphrase nonce", h.Passphrase.Nonce, nonceSize},
		{"passphrase wrap", h.Passphrase.Ciphertext, wrappedSize},
		{"file key nonce", h.Files.Nonce, nonceSize},
		{"key check", h.KeyCheck, checkSize},
	} {
		if len(f.b) != f.n {
			return fmt.Errorf("%s is %d bytes, want %d", f.name, len(f.b), f.n)
		}
	}
	if !h.private() {
		if _, err := agekey.ParsePublic(h.Recovery.Recipient); err != nil {
			return fmt.Errorf("recovery key: %w", err)
		}
		if n := len(h.Recovery.Age); n == 0 || n > maxRecoveryWrap {
			return fmt.Errorf("recovery wrap is %d bytes, want 1..%d", n, maxRecoveryWrap)
		}
	}
	if n := len(h.Files.Ciphertext); n < chacha20poly1305.Overhead || n > 256 {
		return fmt.Errorf("file key is %d bytes", n)
	}
	if h.FailedAttempts < 0 {
		return fmt.Errorf("negative failed attempts %d", h.FailedAttempts)
	}
	return nil
}

// passphraseAAD binds the wrapped key to the salt and costs it was made
// with.
func (h *header) passphraseAAD() []byte {
	b := append([]byte(labelPassphrase), h.KDF.Salt...)
	b = binary.BigEndian.AppendUint32(b, h.KDF.Time)
	b = binary.BigEndian.AppendUint32(b, h.KDF.MemoryKiB)
	return append(b, h.KDF.Threads)
}

func deriveKEK(passphrase, salt []byte, p KDFParams) []byte {
	return argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, keySize)
}

// wrapPassphrase sets a fresh salt and wraps dataKey with the key derived
// from passphrase.
func (h *header) wrapPassphrase(dataKey, passphrase []byte, p KDFParams) error {
	salt := make([]byte, saltSize)
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("vault: random salt: %w", err)
	}
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("vault: random nonce: %w", err)
	}
	h.KDF.Algorithm = kdfArgon2id
	h.KDF.Salt = salt
	h.KDF.Time, h.KDF.MemoryKiB, h.KDF.Threads = p.Time, p.MemoryKiB, p.Threads
	kek := deriveKEK(passphrase, salt, p)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	h.Passphrase.Nonce = nonce
	h.Passphrase.Ciphertext = aead.Seal(nil, nonce, dataKey, h.passphraseAAD())
	return nil
}

// unwrapPassphrase returns the data key, or ErrWrongPassphrase.
func (h *header) unwrapPassphrase(passphrase []byte) ([]byte, error) {
	kek := deriveKEK(passphrase, h.KDF.Salt, h.params())
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	key, err := aead.Open(nil, h.Passphrase.Nonce, h.Passphrase.Ciphertext, h.passphraseAAD())
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

func keyCheck(dataKey []byte) []byte {
	m := hmac.New(sha256.New, dataKey)
	m.Write([]byte(labelCheck))
	return m.Sum(nil)[:checkSize]
}

func (h *header) checkKey(dataKey []byte) error {
	if !hmac.Equal(keyCheck(dataKey), h.KeyCheck) {
		return fmt.Errorf("%w: key check does not match the unwrapped key", ErrCorruptHeader)
	}
	return nil
}

func readHeader(dir string) (*header, error) {
	b, err := boundedfile.Read(filepath.Join(dir, headerName), maxHeaderSize)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, ErrNoVault
	case errors.Is(err, boundedfile.ErrTooLarge):
		return nil, fmt.Errorf("%w: %w", ErrCorruptHeader, err)
	case err != nil:
		return nil, fmt.Errorf("vault: read header: %w", err)
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptHeader, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the header", ErrCorruptHeader)
	}
	if err := h.validate(); errors.Is(err, ErrOldFormat) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptHeader, err)
	}
	return &h, nil
}

// writeHeader replaces dir/vault.json atomically: a crash leaves either the
// old header or the new one.
func writeHeader(dir string, h *header) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return fmt.Errorf("vault: encode header: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(dir, headerName), headerTmp, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("vault: write header: %w", err)
	}
	return nil
}

// removeStaleTemps removes header temp files left by a crash.
func removeStaleTemps(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, headerTmp+"*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}
