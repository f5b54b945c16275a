package vault

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"dinh/offline/internal/keywrap"
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
	k, err := keywrap.Generate()
	if err != nil {
		return RecoveryPublicKey{}, RecoveryPrivateKey{}, fmt.Errorf("vault: generate recovery key: %w", err)
	}
	priv := RecoveryPrivateKey(k)
	return priv.Public(), priv, nil
}

// Public returns the public key that goes with k.
func (k RecoveryPrivateKey) Public() RecoveryPublicKey { return keywrap.Public(k) }

// String gives the key in groups of four letters and digits, with a
// checksum, for reading aloud or typing.
func (k RecoveryPublicKey) String() string { return keywrap.Format(k, checksumPublic) }

// String gives the key in groups of four letters and digits, with a
// checksum. It is the secret itself: do not log it.
func (k RecoveryPrivateKey) String() string { return keywrap.Format(k, checksumPrivate) }

// ParseRecoveryPublicKey reads a key written by RecoveryPublicKey.String,
// ignoring case, spaces and dashes. A typo, or a private key given where a
// public one is wanted, fails the checksum.
func ParseRecoveryPublicKey(s string) (RecoveryPublicKey, error) {
	k, err := keywrap.Parse(s, checksumPublic)
	if err != nil {
		return RecoveryPublicKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return RecoveryPublicKey(k), nil
}

// ParseRecoveryPrivateKey reads a key written by RecoveryPrivateKey.String.
func ParseRecoveryPrivateKey(s string) (RecoveryPrivateKey, error) {
	k, err := keywrap.Parse(s, checksumPrivate)
	if err != nil {
		return RecoveryPrivateKey{}, fmt.Errorf("%w: %w", ErrMalformedKey, err)
	}
	return RecoveryPrivateKey(k), nil
}

// wrapRecovery wraps dataKey for the administrator.
func (h *header) wrapRecovery(dataKey []byte, recipient RecoveryPublicKey) error {
	eph, nonce, wrapped, err := keywrap.Wrap(dataKey, recipient, labelRecovery)
	if err != nil {
		return fmt.Errorf("vault: recovery wrap: %w", err)
	}
	h.Recovery.PublicKey = append([]byte{}, recipient[:]...)
	h.Recovery.Ephemeral, h.Recovery.Nonce, h.Recovery.Ciphertext = eph, nonce, wrapped
	return nil
}

// unwrapRecovery returns the data key using the administrator's key.
func (h *header) unwrapRecovery(priv RecoveryPrivateKey) ([]byte, error) {
	pub := priv.Public()
	if subtle.ConstantTimeCompare(pub[:], h.Recovery.PublicKey) != 1 {
		return nil, ErrWrongRecoveryKey
	}
	key, err := keywrap.Unwrap(priv, h.Recovery.Ephemeral, h.Recovery.Nonce, h.Recovery.Ciphertext, labelRecovery)
	if err != nil {
		return nil, fmt.Errorf("%w: recovery wrap: %w", ErrCorruptHeader, err)
	}
	return key, nil
}
