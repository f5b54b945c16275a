package receipt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if len(c) != 12 || !strings.HasPrefix(c, "DH-") || c[7] != '-' || strings.ContainsAny(c[3:], "01OILU") {
			t.Fatalf("code %q: want DH-XXXX-XXXX without 0 1 O I L U", c)
		}
		if seen[c] {
			t.Fatalf("code %q twice in 1000", c)
		}
		seen[c] = true
		if NormalizeCode(" "+strings.ToLower(c[:7])+" "+strings.ToLower(c[7:])) != c {
			t.Errorf("NormalizeCode does not read back %q", c)
		}
	}
}

// TestNormalizeCode: however a villager or a clerk types a code, it reads
// back as printed on the receipt.
func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"DH-7K3M-9QXA", "DH-7K3M-9QXA"},
		{"dh-7k3m-9qxa", "DH-7K3M-9QXA"},
		{"dh 7k3m 9qxa", "DH-7K3M-9QXA"},
		{"DH7K3M9QXA", "DH-7K3M-9QXA"},
		{" d h-7k3m9 qxa\t", "DH-7K3M-9QXA"},
		{"DH-7K3M-9QX", "DH7K3M9QX"},   // too short: left as typed, found nowhere
		{"XY-7K3M-9QXA", "XY7K3M9QXA"}, // not ours
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParse: a receipt reads back as central wrote it when its signature
// checks; one changed on the way (another code, a status), signed by
// another key, unsigned (a hub's forgery, or the unsigned format of
// before) or missing what a device needs is refused.
func TestParse(t *testing.T) {
	priv, other, verify := testKeys()
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	good := Receipt{DossierID: "D1", Code: "DH-2345-6789", Received: at, History: []Update{{Status: Received, At: at}}}
	marshal := func(r Receipt, k ed25519.PrivateKey) []byte {
		b, err := r.Marshal(signWith(k))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signed := marshal(good, priv)
	changed := func(f func(*signedReceipt)) []byte {
		var s signedReceipt
		json.Unmarshal(signed, &s)
		f(&s)
		b, _ := json.Marshal(s)
		return b
	}
	tests := []struct {
		name string
		in   []byte
		ok   bool
		want error // when not ok; nil: any error
	}{
		{"good", signed, true, nil},
		{"the code changed on the way", changed(func(s *signedReceipt) {
			s.Receipt = bytes.Replace(s.Receipt, []byte("6789"), []byte("6788"), 1)
		}), false, ErrNotSigned},
		{"a status added on the way", changed(func(s *signedReceipt) {
			s.Receipt = bytes.Replace(s.Receipt, []byte(`"history":[`), []byte(`"history":[{"status":"returned","at":"2026-11-23T08:00:00Z"},`), 1)
		}), false, ErrNotSigned},
		{"signed by another key", marshal(good, other), false, ErrNotSigned},
		{"no signature", changed(func(s *signedReceipt) { s.Sig = nil }), false, ErrNotSigned},
		{"the unsigned format of before", []byte(`{"format":"dinh-receipt/1","dossier_id":"D1","code":"DH-2345-6789","received":"2026-11-22T08:00:00Z"}`), false, ErrNotSigned},
		{"no code", marshal(Receipt{DossierID: "D1", Received: at}, priv), false, nil},
		{"no dossier", marshal(Receipt{Code: "DH-2345-6789", Received: at}, priv), false, nil},
		{"no time", marshal(Receipt{DossierID: "D1", Code: "DH-2345-6789"}, priv), false, nil},
		{"not JSON", []byte("{"), false, nil},
		{"too large", make([]byte, MaxSize+1), false, nil},
	}
	for _, tt := range tests {
		r, err := Parse(tt.in, verify)
		if (err == nil) != tt.ok || !tt.ok && tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want ok %v (%v)", tt.name, err, tt.ok, tt.want)
		}
		if tt.ok && (r.Code != good.Code || !r.Received.Equal(good.Received) || r.Format != Format || len(r.History) != 1) {
			t.Errorf("%s: read %+v", tt.name, r)
		}
	}
}

// TestCheckCode: a fresh code passes as typed in any form; any one
// character typed wrong, and any two neighbours swapped (but 2 and Z, the
// one pair Luhn mod N cannot tell), is caught by the check character; what
// is not a code is told apart from a typo.
func TestCheckCode(t *testing.T) {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	for range 200 {
		code := NewCode()
		for _, typed := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", " "), strings.ReplaceAll(code, "-", "")} {
			if got, err := CheckCode(typed); err != nil || got != code {
				t.Fatalf("CheckCode(%q) = %q, %v; want %q", typed, got, err, code)
			}
		}
		bare := []byte(code[3:7] + code[8:])
		for i := range bare {
			for _, c := range []byte(alphabet) {
				if c == bare[i] {
					continue
				}
				typo := append([]byte{}, bare...)
				typo[i] = c
				if _, err := CheckCode("DH" + string(typo)); !errors.Is(err, ErrCodeTypo) {
					t.Fatalf("%s with %c at %d: got %v, want ErrCodeTypo", code, c, i, err)
				}
			}
			if pair := string([]byte{bare[i], bare[min(i+1, len(bare)-1)]}); i+1 < len(bare) && bare[i] != bare[i+1] && pair != "2Z" && pair != "Z2" {
				swap := append([]byte{}, bare...)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if _, err := CheckCode("DH" + string(swap)); !errors.Is(err, ErrCodeTypo) {
					t.Fatalf("%s with %d and %d swapped: got %v, want ErrCodeTypo", code, i, i+1, err)
				}
			}
		}
	}
	for _, s := range []string{"", "DH-0000-0000", "DH-1234-567", "XX-2345-6789", "DH-2345-6789-2", "../../x"} {
		if _, err := CheckCode(s); !errors.Is(err, ErrNotCode) {
			t.Errorf("CheckCode(%q): got %v, want ErrNotCode", s, err)
		}
	}
}
