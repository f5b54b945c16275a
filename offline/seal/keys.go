package seal

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

// CentralPublicKey is the province central server's X25519 key, which
// every device seals for. It is not secret.
type CentralPublicKey [32]byte

// CentralPrivateKey opens sealed dossiers. It stays on the central server.
type CentralPrivateKey [32]byte

// ErrMalformedKey means a typed central key is not valid.
var ErrMalformedKey = errors.New("seal: malformed central key")

const (
	checksumPublic  = "dinh-seal central public key"
	checksumPrivate = "dinh-seal central private key"
)

// GenerateCentralKey makes a new central key pair.
func GenerateCentralKey() (CentralPublicKey, CentralPrivateKey, error) {
	var priv CentralPrivateKey
	if _, err := rand.Read(priv[:]); err != nil {
		return CentralPublicKey{}, CentralPrivateKey{}, fmt.Errorf("seal: generate central key: %w", err)
	}
	return priv.Public(), priv, nil
}

// Public returns the public key that goes with k.
func (k CentralPrivateKey) Public() CentralPublicKey {
	var pub CentralPublicKey
	p, _ := curve25519.X25519(k[:], curve25519.Basepoint) // cannot fail with the base point
	copy(pub[:], p)
	return pub
}

// String gives the key as 14 groups of four base32 characters, the last
// three bytes a checksum, for configuring devices by hand.
func (k CentralPublicKey) String() string { return formatKey(k, checksumPublic) }

// String gives the key like CentralPublicKey.String. It is the secret
// itself: do not log it.
func (k CentralPrivateKey) String() string { return formatKey(k, checksumPrivate) }

// ParseCentralPublicKey reads a key written by CentralPublicKey.String,
// ignoring case, spaces and dashes. A typo, or a private key given where a
// public one is wanted, fails the checksum.
func ParseCentralPublicKey(s string) (CentralPublicKey, error) {
	k, err := parseKey(s, checksumPublic)
	if err != nil {
		return CentralPublicKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return CentralPublicKey(k), nil
}

// ParseCentralPrivateKey reads a key written by CentralPrivateKey.String.
func ParseCentralPrivateKey(s string) (CentralPrivateKey, error) {
	k, err := parseKey(s, checksumPrivate)
	if err != nil {
		return CentralPrivateKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return CentralPrivateKey(k), nil
}

// The same typed form as dinh/offline/vault's recovery keys: 32 key bytes
// and a 3-byte checksum are 56 base32 characters.
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

const labelWrap = "dinh seal v1"

func wrapKEK(shared, ephemeral, recipient []byte) ([]byte, error) {
	salt := append(append([]byte{}, ephemeral...), recipient...)
	kek := make([]byte, chacha20poly1305.KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, shared, salt, []byte(labelWrap)), kek); err != nil {
		return nil, err
	}
	return kek, nil
}

func wrapAAD(ephemeral, recipient []byte) []byte {
	return append(append([]byte(labelWrap+" wrap"), ephemeral...), recipient...)
}

// wrapKey wraps contentKey for central with a fresh ephemeral key.
func wrapKey(contentKey []byte, central CentralPublicKey) (ephPub, nonce, wrapped []byte, err error) {
	var eph [32]byte
	if _, err := rand.Read(eph[:]); err != nil {
		return nil, nil, nil, fmt.Errorf("seal: random ephemeral key: %w", err)
	}
	defer clear(eph[:])
	ephPub, _ = curve25519.X25519(eph[:], curve25519.Basepoint)
	shared, err := curve25519.X25519(eph[:], central[:])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seal: invalid central public key: %w", err)
	}
	defer clear(shared)
	kek, err := wrapKEK(shared, ephPub, central[:])
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seal: derive wrapping key: %w", err)
	}
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seal: %w", err)
	}
	nonce = make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, nil, fmt.Errorf("seal: random nonce: %w", err)
	}
	return ephPub, nonce, aead.Seal(nil, nonce, contentKey, wrapAAD(ephPub, central[:])), nil
}

// unwrapKey returns the content key, or an error wrapping ErrTampered.
func unwrapKey(priv CentralPrivateKey, ephPub, nonce, wrapped []byte) ([]byte, error) {
	pub := priv.Public()
	shared, err := curve25519.X25519(priv[:], ephPub)
	if err != nil {
		return nil, fmt.Errorf("%w: ephemeral key: %w", ErrTampered, err)
	}
	defer clear(shared)
	kek, err := wrapKEK(shared, ephPub, pub[:])
	if err != nil {
		return nil, fmt.Errorf("seal: derive wrapping key: %w", err)
	}
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	key, err := aead.Open(nil, nonce, wrapped, wrapAAD(ephPub, pub[:]))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped content key does not open", ErrTampered)
	}
	return key, nil
}
