package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/hkdf"
)

// RecoveryPublicKey is the administrator's X25519 key that every vault of
// the district wraps its data key for. It is not secret.
type RecoveryPublicKey [32]byte

// RecoveryPrivateKey opens the recovery wrap of any vault made for its
// public key. The administrator keeps it off the volunteers' laptops.
type RecoveryPrivateKey [32]byte

// ErrMalformedKey means a typed recovery key is not valid.
var ErrMalformedKey = errors.New("vault: malformed recovery key")

const (
	checksumPublic  = "dinh-vault recovery public key"
	checksumPrivate = "dinh-vault recovery private key"
)

// GenerateRecoveryKey makes a new administrator key pair.
func GenerateRecoveryKey() (RecoveryPublicKey, RecoveryPrivateKey, error) {
	var priv RecoveryPrivateKey
	if _, err := rand.Read(priv[:]); err != nil {
		return RecoveryPublicKey{}, RecoveryPrivateKey{}, fmt.Errorf("vault: generate recovery key: %w", err)
	}
	return priv.Public(), priv, nil
}

// Public returns the public key that goes with k.
func (k RecoveryPrivateKey) Public() RecoveryPublicKey {
	var pub RecoveryPublicKey
	p, _ := curve25519.X25519(k[:], curve25519.Basepoint) // cannot fail with the base point
	copy(pub[:], p)
	return pub
}

// String gives the key in groups of four letters and digits, with a
// checksum, for reading aloud or typing.
func (k RecoveryPublicKey) String() string { return formatKey(k, checksumPublic) }

// String gives the key in groups of four letters and digits, with a
// checksum. It is the secret itself: do not log it.
func (k RecoveryPrivateKey) String() string { return formatKey(k, checksumPrivate) }

// ParseRecoveryPublicKey reads a key written by RecoveryPublicKey.String,
// ignoring case, spaces and dashes. A typo, or a private key given where a
// public one is wanted, fails the checksum.
func ParseRecoveryPublicKey(s string) (RecoveryPublicKey, error) {
	k, err := parseKey(s, checksumPublic)
	if err != nil {
		return RecoveryPublicKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return RecoveryPublicKey(k), nil
}

// ParseRecoveryPrivateKey reads a key written by RecoveryPrivateKey.String.
func ParseRecoveryPrivateKey(s string) (RecoveryPrivateKey, error) {
	k, err := parseKey(s, checksumPrivate)
	if err != nil {
		return RecoveryPrivateKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return RecoveryPrivateKey(k), nil
}

// A typed key is the 32 key bytes and a 3-byte checksum, 35 bytes that are
// exactly 56 base32 characters, shown as 14 groups of 4.
const checksumSize = 3

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func checksum(k [32]byte, label string) []byte {
	h := sha256.New()
	h.Write([]byte(label))
	h.Write(k[:])
	return h.Sum(nil)[:checksumSize]
}

func formatKey(k [32]byte, label string) string {
	s := keyEncoding.EncodeToString(append(k[:], checksum(k, label)...))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func parseKey(s, label string) ([32]byte, error) {
	var k [32]byte
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case r == '0': // base32 has no 0, 1 or 8: they were meant as O, I, B
			r = 'O'
		case r == '1':
			r = 'I'
		case r == '8':
			r = 'B'
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	raw, err := keyEncoding.DecodeString(b.String())
	if err != nil {
		return k, fmt.Errorf("not base32: %w", err)
	}
	if len(raw) != len(k)+checksumSize {
		return k, fmt.Errorf("got %d bytes, want %d", len(raw), len(k)+checksumSize)
	}
	copy(k[:], raw)
	if subtle.ConstantTimeCompare(checksum(k, label), raw[len(k):]) != 1 {
		return [32]byte{}, errors.New("checksum does not match: a typo, or the wrong kind of key")
	}
	return k, nil
}

// recoveryKEK derives the wrapping key from an X25519 shared secret, bound
// to both public keys.
func recoveryKEK(shared, ephemeral, recipient []byte) ([]byte, error) {
	salt := append(append([]byte{}, ephemeral...), recipient...)
	kek := make([]byte, keySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, shared, salt, []byte(labelRecovery)), kek); err != nil {
		return nil, err
	}
	return kek, nil
}

func recoveryAAD(ephemeral, recipient []byte) []byte {
	return append(append([]byte(labelRecovery), ephemeral...), recipient...)
}

// wrapRecovery wraps dataKey for the administrator with a fresh ephemeral
// key.
func (h *header) wrapRecovery(dataKey []byte, recipient RecoveryPublicKey) error {
	var eph [32]byte
	if _, err := rand.Read(eph[:]); err != nil {
		return fmt.Errorf("vault: random ephemeral key: %w", err)
	}
	defer clear(eph[:])
	ephPub, _ := curve25519.X25519(eph[:], curve25519.Basepoint)
	shared, err := curve25519.X25519(eph[:], recipient[:])
	if err != nil {
		return fmt.Errorf("vault: invalid recovery public key: %w", err)
	}
	defer clear(shared)
	kek, err := recoveryKEK(shared, ephPub, recipient[:])
	if err != nil {
		return fmt.Errorf("vault: derive recovery key: %w", err)
	}
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("vault: random nonce: %w", err)
	}
	h.Recovery.PublicKey = append([]byte{}, recipient[:]...)
	h.Recovery.Ephemeral = ephPub
	h.Recovery.Nonce = nonce
	h.Recovery.Ciphertext = aead.Seal(nil, nonce, dataKey, recoveryAAD(ephPub, recipient[:]))
	return nil
}

// unwrapRecovery returns the data key using the administrator's key.
func (h *header) unwrapRecovery(priv RecoveryPrivateKey) ([]byte, error) {
	pub := priv.Public()
	if subtle.ConstantTimeCompare(pub[:], h.Recovery.PublicKey) != 1 {
		return nil, ErrWrongRecoveryKey
	}
	shared, err := curve25519.X25519(priv[:], h.Recovery.Ephemeral)
	if err != nil {
		return nil, fmt.Errorf("%w: recovery ephemeral key: %w", ErrCorruptHeader, err)
	}
	defer clear(shared)
	kek, err := recoveryKEK(shared, h.Recovery.Ephemeral, pub[:])
	if err != nil {
		return nil, fmt.Errorf("vault: derive recovery key: %w", err)
	}
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	key, err := aead.Open(nil, h.Recovery.Nonce, h.Recovery.Ciphertext, recoveryAAD(h.Recovery.Ephemeral, pub[:]))
	if err != nil {
		return nil, fmt.Errorf("%w: recovery wrap does not open", ErrCorruptHeader)
	}
	return key, nil
}
