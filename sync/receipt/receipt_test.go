package receipt

import (
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

func TestParse(t *testing.T) {
	good := Receipt{DossierID: "D1", Code: "DH-2345-6789", Received: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC),
		History: []Update{{Status: Received, At: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}}}
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"good", good.Marshal(), true},
		{"not JSON", []byte("{"), false},
		{"other format", []byte(`{"format":"x","dossier_id":"D1","code":"C","received":"2026-11-22T08:00:00Z"}`), false},
		{"no code", []byte(`{"format":"dinh-receipt/1","dossier_id":"D1","received":"2026-11-22T08:00:00Z"}`), false},
		{"too large", make([]byte, MaxSize+1), false},
	}
	for _, tt := range tests {
		r, err := Parse(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.ok && (r.Code != good.Code || !r.Received.Equal(good.Received)) {
			t.Errorf("%s: read %+v", tt.name, r)
		}
	}
}
