package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/internal/testenv"
	"dinh/offline/agekey"

	"filippo.io/age"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fastKDF keeps tests quick; TestDefaultKDF covers the real costs.
var fastKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

var (
	pass  = []byte("mật khẩu của xã")
	pass2 = []byte("một mật khẩu mới")
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testOptions(c *clock) Options {
	return Options{IdleTimeout: -1, Now: c.Now, KDF: fastKDF}
}

type fixture struct {
	dir   string
	clock *clock
	opts  Options
	pub   agekey.Public
	priv  agekey.Private
	v     *Vault
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	pub, priv, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: filepath.Join(t.TempDir(), "vault"), clock: newClock(), pub: pub, priv: priv}
	f.opts = testOptions(f.clock)
	f.v, err = Create(f.dir, pass, pub, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.v.Close() })
	return f
}

// reopen closes the vault and opens it again, as a restarted app would.
func (f *fixture) reopen(t testing.TB) {
	t.Helper()
	f.v.Close()
	v, err := Open(f.dir, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
}

func (f *fixture) header(t testing.TB) *header {
	t.Helper()
	h, err := readHeader(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCreateOpenUnlock(t *testing.T) {
	f := newFixture(t)
	if f.v.Locked() {
		t.Fatal("got a locked vault from Create, want unlocked")
	}
	ct, err := f.v.Encrypt([]byte("CCCD 001234567890"), []byte("dossier-1/id"))
	if err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	if !f.v.Locked() {
		t.Fatal("got an unlocked vault from Open, want locked")
	}
	if _, err := f.v.Decrypt(ct, []byte("dossier-1/id")); !errors.Is(err, ErrLocked) {
		t.Fatalf("Decrypt while locked: got %v, want ErrLocked", err)
	}
	if err := f.v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	got, err := f.v.Decrypt(ct, []byte("dossier-1/id"))
	if err != nil || string(got) != "CCCD 001234567890" {
		t.Fatalf("got %q, %v, want the plaintext", got, err)
	}
	f.v.Lock()
	if !f.v.Locked() {
		t.Fatal("got unlocked after Lock, want locked")
	}
	if _, err := f.v.Encrypt(nil, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("Encrypt after Lock: got %v, want ErrLocked", err)
	}
	f.v.Close()
	if err := f.v.Unlock(pass); !errors.Is(err, ErrClosed) {
		t.Fatalf("Unlock after Close: got %v, want ErrClosed", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		dir  string
		pass string
		pub  agekey.Public
		want error
	}{
		{"existing vault", f.dir, string(pass), f.pub, ErrExists},
		{"seven characters", t.TempDir(), "ệệệệệệệ", f.pub, ErrWeakPassphrase},
		{"empty passphrase", t.TempDir(), "", f.pub, ErrWeakPassphrase},
		{"no recovery key", t.TempDir(), string(pass), agekey.Public{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Create(tt.dir, []byte(tt.pass), tt.pub, f.opts)
			if err == nil {
				v.Close()
				t.Fatal("got a vault, want an error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	// Eight Vietnamese characters are enough, though they are more bytes.
	v, err := Create(t.TempDir(), []byte("ệệệệệệệệ"), f.pub, f.opts)
	if err != nil {
		t.Fatalf("eight characters: got %v, want a vault", err)
	}
	v.Close()
}

// TestPrivateVault: a vault for a person's own notes opens with its
// passphrase only; no key of the administrator's can open it.
func TestPrivateVault(t *testing.T) {
	opts := testOptions(newClock())
	dir := t.TempDir()
	if _, err := CreatePrivate(dir, []byte("short"), opts); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("weak passphrase: got %v, want ErrWeakPassphrase", err)
	}
	v, err := CreatePrivate(dir, pass, opts)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := v.Encrypt([]byte("ghi chú riêng"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	h, err := readHeader(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h.Recovery.Recipient != "" || len(h.Recovery.Age) != 0 {
		t.Fatalf("a private vault holds a recovery wrap for %q", h.Recovery.Recipient)
	}
	_, priv, _ := agekey.Generate()
	if _, err := Recover(dir, priv, pass2, opts); !errors.Is(err, ErrNoRecovery) {
		t.Fatalf("recover: got %v, want ErrNoRecovery", err)
	}
	v, err = Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Unlock(pass2); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: got %v", err)
	}
	if err := v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	if got, err := v.Decrypt(ct, []byte("aad")); err != nil || string(got) != "ghi chú riêng" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := CreatePrivate(dir, pass, opts); !errors.Is(err, ErrExists) {
		t.Fatalf("second vault: got %v, want ErrExists", err)
	}
}

func TestOpenNoVault(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{}); !errors.Is(err, ErrNoVault) {
		t.Fatalf("got %v, want ErrNoVault", err)
	}
}

func TestWrongPassphrase(t *testing.T) {
	f := newFixture(t)
	f.reopen(t)
	// Four, as the fifth would start the back-off. The last is the same
	// text decomposed (NFD), as some keyboards type it: other bytes.
	for _, p := range []string{"", "Mật khẩu của xã", "mật khẩu của xã ", "ma\u0323\u0302t khẩu của xã"} {
		if err := f.v.Unlock([]byte(p)); !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrBackoff) {
			t.Errorf("Unlock(%q): got %v, want ErrWrongPassphrase without back-off", p, err)
		}
	}
	if !f.v.Locked() {
		t.Error("got unlocked after wrong passphrases, want locked")
	}
}

func TestBackoff(t *testing.T) {
	f := newFixture(t)
	ct, err := f.v.Encrypt([]byte("giấy khai sinh"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	wrong := []byte("not the passphrase")
	for i := 1; i <= 4; i++ {
		if err := f.v.Unlock(wrong); !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrBackoff) {
			t.Fatalf("failure %d: got %v, want ErrWrongPassphrase only", i, err)
		}
	}
	// Each row: the failure that starts the back-off and its length.
	steps := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i, d := range steps {
		err := f.v.Unlock(wrong)
		var be *BackoffError
		if !errors.Is(err, ErrWrongPassphrase) || !errors.As(err, &be) {
			t.Fatalf("failure %d: got %v, want ErrWrongPassphrase and a BackoffError", i+5, err)
		}
		if got, want := be.Until, f.clock.Now().Add(d); !got.Equal(want) {
			t.Fatalf("failure %d: got back-off until %v, want %v", i+5, got, want)
		}
		// The right passphrase is refused too, without being tried, and a
		// restart does not help.
		f.clock.Advance(d - time.Second)
		f.reopen(t)
		err = f.v.Unlock(pass)
		if !errors.As(err, &be) || !errors.Is(err, ErrBackoff) || !be.Until.Equal(f.clock.Now().Add(time.Second)) {
			t.Fatalf("during back-off %d: got %v, want a BackoffError until in 1s", i+5, err)
		}
		if got, want := f.header(t).FailedAttempts, i+5; got != want {
			t.Fatalf("got %d failures on disk, want %d", got, want)
		}
		f.clock.Advance(time.Second)
	}
	if err := f.v.Unlock(pass); err != nil {
		t.Fatalf("after the back-off: got %v, want unlocked", err)
	}
	got, err := f.v.Decrypt(ct, nil)
	if err != nil || string(got) != "giấy khai sinh" {
		t.Fatalf("got %q, %v, want the value encrypted before the failures", got, err)
	}
	if h := f.header(t); h.FailedAttempts != 0 || !h.BackoffUntil.IsZero() {
		t.Fatalf("got %d failures until %v on disk after success, want reset", h.FailedAttempts, h.BackoffUntil)
	}
	// The count starts again from zero.
	for i := 1; i <= 4; i++ {
		if err := f.v.Unlock(wrong); errors.Is(err, ErrBackoff) {
			t.Fatalf("failure %d after reset: got %v, want no back-off", i, err)
		}
	}
}

func TestBackoffClockSetBack(t *testing.T) {
	f := newFixture(t)
	f.reopen(t)
	for range 5 {
		f.v.Unlock([]byte("not the passphrase"))
	}
	f.clock.Advance(-365 * 24 * time.Hour)
	err := f.v.Unlock(pass)
	var be *BackoffError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a BackoffError", err)
	}
	if got, max := be.Until, f.clock.Now().Add(30*time.Second); got.After(max) {
		t.Fatalf("got back-off until %v with the clock set back, want at most %v", got, max)
	}
	f.clock.Advance(30 * time.Second)
	if err := f.v.Unlock(pass); err != nil {
		t.Fatalf("got %v, want unlocked 30s later", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	f := newFixture(t)
	ct, _ := f.v.Encrypt([]byte("hộ khẩu"), nil)
	file := filepath.Join(f.dir, "att.bin")
	if err := f.v.EncryptFile(file, strings.NewReader("ảnh CCCD"), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.v.ChangePassphrase(pass, []byte("short")); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("weak new passphrase: got %v, want ErrWeakPassphrase", err)
	}
	if err := f.v.ChangePassphrase([]byte("not the passphrase"), pass2); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong old passphrase: got %v, want ErrWrongPassphrase", err)
	}
	if got := f.header(t).FailedAttempts; got != 1 {
		t.Fatalf("got %d failures counted, want 1", got)
	}
	if err := f.v.ChangePassphrase(pass, pass2); err != nil {
		t.Fatal(err)
	}
	if f.v.Locked() {
		t.Error("got locked after changing the passphrase of an unlocked vault, want unlocked")
	}
	f.reopen(t)
	if err := f.v.Unlock(pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase: got %v, want ErrWrongPassphrase", err)
	}
	if err := f.v.Unlock(pass2); err != nil {
		t.Fatalf("new passphrase: got %v", err)
	}
	if got, err := f.v.Decrypt(ct, nil); err != nil || string(got) != "hộ khẩu" {
		t.Fatalf("old value: got %q, %v", got, err)
	}
	var buf bytes.Buffer
	if err := f.v.DecryptFile(file, nil, &buf); err != nil || buf.String() != "ảnh CCCD" {
		t.Fatalf("old file: got %q, %v", buf.String(), err)
	}
	// A locked vault stays locked.
	f.v.Lock()
	if err := f.v.ChangePassphrase(pass2, pass); err != nil {
		t.Fatal(err)
	}
	if !f.v.Locked() {
		t.Error("got unlocked after changing the passphrase of a locked vault, want locked")
	}
}

func TestRecover(t *testing.T) {
	f := newFixture(t)
	ct, _ := f.v.Encrypt([]byte("sổ đỏ"), nil)
	f.reopen(t)
	for range 6 {
		f.v.Unlock([]byte("forgotten passphrase"))
	}
	f.v.Close()
	_, other, _ := agekey.Generate()
	if _, err := Recover(f.dir, other, pass2, f.opts); !errors.Is(err, ErrWrongRecoveryKey) {
		t.Fatalf("other key: got %v, want ErrWrongRecoveryKey", err)
	}
	if _, err := Recover(f.dir, f.priv, []byte("short"), f.opts); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("weak passphrase: got %v, want ErrWeakPassphrase", err)
	}
	v, err := Recover(f.dir, f.priv, pass2, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.v = v
	if got, err := v.Decrypt(ct, nil); err != nil || string(got) != "sổ đỏ" {
		t.Fatalf("got %q, %v, want the value from before", got, err)
	}
	if h := f.header(t); h.FailedAttempts != 0 || !h.BackoffUntil.IsZero() {
		t.Fatalf("got %d failures until %v after recovery, want reset", h.FailedAttempts, h.BackoffUntil)
	}
	f.reopen(t)
	if err := f.v.Unlock(pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase: got %v, want ErrWrongPassphrase", err)
	}
	if err := f.v.Unlock(pass2); err != nil {
		t.Fatalf("new passphrase: got %v", err)
	}
}

// editHeader rewrites vault.json through fn on its JSON object.
func editHeader(t *testing.T, dir string, fn func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, headerName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func flipB64(s any) string {
	b := []byte(s.(string))
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestTamperedHeader(t *testing.T) {
	sub := func(m map[string]any, k string) map[string]any { return m[k].(map[string]any) }
	tests := []struct {
		name string
		edit func(m map[string]any) // nil: raw replaces the file
		raw  []byte
		at   string // "open", "unlock" or "recover": where it is caught
		want error
	}{
		{name: "empty file", raw: []byte{}, at: "open", want: ErrCorruptHeader},
		{name: "not json", raw: []byte("hello"), at: "open", want: ErrCorruptHeader},
		{name: "cut short", raw: []byte(`{"format":"dinh-vault","version":1,"kdf":{`), at: "open", want: ErrCorruptHeader},
		{name: "huge", raw: bytes.Repeat([]byte(" "), maxHeaderSize+1), at: "open", want: ErrCorruptHeader},
		{name: "other format", edit: func(m map[string]any) { m["format"] = "age" }, at: "open", want: ErrCorruptHeader},
		{name: "future version", edit: func(m map[string]any) { m["version"] = 3 }, at: "open", want: ErrCorruptHeader},
		{name: "development version", edit: func(m map[string]any) { m["version"] = 1 }, at: "open", want: ErrOldFormat},
		{name: "recovery key not age's", edit: func(m map[string]any) { sub(m, "recovery_wrap")["recipient"] = "ABCD-EFGH" }, at: "open", want: ErrCorruptHeader},
		{name: "file key changed", edit: func(m map[string]any) {
			r := sub(m, "file_identity")
			r["ciphertext"] = flipB64(r["ciphertext"])
		}, at: "unlock", want: ErrCorruptHeader},
		{name: "unknown field", edit: func(m map[string]any) { m["plaintext_key"] = "x" }, at: "open", want: ErrCorruptHeader},
		{name: "huge memory cost", edit: func(m map[string]any) { sub(m, "kdf")["memory_kib"] = 1 << 30 }, at: "open", want: ErrCorruptHeader},
		{name: "zero time cost", edit: func(m map[string]any) { sub(m, "kdf")["time"] = 0 }, at: "open", want: ErrCorruptHeader},
		{name: "short salt", edit: func(m map[string]any) { sub(m, "kdf")["salt"] = "AAAA" }, at: "open", want: ErrCorruptHeader},
		{name: "missing wrap", edit: func(m map[string]any) { delete(m, "passphrase_wrap") }, at: "open", want: ErrCorruptHeader},
		{name: "negative failures", edit: func(m map[string]any) { m["failed_attempts"] = -1 }, at: "open", want: ErrCorruptHeader},
		{name: "key check changed", edit: func(m map[string]any) { m["key_check"] = flipB64(m["key_check"]) }, at: "unlock", want: ErrCorruptHeader},
		{name: "recovery wrap empty", edit: func(m map[string]any) { sub(m, "recovery_wrap")["age"] = "" }, at: "open", want: ErrCorruptHeader},
		{name: "recovery wrap without its key", edit: func(m map[string]any) { sub(m, "recovery_wrap")["recipient"] = "" }, at: "open", want: ErrCorruptHeader},
		{name: "file key of 3 bytes", edit: func(m map[string]any) { sub(m, "file_identity")["ciphertext"] = "AAAA" }, at: "open", want: ErrCorruptHeader},
		{name: "recovery wrap of 31 bytes", edit: func(m map[string]any) {
			r := sub(m, "recovery_wrap")
			rk, err := agekey.ParsePublic(r["recipient"].(string))
			if err != nil {
				panic(err)
			}
			var b bytes.Buffer
			w, _ := age.Encrypt(&b, rk.Recipient())
			w.Write(make([]byte, keySize-1))
			w.Close()
			r["age"] = base64.StdEncoding.EncodeToString(b.Bytes())
		}, at: "recover", want: ErrCorruptHeader},
		{name: "recovery wrap changed", edit: func(m map[string]any) {
			r := sub(m, "recovery_wrap")
			r["age"] = flipB64(r["age"])
		}, at: "recover", want: ErrCorruptHeader},
		// The passphrase wrap and everything bound to it cannot tell a
		// change from a wrong passphrase: both fail the same AEAD.
		{name: "passphrase wrap changed", edit: func(m map[string]any) {
			w := sub(m, "passphrase_wrap")
			w["ciphertext"] = flipB64(w["ciphertext"])
		}, at: "unlock", want: ErrWrongPassphrase},
		{name: "salt changed", edit: func(m map[string]any) { sub(m, "kdf")["salt"] = flipB64(sub(m, "kdf")["salt"]) }, at: "unlock", want: ErrWrongPassphrase},
		{name: "time cost changed", edit: func(m map[string]any) { sub(m, "kdf")["time"] = 2 }, at: "unlock", want: ErrWrongPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.v.Close()
			if tt.edit != nil {
				editHeader(t, f.dir, tt.edit)
			} else if err := os.WriteFile(filepath.Join(f.dir, headerName), tt.raw, 0o600); err != nil {
				t.Fatal(err)
			}
			v, err := Open(f.dir, f.opts)
			if tt.at == "open" {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Open: got %v, want %v", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: got %v, want the damage found later", err)
			}
			f.v = v
			switch tt.at {
			case "unlock":
				err = v.Unlock(pass)
			case "recover":
				var rv *Vault
				rv, err = Recover(f.dir, f.priv, pass2, f.opts)
				if err == nil {
					rv.Close()
				}
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("%s: got %v, want %v", tt.at, err, tt.want)
			}
		})
	}
}

func TestEncryptDecrypt(t *testing.T) {
	f := newFixture(t)
	ct, err := f.v.Encrypt([]byte("Nguyễn Văn A"), []byte("dossier-7/name"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name string
		ct   []byte
		aad  string
		want error
	}{
		{"right", ct, "dossier-7/name", nil},
		{"other aad", ct, "dossier-8/name", ErrDecrypt},
		{"changed", flipped, "dossier-7/name", ErrDecrypt},
		{"nonce only", ct[:nonceSize], "dossier-7/name", ErrDecrypt},
		{"empty", nil, "dossier-7/name", ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.v.Decrypt(tt.ct, []byte(tt.aad))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err == nil && string(got) != "Nguyễn Văn A" {
				t.Fatalf("got %q, want the plaintext", got)
			}
		})
	}
	again, _ := f.v.Encrypt([]byte("Nguyễn Văn A"), []byte("dossier-7/name"))
	if bytes.Equal(again, ct) {
		t.Error("got the same ciphertext twice, want a fresh nonce each time")
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

const chunk = 64 << 10

func TestFileTampering(t *testing.T) {
	f := newFixture(t)
	plain := randomBytes(3*chunk + 1000)
	file := filepath.Join(f.dir, "scan.bin")
	if err := f.v.EncryptFile(file, bytes.NewReader(plain), []byte("dossier-1/scan")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.v.DecryptFile(file, []byte("dossier-1/scan"), &buf); err != nil || !bytes.Equal(buf.Bytes(), plain) {
		t.Fatalf("round trip: got %d bytes, %v", buf.Len(), err)
	}
	ct, _ := os.ReadFile(file)
	// The magic, then age's header and its 16-byte nonce.
	ageEnd := bytes.Index(ct, []byte("\n--- ")) + 1
	ageEnd += bytes.IndexByte(ct[ageEnd:], '\n') + 1
	start := ageEnd + 16
	enc := chunk + 16
	chunkAt := func(i int) []byte { return ct[start+i*enc : start+(i+1)*enc] }
	swapped := bytes.Clone(ct)
	copy(swapped[start:], chunkAt(1))
	copy(swapped[start+enc:], chunkAt(0))
	flip := func(i int) []byte { c := bytes.Clone(ct); c[i] ^= 0x20; return c }
	tests := []struct {
		name string
		data []byte
		aad  string
	}{
		{"cut at a chunk boundary", ct[:start+2*enc], "dossier-1/scan"},
		{"cut in a chunk", ct[:start+enc+10], "dossier-1/scan"},
		{"last byte cut", ct[:len(ct)-1], "dossier-1/scan"},
		{"cut in the nonce", ct[:start-3], "dossier-1/scan"},
		{"cut in the age header", ct[:ageEnd-10], "dossier-1/scan"},
		{"cut in the magic", ct[:3], "dossier-1/scan"},
		{"chunks swapped", swapped, "dossier-1/scan"},
		{"byte appended", append(bytes.Clone(ct), 'x'), "dossier-1/scan"},
		{"chunk appended", append(bytes.Clone(ct), chunkAt(1)...), "dossier-1/scan"},
		{"chunk dropped", append(bytes.Clone(ct[:start+enc]), ct[start+2*enc:]...), "dossier-1/scan"},
		{"magic changed", flip(0), "dossier-1/scan"},
		{"nonce changed", flip(start - 1), "dossier-1/scan"},
		{"age header changed", flip(ageEnd - 5), "dossier-1/scan"},
		{"middle byte changed", flip(start + enc + 100), "dossier-1/scan"},
		{"other aad", ct, "dossier-2/scan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.bin")
			if err := os.WriteFile(p, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := f.v.DecryptFile(p, []byte(tt.aad), io.Discard); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("got %v, want ErrDecrypt", err)
			}
		})
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("disk unplugged")
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

func TestEncryptFileKeepsOldOnFailure(t *testing.T) {
	f := newFixture(t)
	file := filepath.Join(f.dir, "scan.bin")
	if err := f.v.EncryptFile(file, strings.NewReader("old scan"), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.v.EncryptFile(file, &failingReader{n: 200 << 10}, nil); err == nil {
		t.Fatal("got no error from a failing source, want one")
	}
	var buf bytes.Buffer
	if err := f.v.DecryptFile(file, nil, &buf); err != nil || buf.String() != "old scan" {
		t.Fatalf("got %q, %v, want the old file intact", buf.String(), err)
	}
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("got temporary file %s left behind, want none", e.Name())
		}
	}
	if err := f.v.EncryptFile(filepath.Join(f.dir, headerName), strings.NewReader("x"), nil); err == nil {
		t.Error("got no error writing over the header, want one")
	}
	if _, err := readHeader(f.dir); err != nil {
		t.Fatalf("header after a refused write: %v", err)
	}
	f.v.Lock()
	if err := f.v.EncryptFile(file, strings.NewReader("x"), nil); !errors.Is(err, ErrLocked) {
		t.Errorf("locked: got %v, want ErrLocked", err)
	}
	if err := f.v.DecryptFile(file, nil, io.Discard); !errors.Is(err, ErrLocked) {
		t.Errorf("locked: got %v, want ErrLocked", err)
	}
}

func TestIdleLock(t *testing.T) {
	locked := make(chan struct{}, 1)
	c := newClock()
	opts := Options{IdleTimeout: 20 * time.Millisecond, Now: c.Now, KDF: fastKDF, OnLock: func() { locked <- struct{}{} }}
	pub, _, _ := agekey.Generate()
	dir := t.TempDir()
	v, err := Create(dir, pass, pub, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for round := range 2 {
		awaitIdleLock(t, v, locked, fmt.Sprintf("round %d", round))
		if _, err := v.Encrypt([]byte("x"), nil); !errors.Is(err, ErrLocked) {
			t.Fatalf("round %d: got %v, want ErrLocked", round, err)
		}
		if err := v.Unlock(pass); err != nil {
			t.Fatal(err)
		}
	}
	v.Close()
	goleak.VerifyNone(t)
}

// awaitIdleLock waits for OnLock, which sends on locked, after an idle
// timeout of 20ms, and checks that the vault is then locked.
func awaitIdleLock(t *testing.T, v *Vault, locked <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-locked:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: got no idle lock after 10s, want one after 20ms", what)
	}
	if !v.Locked() {
		t.Fatalf("%s: got unlocked after OnLock, want locked", what)
	}
}

// TestSetIdleTimeout changes the timeout of an open vault: from never to
// a short one, which then locks it; to never again, which stops the idle
// goroutine; and while locked, which only takes effect at the next unlock.
func TestSetIdleTimeout(t *testing.T) {
	locked := make(chan struct{}, 1)
	opts := Options{IdleTimeout: -1, Now: newClock().Now, KDF: fastKDF, OnLock: func() { locked <- struct{}{} }}
	pub, _, _ := agekey.Generate()
	v, err := Create(t.TempDir(), pass, pub, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	v.SetIdleTimeout(20 * time.Millisecond)
	awaitIdleLock(t, v, locked, "set while unlocked")

	v.SetIdleTimeout(-1)
	if err := v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	v.SetIdleTimeout(20 * time.Millisecond)
	v.SetIdleTimeout(-1) // never, after all: the idle goroutine stops
	goleak.VerifyNone(t)
	if v.Locked() {
		t.Fatal("got locked with no idle timeout")
	}

	v.Lock()
	v.SetIdleTimeout(20 * time.Millisecond) // counts from the next unlock
	if err := v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	awaitIdleLock(t, v, locked, "set while locked")
	v.Close()
	goleak.VerifyNone(t)
}

func TestLockAndCloseDoNotCallOnLock(t *testing.T) {
	calls := 0
	opts := Options{IdleTimeout: time.Hour, Now: newClock().Now, KDF: fastKDF, OnLock: func() { calls++ }}
	pub, _, _ := agekey.Generate()
	v, err := Create(t.TempDir(), pass, pub, opts)
	if err != nil {
		t.Fatal(err)
	}
	v.Lock()
	if err := v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if !v.Locked() || calls != 0 {
		t.Fatalf("got locked %v and %d OnLock calls, want locked and none", v.Locked(), calls)
	}
	goleak.VerifyNone(t)
}

// slowSource yields zeros until keepGoing says stop, then io.EOF. Each Read
// records, as it returns, an instant no later than the next touch.
type slowSource struct {
	keepGoing func() bool
	mark      func()
}

func (s slowSource) Read(p []byte) (int, error) {
	defer s.mark()
	runtime.Gosched()
	if !s.keepGoing() {
		return 0, io.EOF
	}
	n := min(len(p), 512)
	clear(p[:n])
	return n, nil
}

// slowSink takes what it is given and, as it returns, records an instant
// no later than the next read of the copy that feeds it.
type slowSink struct {
	keepGoing func() bool
	mark      func()
}

func (s slowSink) Write(p []byte) (int, error) {
	defer s.mark()
	for start := time.Now(); s.keepGoing() && time.Since(start) < 5*time.Millisecond; {
		runtime.Gosched() // a slow consumer, such as a USB stick
	}
	return len(p), nil
}

func TestUseKeepsUnlocked(t *testing.T) {
	// What must hold whatever the machine's speed: the vault never locks
	// itself sooner than the idle period after the last use. Each use runs
	// for several idle periods, so only use can have kept it unlocked; a
	// stall of the whole process may lock it, but never early.
	const idle = 200 * time.Millisecond
	tests := []struct {
		name string
		// use uses v until keepGoing says stop, calling mark before each
		// use (an instant no later than the vault's touch).
		use func(t *testing.T, v *Vault, keepGoing func() bool, mark func())
	}{
		{"encrypt", func(t *testing.T, v *Vault, keepGoing func() bool, mark func()) {
			for keepGoing() {
				mark()
				if _, err := v.Encrypt([]byte("x"), nil); err != nil {
					return // locked by a stall; the lock time is checked
				}
				runtime.Gosched()
			}
		}},
		{"touch", func(t *testing.T, v *Vault, keepGoing func() bool, mark func()) {
			for keepGoing() {
				mark()
				v.Touch()
				runtime.Gosched()
			}
		}},
		{"long file encryption", func(t *testing.T, v *Vault, keepGoing func() bool, mark func()) {
			mark()
			if err := v.EncryptFile(filepath.Join(t.TempDir(), "scan"), slowSource{keepGoing, mark}, nil); err != nil {
				t.Fatal(err)
			}
		}},
		{"long file decryption", func(t *testing.T, v *Vault, keepGoing func() bool, mark func()) {
			file := filepath.Join(t.TempDir(), "scan")
			if err := v.EncryptFile(file, bytes.NewReader(make([]byte, 8<<20)), nil); err != nil {
				t.Fatal(err)
			}
			mark()
			if err := v.DecryptFile(file, nil, slowSink{keepGoing, mark}); err != nil && !errors.Is(err, ErrLocked) {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			locked := make(chan time.Time, 1)
			opts := Options{IdleTimeout: idle, Now: newClock().Now, KDF: fastKDF, OnLock: func() { locked <- time.Now() }}
			pub, _, _ := agekey.Generate()
			v, err := Create(t.TempDir(), pass, pub, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			start := time.Now()
			var last time.Time
			tt.use(t, v, func() bool { return time.Since(start) < 3*idle }, func() { last = time.Now() })
			if time.Since(start) < 3*idle {
				t.Fatalf("the use lasted %v, want at least %v", time.Since(start), 3*idle)
			}
			select {
			case at := <-locked:
				if d := at.Sub(last); d < idle {
					t.Fatalf("got locked %v after the last use, want at least %v", d, idle)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("got no idle lock after use stopped, want one")
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 200 {
				ct, err := f.v.Encrypt([]byte("x"), nil)
				if err == nil {
					if _, err := f.v.Decrypt(ct, nil); err != nil && !errors.Is(err, ErrLocked) {
						t.Errorf("goroutine %d: %v", i, err)
					}
				}
				f.v.Touch()
				f.v.Locked()
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			f.v.Lock()
			f.v.Unlock(pass)
		}
	})
	wg.Wait()
}

// TestNoPlaintextOnDisk writes a marker through every way in and scans the
// whole vault folder for it.
func TestNoPlaintextOnDisk(t *testing.T) {
	f := newFixture(t)
	marker := "CCCD-079203001234-NGUYEN-THI-MARKER"
	ct, err := f.v.Encrypt([]byte(marker), []byte("dossier-9"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, "draft.bin"), ct, 0o600); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte(marker+"\n"), 5000) // spans chunk boundaries
	if err := f.v.EncryptFile(filepath.Join(f.dir, "att", "01.bin"), bytes.NewReader(big), nil); err == nil {
		t.Fatal("got no error for a missing folder, want one")
	}
	os.MkdirAll(filepath.Join(f.dir, "att"), 0o700)
	if err := f.v.EncryptFile(filepath.Join(f.dir, "att", "01.bin"), bytes.NewReader(big), nil); err != nil {
		t.Fatal(err)
	}
	if err := f.v.ChangePassphrase(pass, pass2); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	files := 0
	err = filepath.WalkDir(f.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, secret := range [][]byte{[]byte(marker), []byte(marker[:12]), pass, pass2} {
			if bytes.Contains(b, secret) {
				t.Errorf("got %q in plaintext in %s, want none", secret, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 3 {
		t.Errorf("got %d files in the vault folder, want 3 (header, draft, attachment)", files)
	}
}

func TestDefaultKDF(t *testing.T) {
	testenv.Short(t, "Argon2id with 64 MiB is slow")
	pub, _, _ := agekey.Generate()
	dir := t.TempDir()
	v, err := Create(dir, pass, pub, Options{IdleTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	h, _ := readHeader(dir)
	if got := h.params(); got != defaultKDF || got != (KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 2}) {
		t.Fatalf("got %+v, want time 3, 64 MiB, 2 threads", got)
	}
	v, err = Open(dir, Options{IdleTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Unlock(pass); err != nil {
		t.Fatal(err)
	}
}

func TestBadKDFOption(t *testing.T) {
	pub, _, _ := agekey.Generate()
	for _, p := range []KDFParams{{Time: 1, MemoryKiB: 4, Threads: 1}, {Time: 0, MemoryKiB: 64, Threads: 1}, {Time: 1, MemoryKiB: 64, Threads: 0}} {
		if v, err := Create(t.TempDir(), pass, pub, Options{KDF: p}); err == nil {
			v.Close()
			t.Errorf("%+v: got a vault, want an error", p)
		}
	}
}

func BenchmarkUnlockDefault(b *testing.B) {
	pub, _, _ := agekey.Generate()
	dir := b.TempDir()
	v, err := Create(dir, pass, pub, Options{IdleTimeout: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for b.Loop() {
		v.Lock()
		if err := v.Unlock(pass); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}
