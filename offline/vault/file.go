package vault

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"filippo.io/age"

	"dinh/internal/atomicfile"
)

// fileMagic opens every file written by EncryptFile, followed by an age
// file for the vault's file identity whose plaintext is a two-byte
// big-endian length, the aad, then the content.
const (
	fileMagic   = "DINHVF2\n"
	fileMagicV1 = "DINHVF1\n"
	maxAAD      = 1<<16 - 1
)

// fileKeys returns the vault's age identity for files, touching the
// vault.
func (v *Vault) fileKeys() (*age.X25519Identity, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		return nil, ErrLocked
	}
	v.touchLocked()
	return v.keys.files, nil
}

// touchReader keeps the vault from idling out during a long copy.
type touchReader struct {
	r io.Reader
	v *Vault
}

func (t touchReader) Read(p []byte) (int, error) {
	// After the read, which may be slow: the vault stays open for its idle
	// time after the last byte, not after the last request for one.
	n, err := t.r.Read(p)
	t.v.Touch()
	return n, err
}

// EncryptFile encrypts src into the file dst with age, binding aad to it.
// It writes a temporary file next to dst, syncs it and renames it, so a
// crash leaves either the old dst or the new one. A Lock during the copy
// does not stop it.
func (v *Vault) EncryptFile(dst string, src io.Reader, aad []byte) error {
	if abs, err := filepath.Abs(dst); err == nil {
		if hdr, err := filepath.Abs(filepath.Join(v.dir, headerName)); err == nil && abs == hdr {
			return fmt.Errorf("vault: encrypt: %s is the vault header", dst)
		}
	}
	if len(aad) > maxAAD {
		return fmt.Errorf("vault: encrypt: aad of %d bytes, at most %d", len(aad), maxAAD)
	}
	id, err := v.fileKeys()
	if err != nil {
		return err
	}
	err = atomicfile.Write(dst, "."+filepath.Base(dst)+".tmp-", func(w io.Writer) error {
		if _, err := io.WriteString(w, fileMagic); err != nil {
			return err
		}
		aw, err := age.Encrypt(w, id.Recipient())
		if err != nil {
			return err
		}
		if _, err := aw.Write(binary.BigEndian.AppendUint16(nil, uint16(len(aad)))); err != nil {
			return err
		}
		if _, err := aw.Write(aad); err != nil {
			return err
		}
		if _, err := io.Copy(aw, touchReader{src, v}); err != nil {
			return err
		}
		return aw.Close()
	})
	if err != nil {
		return fmt.Errorf("vault: encrypt %s: %w", filepath.Base(dst), err)
	}
	return nil
}

// readError marks an error of reading the file itself, so that it is not
// taken for data that does not decrypt.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

type markedReader struct{ r io.Reader }

func (m markedReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &readError{err}
	}
	return n, err
}

// DecryptFile decrypts the file src, written by EncryptFile with the same
// aad, into w. Every byte written to w has been authenticated, but when it
// returns an error (ErrDecrypt for tampering), w may have received the
// start of the file: the caller must discard what it wrote.
func (v *Vault) DecryptFile(src string, aad []byte, w io.Writer) error {
	id, err := v.fileKeys()
	if err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("vault: decrypt: %w", err)
	}
	defer f.Close()
	name := filepath.Base(src)
	magic := make([]byte, len(fileMagic))
	if _, err := io.ReadFull(f, magic); err != nil || string(magic) != fileMagic {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("vault: decrypt %s: %w", name, err)
		}
		if string(magic) == fileMagicV1 {
			return fmt.Errorf("%w: %s", ErrOldFormat, name)
		}
		return fmt.Errorf("%w: %s is not a vault file", ErrDecrypt, name)
	}
	fail := func(err error) error {
		if _, ok := errors.AsType[*readError](err); ok {
			return fmt.Errorf("vault: decrypt %s: %w", name, err)
		}
		return fmt.Errorf("%w: %s: %v", ErrDecrypt, name, err)
	}
	ar, err := age.Decrypt(markedReader{f}, id)
	if err != nil {
		return fail(err)
	}
	r := touchReader{ar, v}
	var lb [2]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return fail(err)
	}
	got := make([]byte, binary.BigEndian.Uint16(lb[:]))
	if _, err := io.ReadFull(r, got); err != nil {
		return fail(err)
	}
	if !bytes.Equal(got, aad) {
		return fmt.Errorf("%w: %s belongs elsewhere", ErrDecrypt, name)
	}
	buf := make([]byte, 64<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return fmt.Errorf("vault: decrypt %s: %w", name, err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return fail(rerr)
		}
	}
}
