package meeting

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"id":"x","title":"Kỳ họp","agenda":[{"title":"a","documents":["a.pdf"]}]}`))
	f.Add([]byte(`{"id":"x","title":"t","participants":[{"name":"a","seat":"1"}],"agenda":[{"title":"a","minutes":5}]}`))
	f.Add([]byte(`{"id":"../x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseJSON(b)
		if err != nil {
			return
		}
		// Whatever parses must be safe to use as folder names.
		for _, name := range m.DocumentNames() {
			if err := ValidName(name); err != nil {
				t.Fatalf("accepted unsafe name %q: %v", name, err)
			}
		}
	})
}

// FuzzOpen fuzzes the manifest that a host signs: each input is signed
// inside the fuzz function, as a real host (or a rogue one with its own
// key) would, so the decoder and the validator behind the signature see
// every input, not only the seeds.
func FuzzOpen(f *testing.F) {
	man, raw, _ := buildSigned(f)
	var pkg Package
	if err := json.Unmarshal(raw, &pkg); err != nil {
		f.Fatal(err)
	}
	f.Add(pkg.Payload)
	b, _ := json.Marshal(man)
	f.Add(b)
	f.Add([]byte(`{"format":1,"version":1,"meeting":{"id":"x","title":"t","agenda":[{"title":"a","documents":["../a.pdf"]}]},"documents":[]}`))
	f.Add([]byte(`{}`))
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	f.Fuzz(func(t *testing.T, payload []byte) {
		signed, err := json.Marshal(Package{Payload: payload, Key: key.Public().(ed25519.PublicKey), Signature: ed25519.Sign(key, payload)})
		if err != nil {
			return // not valid JSON to embed: a host could not send it
		}
		got, _, err := Open(signed, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("a signed package was refused with %v, want ErrInvalid", err)
			}
			return
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("Open accepted an invalid manifest: %v", err)
		}
		for _, d := range got.Documents {
			if err := ValidName(d.Name); err != nil {
				t.Fatalf("accepted unsafe name %q", d.Name)
			}
		}
		for _, name := range got.Meeting.DocumentNames() {
			if err := ValidName(name); err != nil {
				t.Fatalf("accepted unsafe agenda document %q", name)
			}
		}
	})
}
