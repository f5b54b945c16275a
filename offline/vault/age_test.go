package vault

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"dinh/internal/testenv"
)

// TestStockAgeOpensRecoveryWrap: the stock age tool, given the
// administrator's recovery key file, decrypts the recovery wrap in
// vault.json to the vault's data key (its key check matches).
func TestStockAgeOpensRecoveryWrap(t *testing.T) {
	ageTool := testenv.Tool(t, "age", "apt-get install age")
	f := newFixture(t)
	h, err := readHeader(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile, wrap := filepath.Join(dir, "recovery.key"), filepath.Join(dir, "wrap.age")
	os.WriteFile(keyFile, []byte(f.priv.File(time.Now())), 0o600)
	os.WriteFile(wrap, h.Recovery.Age, 0o600)
	dataKey, err := exec.Command(ageTool, "-d", "-i", keyFile, wrap).Output()
	if err != nil {
		t.Fatalf("age -d: %v", err)
	}
	if !hmac.Equal(keyCheck(dataKey), h.KeyCheck) {
		t.Fatal("the stock tool's data key does not pass the vault's key check")
	}
}

// TestDevelopmentFormatFile: an attachment of the development format is
// refused as such, not as tampering.
func TestDevelopmentFormatFile(t *testing.T) {
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "old.bin")
	os.WriteFile(p, append([]byte(fileMagicV1), bytes.Repeat([]byte{1}, 100)...), 0o600)
	if err := f.v.DecryptFile(p, nil, io.Discard); !errors.Is(err, ErrOldFormat) || errors.Is(err, ErrDecrypt) {
		t.Fatalf("got %v, want ErrOldFormat", err)
	}
}
