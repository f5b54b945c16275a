package meeting

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits that keep a hostile or broken meeting from exhausting a device.
const (
	MaxItems        = 500      // agenda items
	MaxDocuments    = 2000     // documents in one package
	MaxParticipants = 5000     // participants
	MaxDocSize      = 2 << 30  // bytes in one document (2 GiB)
	MaxTotalSize    = 20 << 30 // bytes in one package (20 GiB)
	MaxTextLen      = 2000     // runes in one text field
	MaxNameLen      = 200      // bytes in a document file name
	MaxJSONSize     = 8 << 20  // bytes of meeting.json or a manifest
	MaxTrustFiles   = 64       // root certificates and CRLs bundled with a meeting
	MaxTrustSize    = 2 << 20  // bytes of all bundled trust files
	MaxMinutes      = 24 * 60  // planned minutes of one item
	MaxDocsPerItem  = 200      // documents attached to one item
	maxIDLen        = 100      // bytes in a meeting ID
)

// Meeting is what the secretariat prepares: when and where, who sits where,
// and the ordered agenda.
type Meeting struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Start        time.Time     `json:"start"`
	Place        string        `json:"place"`
	Participants []Participant `json:"participants,omitempty"`
	Agenda       []Item        `json:"agenda"`
}

// Participant is a delegate, guest or member of the secretariat.
type Participant struct {
	Name string `json:"name"`
	Role string `json:"role,omitempty"`
	Seat string `json:"seat,omitempty"`
}

// Item is one agenda item. Documents name PDF files in the meeting folder.
type Item struct {
	Title     string   `json:"title"`
	Presenter string   `json:"presenter,omitempty"`
	Minutes   int      `json:"minutes,omitempty"`
	Documents []string `json:"documents,omitempty"`
}

// ErrInvalid marks a meeting or manifest that breaks the format's rules.
var ErrInvalid = errors.New("invalid meeting")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ValidName reports whether name is safe as a document file name: a plain
// base name ending in .pdf, with no separators, no "..", no control
// characters and no leading dot.
func ValidName(name string) error {
	if err := ValidFileName(name); err != nil {
		return err
	}
	if !strings.EqualFold(filepath.Ext(name), ".pdf") {
		return invalid("document name %q is not a .pdf file", name)
	}
	return nil
}

// ValidFileName checks that name is a plain, safe file name (of a document
// or of a bundled trust file): no path, no "..", no control character.
func ValidFileName(name string) error {
	switch {
	case name == "":
		return invalid("empty document name")
	case len(name) > MaxNameLen:
		return invalid("document name longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return invalid("document name %q is not UTF-8", name)
	case strings.ContainsAny(name, `/\:`):
		return invalid("document name %q contains a path separator", name)
	case strings.Contains(name, ".."):
		return invalid("document name %q contains \"..\"", name)
	case strings.HasPrefix(name, "."):
		return invalid("document name %q starts with a dot", name)
	case filepath.Base(name) != name:
		return invalid("document name %q is not a plain file name", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return invalid("document name %q contains a control character", name)
		}
	}
	return nil
}

func validText(field, s string, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid("%s is empty", field)
	}
	if !utf8.ValidString(s) {
		return invalid("%s is not UTF-8", field)
	}
	if utf8.RuneCountInString(s) > MaxTextLen {
		return invalid("%s is longer than %d characters", field, MaxTextLen)
	}
	return nil
}

// ValidID reports whether id is usable as a meeting ID: 1–100 bytes of
// letters, digits, '-', '_' and '.', not starting with a dot.
func ValidID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return invalid("meeting id %q must be 1–%d characters", id, maxIDLen)
	}
	if strings.HasPrefix(id, ".") {
		return invalid("meeting id %q must not start with '.'", id)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return invalid("meeting id %q may hold only letters, digits, '-', '_' and '.'", id)
		}
	}
	if strings.Contains(id, "..") {
		return invalid("meeting id %q contains \"..\"", id)
	}
	return nil
}

// Validate checks the whole meeting against the format's rules and limits.
func (m *Meeting) Validate() error {
	if err := ValidID(m.ID); err != nil {
		return err
	}
	if err := validText("title", m.Title, true); err != nil {
		return err
	}
	if err := validText("place", m.Place, false); err != nil {
		return err
	}
	if len(m.Participants) > MaxParticipants {
		return invalid("%d participants, at most %d allowed", len(m.Participants), MaxParticipants)
	}
	seats := map[string]int{}
	for i, p := range m.Participants {
		if err := validText(fmt.Sprintf("participant %d name", i+1), p.Name, true); err != nil {
			return err
		}
		if err := validText(fmt.Sprintf("participant %d role", i+1), p.Role, false); err != nil {
			return err
		}
		if err := validText(fmt.Sprintf("participant %d seat", i+1), p.Seat, false); err != nil {
			return err
		}
		if p.Seat != "" {
			if j, dup := seats[p.Seat]; dup {
				return invalid("participants %d and %d share seat %q", j+1, i+1, p.Seat)
			}
			seats[p.Seat] = i
		}
	}
	if len(m.Agenda) == 0 {
		return invalid("the agenda is empty")
	}
	if len(m.Agenda) > MaxItems {
		return invalid("%d agenda items, at most %d allowed", len(m.Agenda), MaxItems)
	}
	for i, it := range m.Agenda {
		n := i + 1
		if err := validText(fmt.Sprintf("item %d title", n), it.Title, true); err != nil {
			return err
		}
		if err := validText(fmt.Sprintf("item %d presenter", n), it.Presenter, false); err != nil {
			return err
		}
		if it.Minutes < 0 || it.Minutes > MaxMinutes {
			return invalid("item %d: %d minutes is out of range 0–%d", n, it.Minutes, MaxMinutes)
		}
		if len(it.Documents) > MaxDocsPerItem {
			return invalid("item %d has %d documents, at most %d allowed", n, len(it.Documents), MaxDocsPerItem)
		}
		for _, d := range it.Documents {
			if err := ValidName(d); err != nil {
				return fmt.Errorf("item %d: %w", n, err)
			}
		}
	}
	return nil
}

// DocumentNames lists every document the agenda refers to, once each, in
// agenda order.
func (m *Meeting) DocumentNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range m.Agenda {
		for _, d := range it.Documents {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}
