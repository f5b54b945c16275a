package receipt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRejection: a rejection reads back as central wrote it when its
// signature checks; a rejection changed on the way, signed by another key,
// or missing what a device needs is refused.
func TestRejection(t *testing.T) {
	priv, other, verify := testKeys()
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	r := Rejection{DossierID: "D1", Reason: Damaged, SHA256: strings.Repeat("ab", 32), At: at}
	good, err := r.Marshal(signWith(priv))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseRejection(good, verify)
	if err != nil || got.DossierID != "D1" || got.Reason != Damaged || !got.At.Equal(at) || got.Format != RejectionFormat {
		t.Fatalf("read back: %+v, %v", got, err)
	}

	changed := func(f func(*signedRejection)) []byte {
		var s signedRejection
		json.Unmarshal(good, &s)
		f(&s)
		b, _ := json.Marshal(s)
		return b
	}
	resigned := func(r Rejection) []byte {
		b, _ := r.Marshal(signWith(priv))
		return b
	}
	tests := []struct {
		name string
		b    []byte
		want error // nil: any error
	}{
		{"the reason changed on the way", changed(func(s *signedRejection) {
			s.Rejection = bytes.Replace(s.Rejection, []byte(Damaged), []byte(OtherKey), 1)
		}), ErrNotSigned},
		{"signed by another key", func() []byte { b, _ := r.Marshal(signWith(other)); return b }(), ErrNotSigned},
		{"no signature", changed(func(s *signedRejection) { s.Sig = nil }), ErrNotSigned},
		{"no reason", resigned(Rejection{DossierID: "D1", At: at}), nil},
		{"no dossier", resigned(Rejection{Reason: Damaged, At: at}), nil},
		{"no time", resigned(Rejection{DossierID: "D1", Reason: Damaged}), nil},
		{"not JSON", []byte("garbage"), nil},
		{"too large", bytes.Repeat([]byte(" "), MaxSize+1), nil},
	}
	for _, tt := range tests {
		_, err := ParseRejection(tt.b, verify)
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if Mendable(OtherKey) || Mendable(OtherDevice) || !Mendable(Damaged) || !Mendable(NotFromDevice) {
		t.Error("Mendable: only a damaged or rewritten copy is mended by a fresh one")
	}
}

// testKeys are central's key and another, each signing as sync/mesh does
// (a certificate beside the signature), and the check of central's.
func testKeys() (central, other ed25519.PrivateKey, verify func(msg, cert, sig []byte) error) {
	pub, central, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ = ed25519.GenerateKey(rand.Reader)
	verify = func(msg, cert, sig []byte) error {
		if !bytes.Equal(cert, []byte("cert")) || !ed25519.Verify(pub, msg, sig) {
			return errors.New("bad signature")
		}
		return nil
	}
	return central, other, verify
}

// signWith signs as sync/mesh does, with key k.
func signWith(k ed25519.PrivateKey) func([]byte) ([]byte, []byte, error) {
	return func(msg []byte) ([]byte, []byte, error) { return []byte("cert"), ed25519.Sign(k, msg), nil }
}
