package vault

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"

	"dinh/offline/agekey"
)

// maxRecoveryWrap bounds the age file that holds the data key for the
// administrator: one X25519 stanza and 48 bytes of payload.
const maxRecoveryWrap = 1024

// wrapRecovery encrypts dataKey with age for the administrator's recovery
// key.
func (h *header) wrapRecovery(dataKey []byte, recovery agekey.Public) error {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recovery.Recipient())
	if err == nil {
		_, err = w.Write(dataKey)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return fmt.Errorf("vault: recovery wrap: %w", err)
	}
	h.Recovery.Recipient = recovery.String()
	h.Recovery.Age = buf.Bytes()
	return nil
}

// private is true for a vault made by CreatePrivate.
func (h *header) private() bool {
	return h.Recovery.Recipient == "" && len(h.Recovery.Age) == 0
}

// unwrapRecovery returns the data key using the administrator's key.
func (h *header) unwrapRecovery(priv agekey.Private) ([]byte, error) {
	if h.private() {
		return nil, ErrNoRecovery
	}
	if priv.IsZero() || priv.Public().String() != h.Recovery.Recipient {
		return nil, ErrWrongRecoveryKey
	}
	r, err := age.Decrypt(bytes.NewReader(h.Recovery.Age), priv.Identity())
	if err != nil {
		return nil, fmt.Errorf("%w: recovery wrap: %w", ErrCorruptHeader, err)
	}
	key, err := io.ReadAll(io.LimitReader(r, keySize+1))
	if err != nil || len(key) != keySize {
		return nil, fmt.Errorf("%w: recovery wrap holds %d bytes, want %d (%v)", ErrCorruptHeader, len(key), keySize, err)
	}
	return key, nil
}

// sealFileIdentity encrypts the vault's age identity for files under the
// file key, so that only an unlocked vault can decrypt its attachments.
func (h *header) sealFileIdentity(k *keys, id *age.X25519Identity) error {
	aead, err := chacha20poly1305.NewX(k.file)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("vault: random nonce: %w", err)
	}
	h.Files.Nonce = nonce
	h.Files.Ciphertext = aead.Seal(nil, nonce, []byte(id.String()), []byte(labelFileIdentity))
	return nil
}

// openFileIdentity decrypts the vault's age identity for files.
func (h *header) openFileIdentity(k *keys) (*age.X25519Identity, error) {
	aead, err := chacha20poly1305.NewX(k.file)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	s, err := aead.Open(nil, h.Files.Nonce, h.Files.Ciphertext, []byte(labelFileIdentity))
	if err != nil {
		return nil, fmt.Errorf("%w: file key does not decrypt", ErrCorruptHeader)
	}
	defer clear(s)
	id, err := age.ParseX25519Identity(string(s))
	if err != nil {
		return nil, fmt.Errorf("%w: file key: %w", ErrCorruptHeader, err)
	}
	return id, nil
}
