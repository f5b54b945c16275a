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
		checkInvalid(t, tt.name, err, tt.want)
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

// manifestOf builds a valid manifest listing n documents of size bytes
// each, spread over agenda items of at most MaxDocsPerItem.
func manifestOf(n int, size int64) *Manifest {
	m := sampleMeeting()
	m.Agenda = nil
	man := &Manifest{Format: Format, Version: 1, Meeting: *m}
	for i := range n {
		if i%MaxDocsPerItem == 0 {
			man.Meeting.Agenda = append(man.Meeting.Agenda, Item{Title: fmt.Sprintf("Nội dung %d", i/MaxDocsPerItem+1)})
		}
		name := fmt.Sprintf("tai-lieu-%04d.pdf", i)
		it := &man.Meeting.Agenda[len(man.Meeting.Agenda)-1]
		it.Documents = append(it.Documents, name)
		man.Documents = append(man.Documents, Document{Name: name, SHA256: strings.Repeat("a", 64), Size: size})
	}
	return man
}

// TestManifestLimitsAtTheirEdges: what is exactly at a limit is valid and
// one more is refused, naming the limit.
func TestManifestLimitsAtTheirEdges(t *testing.T) {
	trust := func(n, size int) func(*Manifest) {
		return func(m *Manifest) {
			m.Trust = nil
			for i := range n {
				m.Trust = append(m.Trust, TrustFile{Name: fmt.Sprintf("ca-%02d.pem", i), Data: make([]byte, size/n)})
			}
		}
	}
	tests := []struct {
		name string
		man  *Manifest
		edit func(*Manifest)
		want string // "" valid
	}{
		{"documents at the limit", manifestOf(MaxDocuments, 1), nil, ""},
		{"a document over the limit", manifestOf(MaxDocuments+1, 1), nil, "2001 documents"},
		{"a document of the largest size", manifestOf(1, MaxDocSize), nil, ""},
		{"a document a byte over", manifestOf(1, MaxDocSize+1), nil, "absurd size"},
		{"a negative size", manifestOf(1, -1), nil, "absurd size"},
		{"documents totalling the limit", manifestOf(MaxTotalSize/MaxDocSize, MaxDocSize), nil, ""},
		{"documents over the total", manifestOf(MaxTotalSize/MaxDocSize+1, 1), func(m *Manifest) {
			for i := range m.Documents[1:] {
				m.Documents[i+1].Size = MaxDocSize
			}
		}, "documents total"},
		{"trust files at the limit", manifestOf(1, 1), trust(MaxTrustFiles, MaxTrustFiles), ""},
		{"a trust file over the limit", manifestOf(1, 1), trust(MaxTrustFiles+1, MaxTrustFiles+1), "65 trust files"},
		{"trust bytes at the limit", manifestOf(1, 1), trust(2, MaxTrustSize), ""},
		{"trust bytes over the limit", manifestOf(1, 1), func(m *Manifest) {
			trust(2, MaxTrustSize)(m)
			m.Trust[1].Data = append(m.Trust[1].Data, 0)
		}, "trust files total"},
		{"a verdict of 32 bytes", manifestOf(1, 1), func(m *Manifest) { m.Documents[0].Verdict = strings.Repeat("v", 32) }, ""},
		{"a verdict of 33 bytes", manifestOf(1, 1), func(m *Manifest) { m.Documents[0].Verdict = strings.Repeat("v", 33) }, "malformed verdict"},
		{"an upper-case hash", manifestOf(1, 1), func(m *Manifest) { m.Documents[0].SHA256 = strings.Repeat("A", 64) }, "malformed hash"},
		{"a short hash", manifestOf(1, 1), func(m *Manifest) { m.Documents[0].SHA256 = strings.Repeat("a", 62) }, "malformed hash"},
		{"version 0", manifestOf(1, 1), func(m *Manifest) { m.Version = 0 }, "manifest version 0"},
		{"a document listed twice", manifestOf(2, 1), func(m *Manifest) { m.Documents[1].Name = m.Documents[0].Name }, "listed twice"},
		{"a document the agenda does not name", manifestOf(2, 1), func(m *Manifest) {
			m.Meeting.Agenda[0].Documents = m.Meeting.Agenda[0].Documents[:1]
		}, "does not name"},
		{"a document the manifest does not list", manifestOf(2, 1), func(m *Manifest) { m.Documents = m.Documents[:1] }, "does not list"},
	}
	for _, tt := range tests {
		if tt.edit != nil {
			tt.edit(tt.man)
		}
		err := tt.man.Validate()
		checkInvalid(t, tt.name, err, tt.want)
	}
}

// TestNamesAtTheirEdges: meeting IDs, file names and texts at the edges
// of what they may hold.
func TestNamesAtTheirEdges(t *testing.T) {
	ids := []struct {
		id string
		ok bool
	}{
		{strings.Repeat("a", maxIDLen), true},
		{strings.Repeat("a", maxIDLen+1), false},
		{"azAZ09-_.x", true},
		{".hidden", false},
		{"a..b", false},
	}
	for _, c := range "`{@[/:" {
		ids = append(ids, struct {
			id string
			ok bool
		}{"a" + string(c), false})
	}
	for _, tt := range ids {
		if err := ValidID(tt.id); (err == nil) != tt.ok {
			t.Errorf("ValidID(%q): got %v, want ok %v", tt.id, err, tt.ok)
		}
	}
	names := []struct {
		name string
		ok   bool
	}{
		{strings.Repeat("a", MaxNameLen-4) + ".pdf", true},
		{strings.Repeat("a", MaxNameLen-3) + ".pdf", false},
		{"tờ trình số 1.pdf", true},
		{"a\x1fb.pdf", false},
		{"a\x7fb.pdf", false},
	}
	for _, tt := range names {
		if err := ValidFileName(tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidFileName(%q): got %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	if err := validText("title", strings.Repeat("ệ", MaxTextLen), true); err != nil {
		t.Errorf("a title of %d characters: %v", MaxTextLen, err)
	}
	if err := validText("title", strings.Repeat("ệ", MaxTextLen+1), true); err == nil {
		t.Errorf("a title of %d characters: got no error", MaxTextLen+1)
	}
}

// TestMeetingLimitsAtTheirEdges: the meeting's own limits, and errors
// that name the participant or item a secretariat must fix.
func TestMeetingLimitsAtTheirEdges(t *testing.T) {
	items := func(n int) []Item {
		out := make([]Item, n)
		for i := range out {
			out[i] = Item{Title: fmt.Sprintf("Nội dung %d", i+1)}
		}
		return out
	}
	docs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("d%03d.pdf", i)
		}
		return out
	}
	people := func(n int) []Participant {
		out := make([]Participant, n)
		for i := range out {
			out[i] = Participant{Name: fmt.Sprintf("Đại biểu %d", i+1)}
		}
		return out
	}
	tests := []struct {
		name string
		edit func(m *Meeting)
		want string // "" valid
	}{
		{"items at the limit", func(m *Meeting) { m.Agenda = items(MaxItems) }, ""},
		{"an item over the limit", func(m *Meeting) { m.Agenda = items(MaxItems + 1) }, "501 agenda items"},
		{"participants at the limit", func(m *Meeting) { m.Participants = people(MaxParticipants) }, ""},
		{"a participant over the limit", func(m *Meeting) { m.Participants = people(MaxParticipants + 1) }, "5001 participants"},
		{"documents of an item at the limit", func(m *Meeting) { m.Agenda[1].Documents = docs(MaxDocsPerItem) }, ""},
		{"a document over an item's limit", func(m *Meeting) { m.Agenda[1].Documents = docs(MaxDocsPerItem + 1) }, "item 2 has 201 documents"},
		{"no minutes", func(m *Meeting) { m.Agenda[1].Minutes = 0 }, ""},
		{"a whole day", func(m *Meeting) { m.Agenda[1].Minutes = MaxMinutes }, ""},
		{"a minute more than a day", func(m *Meeting) { m.Agenda[1].Minutes = MaxMinutes + 1 }, "item 2: 1441 minutes"},
		{"negative minutes", func(m *Meeting) { m.Agenda[1].Minutes = -1 }, "item 2: -1 minutes"},
		{"an item without a title", func(m *Meeting) { m.Agenda[1].Title = " " }, "item 2 title is empty"},
		{"a presenter too long", func(m *Meeting) { m.Agenda[1].Presenter = strings.Repeat("x", MaxTextLen+1) }, "item 2 presenter"},
		{"an unsafe document", func(m *Meeting) { m.Agenda[1].Documents = []string{"../x.pdf"} }, "item 2:"},
		{"a participant without a name", func(m *Meeting) { m.Participants[1].Name = "" }, "participant 2 name is empty"},
		{"a role too long", func(m *Meeting) { m.Participants[1].Role = strings.Repeat("x", MaxTextLen+1) }, "participant 2 role"},
		{"a seat too long", func(m *Meeting) { m.Participants[1].Seat = strings.Repeat("x", MaxTextLen+1) }, "participant 2 seat"},
		{"a shared seat", func(m *Meeting) {
			m.Participants = append(m.Participants, Participant{Name: "Lê Văn C", Seat: m.Participants[0].Seat})
		}, "participants 1 and 3 share seat"},
		{"a place too long", func(m *Meeting) { m.Place = strings.Repeat("x", MaxTextLen+1) }, "place"},
	}
	for _, tt := range tests {
		m := sampleMeeting()
		tt.edit(m)
		err := m.Validate()
		checkInvalid(t, tt.name, err, tt.want)
	}
}

// TestChangesEmptyCounts: changes of different kinds add up; none cancels
// another out.
func TestChangesEmptyCounts(t *testing.T) {
	one := []string{"x"}
	for _, c := range []Changes{
		{Added: one, Removed: one},
		{Removed: one, Replaced: one},
		{Replaced: one, ItemsAdded: one},
		{ItemsAdded: one, ItemsGone: one},
		{Added: one, ItemsGone: one},
	} {
		if c.Empty() {
			t.Errorf("%+v: got empty", c)
		}
	}
}

// TestPackageSizeCap: a package of exactly the cap opens (padded with
// leading spaces, which JSON allows); one byte more is refused by the cap.
func TestPackageSizeCap(t *testing.T) {
	_, raw, _ := buildSigned(t)
	exact := append(bytes.Repeat([]byte(" "), 2*MaxJSONSize-len(raw)), raw...)
	if _, _, err := Open(exact, nil); err != nil {
		t.Errorf("a package of exactly %d bytes: %v", 2*MaxJSONSize, err)
	}
	if _, _, err := Open(append([]byte(" "), exact...), nil); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "at most 16777216 allowed") {
		t.Errorf("a package of %d bytes: got %v, want the cap's error", 2*MaxJSONSize+1, err)
	}
}

// TestManifestLookups: a document is found by name, and the total size is
// the sum of the documents'.
func TestManifestLookups(t *testing.T) {
	man := manifestOf(3, 1000)
	man.Documents[1].Size = 2500
	if d, ok := man.Document("tai-lieu-0001.pdf"); !ok || d.Size != 2500 {
		t.Errorf("Document: got %+v, %v", d, ok)
	}
	if _, ok := man.Document("khong-co.pdf"); ok {
		t.Error("Document found a name the manifest does not list")
	}
	if got := man.TotalSize(); got != 4500 {
		t.Errorf("TotalSize: got %d, want 4500", got)
	}
}

// checkInvalid wants err nil when want is empty, and otherwise an
// ErrInvalid that says want.
func checkInvalid(t *testing.T, name string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s: %v", name, err)
	case want != "" && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want)):
		t.Errorf("%s: got %v, want %q", name, err, want)
	}
}
