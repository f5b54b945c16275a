// Package keywrap holds what the vault's recovery key and the central
// server's sealing key share: X25519 key pairs, their typed form (base32
// in groups of four, with a checksum), and wrapping a secret for a public
// key with an ephemeral X25519 key, HKDF-SHA256 and XChaCha20-Poly1305.
package keywrap

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

// Errors of Unwrap.
var (
	ErrEphemeral = errors.New("ephemeral key is not a valid X25519 key")
	ErrOpen      = errors.New("wrapped secret does not open")
)

// Generate makes a new private key.
func Generate() ([32]byte, error) {
	var k [32]byte
	_, err := rand.Read(k[:])
	return k, err
}

// Public returns the public key of priv.
func Public(priv [32]byte) [32]byte {
	var pub [32]byte
	p, _ := curve25519.X25519(priv[:], curve25519.Basepoint) // cannot fail with the base point
	copy(pub[:], p)
	return pub
}

// A typed key is the 32 key bytes and a 3-byte checksum, 35 bytes that are
// exactly 56 base32 characters, shown as 14 groups of 4.
const checksumSize = 3

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func checksum(k [32]byte, label string) []byte {
	h := sha256.New()
	h.Write([]byte(label))
	h.Write(k[:])
	return h.Sum(nil)[:checksumSize]
}

// Format gives k in its typed form. The label names the kind of key, so a
// key of another kind fails Parse's checksum.
func Format(k [32]byte, label string) string {
	s := encoding.EncodeToString(append(k[:], checksum(k, label)...))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// Parse reads a key written by Format with the same label, ignoring case,
// spaces and dashes, and reading 0, 1 and 8 as O, I and B.
func Parse(s, label string) ([32]byte, error) {
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
	raw, err := encoding.DecodeString(b.String())
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

// kek derives the wrapping key, bound to both public keys and the label.
func kek(shared, ephemeral, recipient []byte, label string) (cipherAEAD, error) {
	salt := append(append([]byte{}, ephemeral...), recipient...)
	k := make([]byte, chacha20poly1305.KeySize)
	defer clear(k)
	if _, err := io.ReadFull(hkdf.New(sha256.New, shared, salt, []byte(label)), k); err != nil {
		return nil, fmt.Errorf("derive wrapping key: %w", err)
	}
	return chacha20poly1305.NewX(k)
}

type cipherAEAD interface {
	Seal(dst, nonce, plaintext, additionalData []byte) []byte
	Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error)
}

func aad(ephemeral, recipient []byte, label string) []byte {
	return append(append([]byte(label+" wrap"), ephemeral...), recipient...)
}

// Wrap encrypts secret for recipient with a fresh ephemeral key.
func Wrap(secret []byte, recipient [32]byte, label string) (ephPub, nonce, wrapped []byte, err error) {
	var eph [32]byte
	if _, err := rand.Read(eph[:]); err != nil {
		return nil, nil, nil, fmt.Errorf("random ephemeral key: %w", err)
	}
	defer clear(eph[:])
	ephPub, _ = curve25519.X25519(eph[:], curve25519.Basepoint)
	shared, err := curve25519.X25519(eph[:], recipient[:])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("invalid recipient key: %w", err)
	}
	defer clear(shared)
	aead, err := kek(shared, ephPub, recipient[:], label)
	if err != nil {
		return nil, nil, nil, err
	}
	nonce = make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, nil, fmt.Errorf("random nonce: %w", err)
	}
	return ephPub, nonce, aead.Seal(nil, nonce, secret, aad(ephPub, recipient[:], label)), nil
}

// Unwrap opens what Wrap made for Public(priv).
func Unwrap(priv [32]byte, ephPub, nonce, wrapped []byte, label string) ([]byte, error) {
	pub := Public(priv)
	shared, err := curve25519.X25519(priv[:], ephPub)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEphemeral, err)
	}
	defer clear(shared)
	aead, err := kek(shared, ephPub, pub[:], label)
	if err != nil {
		return nil, err
	}
	if len(nonce) != chacha20poly1305.NonceSizeX {
		return nil, ErrOpen
	}
	secret, err := aead.Open(nil, nonce, wrapped, aad(ephPub, pub[:], label))
	if err != nil {
		return nil, ErrOpen
	}
	return secret, nil
}
