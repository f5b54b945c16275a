package keywrap

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestFormatParse(t *testing.T) {
	k, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	s := Format(k, "a")
	typo := "A" + s[1:]
	if s[0] == 'A' {
		typo = "B" + s[1:]
	}
	tests := []struct {
		name, in, label string
		ok              bool
	}{
		{"as written", s, "a", true},
		{"lower case, no dashes", strings.ToLower(strings.ReplaceAll(s, "-", "")), "a", true},
		{"other kind of key", s, "b", false},
		{"typo", typo, "a", false},
		{"short", s[:20], "a", false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.label)
		if (err == nil) != tt.ok || (tt.ok && got != k) {
			t.Errorf("%s: got %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestWrapUnwrap(t *testing.T) {
	priv, _ := Generate()
	other, _ := Generate()
	secret := []byte("khóa dữ liệu 32 byte.............")
	eph, nonce, wrapped, err := Wrap(secret, Public(priv), "x")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Unwrap(priv, eph, nonce, wrapped, "x"); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("got %q, %v, want the secret", got, err)
	}
	for name, try := range map[string]func() error{
		"other key":   func() error { _, err := Unwrap(other, eph, nonce, wrapped, "x"); return err },
		"other label": func() error { _, err := Unwrap(priv, eph, nonce, wrapped, "y"); return err },
		"flipped": func() error {
			w := bytes.Clone(wrapped)
			w[0] ^= 1
			_, err := Unwrap(priv, eph, nonce, w, "x")
			return err
		},
		"short nonce": func() error { _, err := Unwrap(priv, eph, nonce[:4], wrapped, "x"); return err },
	} {
		if err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: got %v, want %v", name, err, ErrOpen)
		}
	}
}
