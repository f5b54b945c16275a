package meeting

import (
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

func FuzzOpen(f *testing.F) {
	man, raw, _ := buildSigned(f)
	f.Add(raw)
	f.Add(signRaw(f, man))
	f.Add([]byte(`{"payload":"e30=","key":"","sig":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, _, err := Open(b, nil)
		if err != nil {
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
	})
}
