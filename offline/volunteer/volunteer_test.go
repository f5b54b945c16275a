package volunteer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/vault"
)

var fast = vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}

func setup(t *testing.T) Setup {
	t.Helper()
	c, _, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return Setup{Central: c, Recovery: r}
}

func TestPassphrase(t *testing.T) {
	typed := "Tổ công nghệ số"
	tests := []struct{ in, want string }{
		{typed, norm.NFC.String(typed)},
		{norm.NFD.String(typed), norm.NFC.String(typed)},
		{typed + "\r\n", norm.NFC.String(typed)},
		{" cách ở đầu ", " cách ở đầu "}, // spaces are part of a passphrase
	}
	for _, tt := range tests {
		if got := string(Passphrase(tt.in)); got != tt.want {
			t.Errorf("Passphrase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestInitOpen sets a device up, reopens it locked and unlocks it with the
// passphrase typed in another Unicode form.
func TestInitOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, fast); !errors.Is(err, ErrNotSetUp) {
		t.Fatalf("Open before Init: got %v, want ErrNotSetUp", err)
	}
	s := setup(t)
	w, err := Init(dir, Passphrase("mật khẩu thử nghiệm"), s, fast)
	if err != nil {
		t.Fatal(err)
	}
	if w.Vault.Locked() {
		t.Error("Init returned a locked workspace")
	}
	w.Close()
	if _, err := Init(dir, Passphrase("mật khẩu khác nữa"), s, fast); !errors.Is(err, vault.ErrExists) {
		t.Errorf("Init twice: got %v, want ErrExists", err)
	}
	w, err = Open(dir, fast)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !w.Vault.Locked() || !w.Setup.Central.Equal(s.Central) || !w.Setup.Recovery.Equal(s.Recovery) {
		t.Errorf("Open: locked %v, setup %+v", w.Vault.Locked(), w.Setup)
	}
	if err := w.Vault.Unlock(Passphrase(norm.NFD.String("mật khẩu thử nghiệm"))); err != nil {
		t.Errorf("unlock with the NFD form: %v", err)
	}
}

// TestInitAfterHalfWay: an Init that stopped after creating the vault but
// before setup.json can be run again.
func TestInitAfterHalfWay(t *testing.T) {
	dir := t.TempDir()
	s := setup(t)
	v, err := vault.Create(filepath.Join(dir, "vault"), []byte("mật khẩu cũ bỏ dở"), s.Recovery, fast)
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	w, err := Init(dir, Passphrase("mật khẩu thử nghiệm"), s, fast)
	if err != nil {
		t.Fatalf("Init after a half-way Init: %v", err)
	}
	w.Close()
	if _, err := os.Stat(filepath.Join(dir, setupName)); err != nil {
		t.Error(err)
	}
}

func TestReadPassphrase(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"one line", "mật khẩu dài\n", "mật khẩu dài", nil},
		{"Windows line end", "mật khẩu dài\r\nsecond line", "mật khẩu dài", nil},
		{"Notepad's byte order mark", "\ufeffmật khẩu dài\r\n", "mật khẩu dài", nil},
		{"no line end", "mật khẩu dài", "mật khẩu dài", nil},
		{"decomposed accents", norm.NFD.String("mật khẩu dài"), "mật khẩu dài", nil},
		{"empty", "", "", ErrNoPassphrase},
		{"blank first line", "  \nmật khẩu dài\n", "", ErrNoPassphrase},
	}
	for _, tt := range tests {
		got, err := ReadPassphrase(strings.NewReader(tt.in))
		if !errors.Is(err, tt.err) || string(got) != tt.want {
			t.Errorf("%s: got %q, %v, want %q, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

// TestReplaceCentral: a device set up with the wrong central key gets the
// right one; every dossier still waiting for its receipt is sealed again
// for it (central's key opens it, the old one no longer does), a receipted
// one is left alone, and the key stays across a restart.
func TestReplaceCentral(t *testing.T) {
	dir := t.TempDir()
	w, err := Init(dir, Passphrase("mật khẩu thử nghiệm"), setup(t), fast)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { w.Close() }()
	queued := dossiertest.SealOne(t, w.Desk, "Hà Văn Tài")
	delivered := dossiertest.SealOne(t, w.Desk, "Hà Thị Lan")
	receipted := dossiertest.SealOne(t, w.Desk, "Hà Văn Sơn")
	for _, step := range []func() error{
		func() error { return w.Outbox.Queue(queued) },
		func() error { return w.Outbox.Queue(delivered) },
		func() error { return w.Outbox.MarkDelivered(delivered) },
		func() error { return w.Outbox.Queue(receipted) },
		func() error { return w.Outbox.MarkReceipted(receipted, "DH-2222-2222", time.Time{}) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := w.Outbox.Entry(receipted)
	pub, priv, _ := agekey.Generate()
	// The app reads the key for its screens while the dossiers are sealed
	// again in the background (-race checks that this is safe). The reader
	// only copies the key: printing it would take a lock inside age that
	// the writer takes too, and hide the race from -race.
	stop, reading := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(reading)
		for {
			select {
			case <-stop:
				return
			default:
				_ = w.Central().IsZero()
			}
		}
	}()
	done, err := w.ReplaceCentral(context.Background(), pub)
	close(stop)
	<-reading
	if err != nil || !slices.Equal(done, []string{queued, delivered}) && !slices.Equal(done, []string{delivered, queued}) {
		t.Fatalf("sealed again: %v, %v; want %s and %s", done, err, queued, delivered)
	}
	if !w.Central().Equal(pub) {
		t.Fatalf("central's key is %s after the change, want %s", w.Central(), pub)
	}
	for _, id := range done {
		e, _ := w.Outbox.Entry(id)
		f, err := os.Open(filepath.Join(dir, "outbox", e.SealedPath))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		_, err = seal.Open(f, fi.Size(), priv)
		f.Close()
		if e.State != outbox.Sealed || err != nil {
			t.Errorf("%s: %s, opened with the new key: %v", id, e.State, err)
		}
	}
	if after, _ := w.Outbox.Entry(receipted); after.SealedSHA256 != before.SealedSHA256 || after.State != outbox.Receipted {
		t.Errorf("the receipted dossier changed: %+v", after)
	}
	w.Close()
	if w, err = Open(dir, fast); err != nil || !w.Setup.Central.Equal(pub) {
		t.Fatalf("after a restart: %v, central %s", err, w.Setup.Central)
	}
}

// failReader fails the test when read: a passphrase asked for when it
// should not have been.
type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Error("the passphrase was read")
	return 0, errors.New("read")
}

// TestInitRefusesBeforeWriting: a weak passphrase leaves no folder behind,
// and a folder already set up is refused before the passphrase is read.
func TestInitRefusesBeforeWriting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	if _, err := Init(dir, Passphrase("ngắn"), setup(t), fast); !errors.Is(err, vault.ErrWeakPassphrase) {
		t.Fatalf("a weak passphrase: got %v, want ErrWeakPassphrase", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a weak passphrase left the folder: %v", err)
	}
	w, err := InitFrom(dir, strings.NewReader("mật khẩu thử nghiệm\n"), setup(t))
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := InitFrom(dir, failReader{t}, setup(t)); !errors.Is(err, vault.ErrExists) {
		t.Errorf("InitFrom a set-up folder: got %v, want ErrExists", err)
	}
}
