package agekey

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dinh/internal/testenv"
)

func TestParse(t *testing.T) {
	pub, priv, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pub.String(), "age1") || !strings.HasPrefix(priv.String(), "AGE-SECRET-KEY-1") {
		t.Fatalf("got %s and a private key of %d characters, want age's format", pub, len(priv.String()))
	}
	if got := priv.Public(); !got.Equal(pub) {
		t.Errorf("Public: got %s, want %s", got, pub)
	}
	for _, in := range []string{pub.String(), "  " + pub.String() + "\n", "# central's key\n\n" + pub.String() + "\n"} {
		if got, err := ParsePublic(in); err != nil || !got.Equal(pub) {
			t.Errorf("ParsePublic(%q): got %v, want the key", in, err)
		}
	}
	for _, in := range []string{priv.String(), priv.File(time.Now())} {
		if got, err := ParsePrivate(in); err != nil || got.String() != priv.String() {
			t.Errorf("ParsePrivate(%q…): got %v, want the key", in[:10], err)
		}
	}
	refused := []struct {
		name  string
		parse func(string) error
		in    string
		says  string
	}{
		{"private as public", pubErr, priv.String(), "this is a private key"},
		{"public as private", privErr, pub.String(), "this is a public key"},
		{"a typo", pubErr, typo(pub.String()), ""},
		{"cut", privErr, priv.String()[:40], ""},
		{"empty", pubErr, "\n# nothing\n", "empty"},
		{"two keys", privErr, priv.String() + "\n" + priv.String(), "2 keys"},
		{"the development format", pubErr, "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX", ""},
	}
	for _, tt := range refused {
		err := tt.parse(tt.in)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: got %v, want ErrMalformed saying %q", tt.name, err, tt.says)
		}
	}
	var zero Public
	if !zero.IsZero() || zero.String() != "" || !(Private{}).IsZero() {
		t.Error("the zero keys are not empty")
	}
}

// TestReadPublic: a public key given on a command line inline or as a
// file is read; its private key, a missing file and a typo are each
// refused as what they are.
func TestReadPublic(t *testing.T) {
	pub, priv, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pubFile, privFile := filepath.Join(dir, "central.pub"), filepath.Join(dir, "central.key")
	if err := os.WriteFile(pubFile, []byte(pub.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(privFile, []byte(priv.File(time.Now())), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, arg string
		want      error // nil: the key
	}{
		{"inline", pub.String(), nil},
		{"a file", pubFile, nil},
		{"the private key inline", priv.String(), ErrIsPrivate},
		{"the private key's file", privFile, ErrIsPrivate},
		{"no such file", filepath.Join(dir, "centrl.pub"), os.ErrNotExist},
		{"a typo", typo(pub.String()), ErrMalformed},
	}
	for _, tt := range tests {
		got, err := ReadPublic(tt.arg)
		switch {
		case tt.want == nil && (err != nil || !got.Equal(pub)):
			t.Errorf("%s: got %v, want the key", tt.name, err)
		case tt.want != nil && (!errors.Is(err, tt.want) || !got.IsZero()):
			t.Errorf("%s: got %s, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func pubErr(s string) error  { _, err := ParsePublic(s); return err }
func privErr(s string) error { _, err := ParsePrivate(s); return err }

// TestReadsAgeKeygen: a key file made by the stock age-keygen is read,
// and the public key it prints is the one ParsePrivate derives.
func TestReadsAgeKeygen(t *testing.T) {
	keygen := testenv.Tool(t, "age-keygen", "apt-get install age")
	file := filepath.Join(t.TempDir(), "central.key")
	if out, err := exec.Command(keygen, "-o", file).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v: %s", err, out)
	}
	out, err := exec.Command(keygen, "-y", file).Output()
	if err != nil {
		t.Fatalf("age-keygen -y: %v", err)
	}
	b, err := readFile(file)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivate(b)
	if err != nil {
		t.Fatalf("ParsePrivate of age-keygen's file: %v", err)
	}
	if got, want := priv.Public().String(), strings.TrimSpace(string(out)); got != want {
		t.Errorf("got public key %s, age-keygen says %s", got, want)
	}
}

func readFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}

// typo changes the eleventh character of a key to another letter, as a
// person might mistype it.
func typo(k string) string {
	c := byte('q')
	if k[10] == c {
		c = 'p'
	}
	return k[:10] + string(c) + k[11:]
}
