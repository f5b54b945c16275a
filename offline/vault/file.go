package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"dinh/offline/internal/stream"

	"dinh/internal/atomicfile"
)

// fileMagic opens every file written by EncryptFile, followed by a stream
// (see dinh/offline/internal/stream) under the vault's file key.
const fileMagic = "DINHVF1\n"

// fileKey returns a copy of the file key, touching the vault. The caller
// clears it.
func (v *Vault) fileKey() ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		return nil, ErrLocked
	}
	v.touchLocked()
	return bytes.Clone(v.keys.file), nil
}

// touchReader keeps the vault from idling out during a long copy.
type touchReader struct {
	r io.Reader
	v *Vault
}

func (t touchReader) Read(p []byte) (int, error) {
	t.v.Touch()
	return t.r.Read(p)
}

// EncryptFile encrypts src into the file dst in 64 KiB chunks,
// authenticating aad with each. It writes a temporary file next to dst,
// syncs it and renames it, so a crash leaves either the old dst or the new
// one. A Lock during the copy does not stop it.
func (v *Vault) EncryptFile(dst string, src io.Reader, aad []byte) error {
	if abs, err := filepath.Abs(dst); err == nil {
		if hdr, err := filepath.Abs(filepath.Join(v.dir, headerName)); err == nil && abs == hdr {
			return fmt.Errorf("vault: encrypt: %s is the vault header", dst)
		}
	}
	key, err := v.fileKey()
	if err != nil {
		return err
	}
	defer clear(key)
	err = atomicfile.Write(dst, "."+filepath.Base(dst)+".tmp-", func(w io.Writer) error {
		if _, err := io.WriteString(w, fileMagic); err != nil {
			return err
		}
		sw, err := stream.NewWriter(w, key, aad)
		if err != nil {
			return err
		}
		if _, err := io.Copy(sw, touchReader{src, v}); err != nil {
			return err
		}
		return sw.Close()
	})
	if err != nil {
		return fmt.Errorf("vault: encrypt %s: %w", filepath.Base(dst), err)
	}
	return nil
}

// DecryptFile decrypts the file src, written by EncryptFile with the same
// aad, into w. Every byte written to w has been authenticated, but when it
// returns an error (ErrDecrypt for tampering), w may have received the
// start of the file: the caller must discard what it wrote.
func (v *Vault) DecryptFile(src string, aad []byte, w io.Writer) error {
	key, err := v.fileKey()
	if err != nil {
		return err
	}
	defer clear(key)
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
		return fmt.Errorf("%w: %s is not a vault file", ErrDecrypt, name)
	}
	sr, err := stream.NewReader(f, key, aad)
	if err == nil {
		_, err = io.Copy(w, touchReader{sr, v})
	}
	if errors.Is(err, stream.ErrAuth) {
		return fmt.Errorf("%w: %s: %w", ErrDecrypt, name, err)
	}
	if err != nil {
		return fmt.Errorf("vault: decrypt %s: %w", name, err)
	}
	return nil
}
