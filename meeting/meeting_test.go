package meeting

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleMeeting() *Meeting {
	return &Meeting{
		ID:    "hdnd-tan-trao-ky-5",
		Title: "Kỳ họp thứ năm, Hội đồng nhân dân xã Tân Trào",
		Start: time.Date(2026, 11, 25, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)),
		Place: "Hội trường Ủy ban nhân dân xã",
		Participants: []Participant{
			{Name: "Nguyễn Văn An", Role: "Chủ tọa", Seat: "A1"},
			{Name: "Trần Thị Bình", Role: "Đại biểu", Seat: "B2"},
		},
		Agenda: []Item{
			{Title: "Khai mạc", Presenter: "Chủ tọa", Minutes: 10},
			{Title: "Dự toán ngân sách 2027", Presenter: "Kế toán", Minutes: 45, Documents: []string{"du-toan.pdf", "phu-luc.pdf"}},
			{Title: "Bế mạc", Minutes: 5, Documents: []string{"nghi-quyet.pdf"}},
		},
	}
}

func writeFolder(t testing.TB, m *Meeting) string {
	t.Helper()
	dir := t.TempDir()
	if err := WriteFolder(dir, m); err != nil {
		t.Fatal(err)
	}
	for i, name := range m.DocumentNames() {
		body := fmt.Sprintf("%%PDF-1.4 document %d %s", i, name)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"to-trinh.pdf", true},
		{"Tờ trình số 12.PDF", true},
		{"", false},
		{"../../x.pdf", false},
		{"a/b.pdf", false},
		{`a\b.pdf`, false},
		{"..pdf", false},
		{".hidden.pdf", false},
		{"c:evil.pdf", false},
		{"notes.txt", false},
		{"bell\a.pdf", false},
		{strings.Repeat("a", 300) + ".pdf", false},
		{"\xff.pdf", false},
	}
	for _, tt := range tests {
		err := ValidName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidName(%q) error %v is not ErrInvalid", tt.name, err)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"syntax", "{\n  \"id\": \"x\",\n  \"title\": }", "line 3, column"},
		{"type", "{\n\"id\": \"x\",\n\"title\": 5}", "line 3"},
		{"unknown field", `{"id":"x","titel":"a"}`, "unknown field"},
		{"empty", ``, "empty"},
		{"trailing", `{"id":"x","title":"t","agenda":[{"title":"a"}]} {}`, "after the closing brace"},
		{"no agenda", `{"id":"x","title":"t"}`, "agenda is empty"},
		{"traversal", `{"id":"x","title":"t","agenda":[{"title":"a","documents":["../../etc/passwd.pdf"]}]}`, "path separator"},
		{"bad id", `{"id":"../x","title":"t","agenda":[{"title":"a"}]}`, "meeting id"},
		{"minutes", `{"id":"x","title":"t","agenda":[{"title":"a","minutes":-3}]}`, "out of range"},
		{"dup seat", `{"id":"x","title":"t","participants":[{"name":"a","seat":"1"},{"name":"b","seat":"1"}],"agenda":[{"title":"a"}]}`, "share seat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(tt.in))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoadFolder(t *testing.T) {
	m := sampleMeeting()
	dir := writeFolder(t, m)
	got, err := LoadFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != m.Title || len(got.Agenda) != 3 || !got.Start.Equal(m.Start) {
		t.Fatalf("got %+v, want %+v", got, m)
	}
	os.Remove(filepath.Join(dir, "phu-luc.pdf"))
	if _, err := LoadFolder(dir); err == nil || !strings.Contains(err.Error(), "phu-luc.pdf") {
		t.Fatalf("missing document: got %v, want an error naming it", err)
	}
	os.Symlink("/etc/passwd", filepath.Join(dir, "phu-luc.pdf"))
	if _, err := LoadFolder(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("symlinked document: got %v, want refusal", err)
	}
}

func buildSigned(t testing.TB) (*Manifest, []byte, ed25519.PrivateKey) {
	t.Helper()
	m := sampleMeeting()
	dir := writeFolder(t, m)
	man, err := Build(m, dir, 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	raw, err := Sign(man, key)
	if err != nil {
		t.Fatal(err)
	}
	return man, raw, key
}

func TestSignOpen(t *testing.T) {
	man, raw, key := buildSigned(t)
	fp := FingerprintOf(key.Public().(ed25519.PublicKey))
	got, gotFP, err := Open(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gotFP != fp || got.Meeting.Title != man.Meeting.Title || len(got.Documents) != 3 {
		t.Fatalf("got %v %+v", gotFP.Short(), got)
	}
	if _, _, err := Open(raw, &fp); err != nil {
		t.Fatalf("open with the right pin: %v", err)
	}
	if !fp.Matches(strings.ToLower(fp.Short())) || !fp.Matches(fp.String()) || fp.Matches("AAAA") {
		t.Fatal("fingerprint matching is wrong")
	}
	parsed, err := ParseFingerprint(fp.String())
	if err != nil || parsed != fp {
		t.Fatalf("ParseFingerprint: got %v %v", parsed, err)
	}
}

func TestOpenRefusesForgery(t *testing.T) {
	man, raw, key := buildSigned(t)
	fp := FingerprintOf(key.Public().(ed25519.PublicKey))
	_, rogue, _ := ed25519.GenerateKey(nil)
	rogueRaw, _ := Sign(man, rogue)

	var pkg Package
	json.Unmarshal(raw, &pkg)
	tampered := pkg
	tampered.Payload = bytes.Replace(pkg.Payload, []byte("Khai mạc"), []byte("Khai mac"), 1)
	tamperedRaw, _ := json.Marshal(tampered)
	shortKey := pkg
	shortKey.Key = pkg.Key[:10]
	shortKeyRaw, _ := json.Marshal(shortKey)

	tests := []struct {
		name string
		raw  []byte
		pin  *Fingerprint
		want error
	}{
		{"tampered payload", tamperedRaw, nil, ErrBadSignature},
		{"tampered payload pinned", tamperedRaw, &fp, ErrBadSignature},
		{"rogue host", rogueRaw, &fp, ErrKeyMismatch},
		{"short key", shortKeyRaw, nil, ErrBadSignature},
		{"garbage", []byte("{not json"), nil, ErrInvalid},
		{"unknown field", []byte(`{"payload":"","key":"","sig":"","x":1}`), nil, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Open(tt.raw, tt.pin); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// signRaw signs an arbitrary manifest without validating it, as a hostile
// host would.
func signRaw(t testing.TB, man any) []byte {
	t.Helper()
	payload, _ := json.Marshal(man)
	_, key, _ := ed25519.GenerateKey(nil)
	b, _ := json.Marshal(Package{Payload: payload, Key: key.Public().(ed25519.PublicKey), Signature: ed25519.Sign(key, payload)})
	return b
}

func TestOpenRefusesHostileManifests(t *testing.T) {
	base, _, _ := buildSigned(t)
	mutate := func(f func(m *Manifest)) *Manifest {
		c := *base
		c.Meeting.Agenda = append([]Item(nil), base.Meeting.Agenda...)
		for i := range c.Meeting.Agenda {
			c.Meeting.Agenda[i].Documents = append([]string(nil), c.Meeting.Agenda[i].Documents...)
		}
		c.Documents = append([]Document(nil), base.Documents...)
		f(&c)
		return &c
	}
	many := mutate(func(m *Manifest) {
		m.Meeting.Agenda = make([]Item, MaxItems+1)
		for i := range m.Meeting.Agenda {
			m.Meeting.Agenda[i] = Item{Title: "x"}
		}
		m.Documents = nil
	})
	tests := []struct {
		name string
		man  any
		want string
	}{
		{"traversal", mutate(func(m *Manifest) {
			m.Documents[0].Name = "../../x.pdf"
			m.Meeting.Agenda[1].Documents[0] = "../../x.pdf"
		}), "path separator"},
		{"absurd size", mutate(func(m *Manifest) { m.Documents[0].Size = 1 << 50 }), "absurd size"},
		{"negative size", mutate(func(m *Manifest) { m.Documents[0].Size = -1 }), "absurd size"},
		{"bad hash", mutate(func(m *Manifest) { m.Documents[0].SHA256 = "zz" }), "malformed hash"},
		{"unlisted", mutate(func(m *Manifest) { m.Documents = m.Documents[:1] }), "does not list"},
		{"extra", mutate(func(m *Manifest) {
			m.Documents = append(m.Documents, Document{Name: "extra.pdf", SHA256: m.Documents[0].SHA256})
		}), "does not name"},
		{"too many items", many, "agenda items"},
		{"format", mutate(func(m *Manifest) { m.Format = 99 }), "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Open(signRaw(t, tt.man), nil)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

// TestOpenRefusesMillionItems: a signed package whose agenda has a million
// items, small enough to pass the package's size cap, is refused by the
// limit on agenda items.
func TestOpenRefusesMillionItems(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"format":1,"version":1,"meeting":{"id":"x","title":"t","agenda":[`)
	for i := 0; i < 1_000_000; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]},"documents":[]}`)
	var raw json.RawMessage = b.Bytes()
	signed := signRaw(t, raw)
	if len(signed) > 2*MaxJSONSize {
		t.Fatalf("the package is %d bytes, over the %d byte cap: the test would not reach the item limit", len(signed), 2*MaxJSONSize)
	}
	_, _, err := Open(signed, nil)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "1000000 agenda items") {
		t.Fatalf("got %v, want ErrInvalid for 1000000 agenda items", err)
	}
}

func TestDiff(t *testing.T) {
	old, _, _ := buildSigned(t)
	edit := func(f func(m *Manifest)) *Manifest {
		c := *old
		c.Meeting.Agenda = append([]Item(nil), old.Meeting.Agenda...)
		c.Documents = append([]Document(nil), old.Documents...)
		f(&c)
		return &c
	}
	tests := []struct {
		name string
		cur  *Manifest
		want func(c Changes) bool
	}{
		{"same", edit(func(m *Manifest) {}), func(c Changes) bool { return c.Empty() }},
		{"replaced", edit(func(m *Manifest) { m.Documents[0].SHA256 = strings.Repeat("a", 64) }),
			func(c Changes) bool {
				return len(c.Replaced) == 1 && c.Replaced[0] == old.Documents[0].Name && len(c.Added) == 0
			}},
		{"added", edit(func(m *Manifest) {
			m.Documents = append(m.Documents, Document{Name: "moi.pdf", SHA256: strings.Repeat("b", 64)})
			m.Meeting.Agenda[0].Documents = []string{"moi.pdf"}
		}), func(c Changes) bool { return len(c.Added) == 1 && c.Added[0] == "moi.pdf" }},
		{"reordered", edit(func(m *Manifest) {
			m.Meeting.Agenda[0], m.Meeting.Agenda[2] = m.Meeting.Agenda[2], m.Meeting.Agenda[0]
		}), func(c Changes) bool { return c.Reordered && len(c.ItemsAdded) == 0 }},
		{"item removed", edit(func(m *Manifest) { m.Meeting.Agenda = m.Meeting.Agenda[1:] }),
			func(c Changes) bool { return len(c.ItemsGone) == 1 && !c.Reordered }},
		{"place", edit(func(m *Manifest) { m.Meeting.Place = "Nhà văn hóa thôn" }), func(c Changes) bool { return c.Details }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c := Diff(old, tt.cur); !tt.want(c) {
				t.Fatalf("got %+v", c)
			}
		})
	}
	if c := Diff(nil, old); len(c.Added) != 3 || len(c.ItemsAdded) != 3 {
		t.Fatalf("first download: got %+v", c)
	}
}

func TestNewID(t *testing.T) {
	start := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	tests := []struct{ title, want string }{
		{"Kỳ họp thứ năm – HĐND xã Tân Trào", "ky-hop-thu-nam-hdnd-xa-tan-trao-20261203"},
		{"  ", "cuoc-hop-20261203"},
		{"Đặc biệt!!", "dac-biet-20261203"},
	}
	for _, tt := range tests {
		got := NewID(tt.title, start)
		if got != tt.want {
			t.Errorf("NewID(%q) = %q, want %q", tt.title, got, tt.want)
		}
		if err := ValidID(got); err != nil {
			t.Errorf("NewID(%q) is not a valid id: %v", tt.title, err)
		}
	}
}

func TestManifestTrustLimits(t *testing.T) {
	base := func() *Manifest {
		man, err := Assemble(&Meeting{ID: "hop-1", Title: "Họp", Agenda: []Item{{Title: "Mục 1"}}}, nil, 1, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return man
	}
	tests := []struct {
		name  string
		trust []TrustFile
		ok    bool
	}{
		{"none", nil, true},
		{"a root", []TrustFile{{"root.pem", []byte("x")}}, true},
		{"path in name", []TrustFile{{"../root.pem", []byte("x")}}, false},
		{"too large", []TrustFile{{"crl.der", make([]byte, MaxTrustSize+1)}}, false},
		{"too many", make([]TrustFile, MaxTrustFiles+1), false},
	}
	for _, tt := range tests {
		man := base()
		man.Trust = tt.trust
		for i := range man.Trust {
			if man.Trust[i].Name == "" {
				man.Trust[i].Name = fmt.Sprintf("r%d.pem", i)
			}
		}
		if err := man.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: got %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
