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

// TestChangesEmpty: any one change a delegate would notice makes the
// summary non-empty.
func TestChangesEmpty(t *testing.T) {
	tests := []struct {
		name string
		c    Changes
	}{
		{"added", Changes{Added: []string{"a.pdf"}}},
		{"removed", Changes{Removed: []string{"a.pdf"}}},
		{"replaced", Changes{Replaced: []string{"a.pdf"}}},
		{"item added", Changes{ItemsAdded: []string{"Bế mạc"}}},
		{"item gone", Changes{ItemsGone: []string{"Bế mạc"}}},
		{"reordered", Changes{Reordered: true}},
		{"details", Changes{Details: true}},
	}
	for _, tt := range tests {
		if tt.c.Empty() {
			t.Errorf("%s: got empty", tt.name)
		}
	}
	if !(Changes{}).Empty() {
		t.Error("no change: got not empty")
	}
}

// TestDiffDetails: each detail of the meeting, changed alone, is noticed.
func TestDiffDetails(t *testing.T) {
	old, _, _ := buildSigned(t)
	tests := []struct {
		name string
		edit func(m *Meeting)
	}{
		{"title", func(m *Meeting) { m.Title += " (sửa)" }},
		{"start", func(m *Meeting) { m.Start = m.Start.Add(time.Hour) }},
		{"place", func(m *Meeting) { m.Place = "Phòng họp số 2" }},
		{"participant renamed", func(m *Meeting) { m.Participants[0].Name = "Lê Văn Cường" }},
		{"participant added", func(m *Meeting) { m.Participants = append(m.Participants, Participant{Name: "Hà Thị Dung"}) }},
	}
	for _, tt := range tests {
		cur := *old
		cur.Meeting.Participants = append([]Participant(nil), old.Meeting.Participants...)
		tt.edit(&cur.Meeting)
		if c := Diff(old, &cur); !c.Details || c.Reordered || len(c.Added)+len(c.ItemsAdded) != 0 {
			t.Errorf("%s: got %+v, want details only", tt.name, c)
		}
	}
	// The same start in another time zone is the same time.
	cur := *old
	cur.Meeting.Start = old.Meeting.Start.UTC()
	if c := Diff(old, &cur); !c.Empty() {
		t.Errorf("same start in UTC: got %+v, want no change", c)
	}
	// An item added at the end is not a reordering.
	cur = *old
	cur.Meeting.Agenda = append(append([]Item(nil), old.Meeting.Agenda...), Item{Title: "Phiên chất vấn bổ sung"})
	if c := Diff(old, &cur); c.Reordered || len(c.ItemsAdded) != 1 {
		t.Errorf("item added at the end: got %+v", c)
	}
}

// TestJSONSizeLimit: a meeting.json of exactly the limit is read (padded
// with spaces); one byte more is refused by the limit, from a folder too.
func TestJSONSizeLimit(t *testing.T) {
	m := sampleMeeting()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	exact := append(b, bytes.Repeat([]byte(" "), MaxJSONSize-len(b))...)
	if _, err := ParseJSON(exact); err != nil {
		t.Errorf("exactly %d bytes: %v", MaxJSONSize, err)
	}
	over := append(exact, ' ')
	if _, err := ParseJSON(over); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most") {
		t.Errorf("%d bytes: got %v, want the size refused", len(over), err)
	}
	dir := writeFolder(t, m)
	os.WriteFile(filepath.Join(dir, FolderFile), over, 0o644)
	if _, err := LoadFolder(dir); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most") {
		t.Errorf("folder with %d bytes: got %v, want the size refused", len(over), err)
	}
}

// TestJSONErrorPosition: a mistake in meeting.json is reported at the
// line and column an editor shows.
func TestJSONErrorPosition(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"syntax on line 3", "{\n  \"id\": \"x\",\n  \"title\" \"t\"\n}", "line 3, column 11"},
		{"type on line 3", "{\n  \"title\": \"t\",\n  \"id\": 5\n}", "line 3, column 9: field \"id\" must be string"},
		{"cut off", "{\n  \"id\": \"x\"", "ends too early, at line 2, column 12"},
		{"syntax at the very start", "x", "line 1, column 1"},
		{"empty", "", "meeting.json is empty"},
	}
	for _, tt := range tests {
		_, err := ParseJSON([]byte(tt.in))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestFolderSizeLimits: a document of exactly the size limit is accepted
// and one byte more refused; so is the total of a meeting's documents.
// The files are sparse: they cost no disk.
func TestFolderSizeLimits(t *testing.T) {
	sparse := func(dir, name string, size int64) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
	}
	folder := func(sizes ...int64) string {
		m := sampleMeeting()
		m.Agenda = []Item{{Title: "Tài liệu"}}
		for i := range sizes {
			m.Agenda[0].Documents = append(m.Agenda[0].Documents, fmt.Sprintf("tai-lieu-%02d.pdf", i))
		}
		dir := t.TempDir()
		if err := WriteFolder(dir, m); err != nil {
			t.Fatal(err)
		}
		for i, s := range sizes {
			sparse(dir, m.Agenda[0].Documents[i], s)
		}
		return dir
	}
	repeat := func(n int, s int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	tests := []struct {
		name  string
		sizes []int64
		want  string // "" accepted
	}{
		{"a document at the limit", []int64{MaxDocSize}, ""},
		{"a document over the limit", []int64{MaxDocSize + 1}, "at most"},
		{"documents totalling the limit", repeat(MaxTotalSize/MaxDocSize, MaxDocSize), ""},
		{"documents over the total", append(repeat(MaxTotalSize/MaxDocSize, MaxDocSize), 1), "documents total"},
	}
	for _, tt := range tests {
		_, err := LoadFolder(folder(tt.sizes...))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestNewIDKeepsEveryLetterAndDigit: the edges of the kept ranges stay.
func TestNewIDKeepsEveryLetterAndDigit(t *testing.T) {
	start := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	if got, want := NewID("az AZ 09 `{/:@[", start), "az-az-09-20261203"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	long := NewID(strings.Repeat("ab ", 40), start)
	if id := strings.TrimSuffix(long, "-20261203"); len(id) > 60 || strings.HasSuffix(id, "-") {
		t.Errorf("a long title: got %q, want at most 60 characters before the date, no trailing dash", long)
	}
}

// TestSameContent: a republished folder whose meeting, documents and trust
// files are unchanged keeps its version; any difference in them counts.
func TestSameContent(t *testing.T) {
	base, _, _ := buildSigned(t)
	base.Trust = []TrustFile{{Name: "root.pem", Data: []byte("root")}}
	clone := func(f func(m *Manifest)) *Manifest {
		c := *base
		c.Meeting.Agenda = append([]Item(nil), base.Meeting.Agenda...)
		c.Documents = append([]Document(nil), base.Documents...)
		c.Trust = append([]TrustFile(nil), base.Trust...)
		f(&c)
		return &c
	}
	tests := []struct {
		name string
		b    *Manifest
		same bool
	}{
		{"itself", clone(func(m *Manifest) {}), true},
		{"another version and time", clone(func(m *Manifest) { m.Version++; m.Published = m.Published.Add(time.Hour) }), true},
		{"nil", nil, false},
		{"title", clone(func(m *Manifest) { m.Meeting.Title += "!" }), false},
		{"a document's hash", clone(func(m *Manifest) { m.Documents[0].SHA256 = strings.Repeat("b", 64) }), false},
		{"a document fewer", clone(func(m *Manifest) { m.Documents = m.Documents[1:] }), false},
		{"a trust file more", clone(func(m *Manifest) { m.Trust = append(m.Trust, TrustFile{Name: "b.pem", Data: []byte("b")}) }), false},
		{"a trust file renamed", clone(func(m *Manifest) { m.Trust[0].Name = "other.pem" }), false},
		{"a trust file's bytes", clone(func(m *Manifest) { m.Trust[0].Data = []byte("other") }), false},
	}
	for _, tt := range tests {
		if got := SameContent(base, tt.b); got != tt.same {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.same)
		}
	}
	if SameContent(nil, base) {
		t.Error("nil first: got same")
	}
}

// TestParseFingerprint: only a whole fingerprint is read back.
func TestParseFingerprint(t *testing.T) {
	_, _, key := buildSigned(t)
	fp := FingerprintOf(key.Public().(ed25519.PublicKey))
	if got, err := ParseFingerprint(fp.String()); err != nil || got != fp {
		t.Errorf("round trip: got %v, %v", got, err)
	}
	for _, bad := range []string{"", "AAAA", fp.String()[:len(fp.String())-4], "not base32 at all!"} {
		if _, err := ParseFingerprint(bad); err == nil {
			t.Errorf("%q: got a fingerprint, want an error", bad)
		}
	}
}
