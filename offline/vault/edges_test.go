package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHeaderSizeLimit: a header of exactly the limit opens (padded with
// spaces, as an editor might leave it); one byte more is refused as
// corrupt, not read in part.
func TestHeaderSizeLimit(t *testing.T) {
	f := newFixture(t)
	f.v.Close()
	path := filepath.Join(f.dir, headerName)
	hdr, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exact := append(bytes.Clone(hdr), bytes.Repeat([]byte(" "), maxHeaderSize-len(hdr))...)
	if err := os.WriteFile(path, exact, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(f.dir, f.opts)
	if err != nil {
		t.Fatalf("a header of exactly %d bytes: %v", maxHeaderSize, err)
	}
	if err := v.Unlock(pass); err != nil {
		t.Errorf("unlock with a padded header: %v", err)
	}
	v.Close()
	if err := os.WriteFile(path, append(exact, ' '), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f.dir, f.opts); !errors.Is(err, ErrCorruptHeader) {
		t.Errorf("a header one byte over the limit: got %v, want ErrCorruptHeader", err)
	}
}

// TestSuccessResetsFailures: a right passphrase after wrong ones starts
// the count again, so the next mistakes are free again.
func TestSuccessResetsFailures(t *testing.T) {
	f := newFixture(t)
	f.v.Lock()
	for range freeAttempts - 1 {
		if err := f.v.Unlock([]byte("sai")); !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("got %v, want ErrWrongPassphrase", err)
		}
	}
	if err := f.v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	f.v.Lock()
	for i := range freeAttempts - 1 {
		if err := f.v.Unlock([]byte("sai")); errors.Is(err, ErrBackoff) {
			t.Fatalf("wrong passphrase %d after a success: got %v, want no back-off yet", i+1, err)
		}
	}
	if err := f.v.Unlock(pass); err != nil {
		t.Errorf("right passphrase: %v", err)
	}
}

// TestStaleBackoffIsIgnored: a back-off time left in the header with
// fewer failures than the free attempts (an old header, or one edited by
// hand) does not lock the volunteer out.
func TestStaleBackoffIsIgnored(t *testing.T) {
	f := newFixture(t)
	f.v.Close()
	h, err := readHeader(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	h.FailedAttempts, h.BackoffUntil = 1, f.clock.Now().Add(time.Hour)
	if err := writeHeader(f.dir, h); err != nil {
		t.Fatal(err)
	}
	v, err := Open(f.dir, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Unlock(pass); err != nil {
		t.Errorf("got %v, want unlocked", err)
	}
}

// TestChangePassphraseThenLock: the same vault, locked after a change,
// opens with the new passphrase and not the old one.
func TestChangePassphraseThenLock(t *testing.T) {
	f := newFixture(t)
	newPass := []byte("mật khẩu mới của xã")
	if err := f.v.ChangePassphrase(pass, newPass); err != nil {
		t.Fatal(err)
	}
	f.v.Lock()
	if err := f.v.Unlock(pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase: got %v, want ErrWrongPassphrase", err)
	}
	if err := f.v.Unlock(newPass); err != nil {
		t.Errorf("new passphrase: %v", err)
	}
}

// TestCiphertextEdges: an empty value round-trips; anything shorter than
// a nonce and a tag is refused as undecryptable, without a panic.
func TestCiphertextEdges(t *testing.T) {
	f := newFixture(t)
	ct, err := f.v.Encrypt(nil, []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := f.v.Decrypt(ct, []byte("aad")); err != nil || len(plain) != 0 {
		t.Errorf("empty value: got %q, %v", plain, err)
	}
	for _, n := range []int{0, 5, 10, nonceSize - 1, nonceSize, len(ct) - 1} {
		if _, err := f.v.Decrypt(ct[:n], []byte("aad")); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%d bytes: got %v, want ErrDecrypt", n, err)
		}
	}
}

// TestKDFLimits pins the Argon2id parameters a header may ask for at their
// edges: a hostile header cannot make unlocking take hours or all memory.
func TestKDFLimits(t *testing.T) {
	tests := []struct {
		p  KDFParams
		ok bool
	}{
		{KDFParams{Time: 1, MemoryKiB: 8, Threads: 1}, true},
		{KDFParams{Time: maxKDFTime, MemoryKiB: maxKDFMemory, Threads: maxKDFThreads}, true},
		{KDFParams{Time: 0, MemoryKiB: 64, Threads: 1}, false},
		{KDFParams{Time: maxKDFTime + 1, MemoryKiB: 64, Threads: 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 64, Threads: 0}, false},
		{KDFParams{Time: 1, MemoryKiB: 64 * 8, Threads: maxKDFThreads + 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 8*4 - 1, Threads: 4}, false},
		{KDFParams{Time: 1, MemoryKiB: 8 * 4, Threads: 4}, true},
		{KDFParams{Time: 1, MemoryKiB: maxKDFMemory + 1, Threads: 1}, false},
	}
	for _, tt := range tests {
		if err := tt.p.validate(); (err == nil) != tt.ok {
			t.Errorf("%+v: got %v, want ok %v", tt.p, err, tt.ok)
		}
	}
}

// TestFailureCountedWhenTheDiskRefuses: a wrong passphrase is counted
// even when the header cannot be written (the folder is gone), and the
// write failure is reported beside it.
func TestFailureCountedWhenTheDiskRefuses(t *testing.T) {
	f := newFixture(t)
	f.v.Lock()
	if err := os.RemoveAll(f.dir); err != nil {
		t.Fatal(err)
	}
	err := f.v.Unlock([]byte("sai"))
	if !errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), "write header") {
		t.Fatalf("got %v, want ErrWrongPassphrase and the write failure", err)
	}
	for range freeAttempts - 1 {
		f.v.Unlock([]byte("sai"))
	}
	if err := f.v.Unlock(pass); !errors.Is(err, ErrBackoff) {
		t.Errorf("after %d wrong passphrases the disk refused: got %v, want ErrBackoff", freeAttempts, err)
	}
}

// TestAADLimit: a file bound to the longest associated data the format
// holds is encrypted and read back; one byte more is refused before
// anything is written.
func TestAADLimit(t *testing.T) {
	f := newFixture(t)
	dst := filepath.Join(f.dir, "att.enc")
	aad := bytes.Repeat([]byte("a"), maxAAD)
	if err := f.v.EncryptFile(dst, strings.NewReader("ảnh giấy khai sinh"), aad); err != nil {
		t.Fatalf("aad of %d bytes: %v", maxAAD, err)
	}
	var out bytes.Buffer
	if err := f.v.DecryptFile(dst, aad, &out); err != nil || out.String() != "ảnh giấy khai sinh" {
		t.Fatalf("read back: %q, %v", out.String(), err)
	}
	other := filepath.Join(f.dir, "other.enc")
	if err := f.v.EncryptFile(other, strings.NewReader("x"), append(aad, 'a')); err == nil {
		t.Errorf("aad of %d bytes was taken", maxAAD+1)
	}
	if _, err := os.Stat(other); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused file was written: %v", err)
	}
}
