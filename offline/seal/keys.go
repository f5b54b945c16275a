package seal

import (
	"errors"
	"fmt"

	"dinh/offline/internal/keywrap"
)

// Ext is the extension of a sealed dossier's file, in a device's outbox
// and in every folder it travels through.
const Ext = ".dseal"

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
	k, err := keywrap.Generate()
	if err != nil {
		return CentralPublicKey{}, CentralPrivateKey{}, fmt.Errorf("seal: generate central key: %w", err)
	}
	priv := CentralPrivateKey(k)
	return priv.Public(), priv, nil
}

// Public returns the public key that goes with k.
func (k CentralPrivateKey) Public() CentralPublicKey { return keywrap.Public(k) }

// String gives the key as 14 groups of four base32 characters, the last
// three bytes a checksum, for configuring devices by hand.
func (k CentralPublicKey) String() string { return keywrap.Format(k, checksumPublic) }

// String gives the key like CentralPublicKey.String. It is the secret
// itself: do not log it.
func (k CentralPrivateKey) String() string { return keywrap.Format(k, checksumPrivate) }

// ParseCentralPublicKey reads a key written by CentralPublicKey.String,
// ignoring case, spaces and dashes. A typo, or a private key given where a
// public one is wanted, fails the checksum.
func ParseCentralPublicKey(s string) (CentralPublicKey, error) {
	k, err := keywrap.Parse(s, checksumPublic)
	if err != nil {
		return CentralPublicKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return CentralPublicKey(k), nil
}

// ParseCentralPrivateKey reads a key written by CentralPrivateKey.String.
func ParseCentralPrivateKey(s string) (CentralPrivateKey, error) {
	k, err := keywrap.Parse(s, checksumPrivate)
	if err != nil {
		return CentralPrivateKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return CentralPrivateKey(k), nil
}

const labelWrap = "dinh seal v1"

// wrapKey wraps contentKey for central with a fresh ephemeral key.
func wrapKey(contentKey []byte, central CentralPublicKey) (ephPub, nonce, wrapped []byte, err error) {
	if ephPub, nonce, wrapped, err = keywrap.Wrap(contentKey, central, labelWrap); err != nil {
		return nil, nil, nil, fmt.Errorf("seal: wrap content key: %w", err)
	}
	return ephPub, nonce, wrapped, nil
}

// unwrapKey returns the content key, or an error wrapping ErrTampered.
func unwrapKey(priv CentralPrivateKey, ephPub, nonce, wrapped []byte) ([]byte, error) {
	key, err := keywrap.Unwrap(priv, ephPub, nonce, wrapped, labelWrap)
	if err != nil {
		return nil, fmt.Errorf("%w: content key: %w", ErrTampered, err)
	}
	return key, nil
}
