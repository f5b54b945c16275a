// Package notes keeps a delegate's private notes on a meeting's
// documents: a note or a highlight on a page, kept on the delegate's own
// device only, each meeting's notes in one file encrypted by a key the
// delegate's passphrase opens. When a new version of a document arrives,
// every note stays on its page and is flagged if that page changed.
package notes

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dinh/internal/atomicfile"
	"dinh/internal/boundedfile"
	"dinh/meeting"
)

// Limits that keep a damaged or hostile file from holding the app.
const (
	MaxText   = 10_000 // characters in one note
	MaxNotes  = 5_000  // notes on one meeting
	maxFile   = 32 << 20
	fileExt   = ".notes"
	formatTag = "dinh-notes/1"
)

// Errors of this package; test them with errors.Is.
var (
	ErrDamaged  = errors.New("notes: the notes file is damaged or belongs elsewhere")
	ErrTooLong  = fmt.Errorf("notes: a note holds at most %d characters", MaxText)
	ErrTooMany  = fmt.Errorf("notes: a meeting holds at most %d notes", MaxNotes)
	ErrNotFound = errors.New("notes: no such note")
	ErrEmpty    = errors.New("notes: a note needs words or a highlight")
)

// Cipher encrypts a meeting's notes; an unlocked *vault.Vault is one. The
// associated data binds a file to its meeting.
type Cipher interface {
	Encrypt(plaintext, aad []byte) ([]byte, error)
	Decrypt(ciphertext, aad []byte) ([]byte, error)
}

// Pages is what one version of a document shows, page by page; an open
// *pdf.Document is one.
type Pages interface {
	NumPages() int
	PageSum(i int) (string, error)
}

// Rect is a highlighted area of a page in PDF points, from its top-left
// corner.
type Rect struct {
	X, Y, W, H float64
}

// Note is one note or highlight on one page of one document.
type Note struct {
	ID   string `json:"id"`
	Doc  string `json:"doc"`  // the document's name in the meeting
	Page int    `json:"page"` // 0-based
	Text string `json:"text,omitempty"`
	Mark *Rect  `json:"mark,omitempty"` // a highlight; nil for a note on the whole page
	// Version is the document's SHA-256 that PageSum was taken from.
	Version string `json:"version"`
	PageSum string `json:"page_sum"`
	// Changed is set when a newer version of the document shows the page
	// otherwise, or no longer has it, until the delegate has seen it.
	Changed bool      `json:"changed,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Book is one meeting's notes.
type Book struct {
	Meeting string `json:"meeting"`
	Notes   []Note `json:"notes"`
}

// Of returns the notes on doc, by page, then in the order they were made.
func (b *Book) Of(doc string) []Note {
	var out []Note
	for _, n := range b.Notes {
		if n.Doc == doc {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b Note) int {
		if a.Page != b.Page {
			return a.Page - b.Page
		}
		return a.Created.Compare(b.Created)
	})
	return out
}

// Docs returns the names of the documents that have notes, sorted.
func (b *Book) Docs() []string {
	var out []string
	for _, n := range b.Notes {
		if !slices.Contains(out, n.Doc) {
			out = append(out, n.Doc)
		}
	}
	slices.Sort(out)
	return out
}

func checkText(text string, mark *Rect) error {
	if utf8.RuneCountInString(text) > MaxText {
		return ErrTooLong
	}
	if strings.TrimSpace(text) == "" && mark == nil {
		return ErrEmpty
	}
	if mark != nil && !(mark.W > 0 && mark.H > 0) {
		return fmt.Errorf("notes: a highlight of %g by %g points", mark.W, mark.H)
	}
	return nil
}

// Add records n, made now on the page whose sum is given, and returns it
// with its ID.
func (b *Book) Add(n Note, now time.Time) (Note, error) {
	if err := checkText(n.Text, n.Mark); err != nil {
		return Note{}, err
	}
	if len(b.Notes) >= MaxNotes {
		return Note{}, ErrTooMany
	}
	if n.Doc == "" || n.Page < 0 {
		return Note{}, fmt.Errorf("notes: a note on page %d of %q", n.Page+1, n.Doc)
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return Note{}, fmt.Errorf("notes: %w", err)
	}
	n.ID = hex.EncodeToString(id)
	n.Created, n.Updated, n.Changed = now, now, false
	b.Notes = append(b.Notes, n)
	return n, nil
}

func (b *Book) find(id string) (int, error) {
	i := slices.IndexFunc(b.Notes, func(n Note) bool { return n.ID == id })
	if i < 0 {
		return 0, ErrNotFound
	}
	return i, nil
}

// Edit replaces the words of note id.
func (b *Book) Edit(id, text string, now time.Time) error {
	i, err := b.find(id)
	if err != nil {
		return err
	}
	if err := checkText(text, b.Notes[i].Mark); err != nil {
		return err
	}
	b.Notes[i].Text, b.Notes[i].Updated = text, now
	return nil
}

// Remove deletes note id.
func (b *Book) Remove(id string) error {
	i, err := b.find(id)
	if err != nil {
		return err
	}
	b.Notes = slices.Delete(b.Notes, i, i+1)
	return nil
}

// Seen clears note id's flag: the delegate has looked at its changed page.
func (b *Book) Seen(id string) error {
	i, err := b.find(id)
	if err != nil {
		return err
	}
	b.Notes[i].Changed = false
	return nil
}

// Follow moves the notes on doc to its version, whose pages are given:
// each note stays on its page, and is flagged when that page shows
// something else than in the version the note last knew, or is gone. It
// returns how many notes it newly flagged; a note already flagged stays
// so until Seen. Nothing changes when it fails.
func (b *Book) Follow(doc, version string, pages Pages) (flagged int, err error) {
	next := slices.Clone(b.Notes)
	sums := map[int]string{}
	for i := range next {
		n := &next[i]
		if n.Doc != doc || n.Version == version {
			continue
		}
		sum, gone := "", n.Page >= pages.NumPages()
		if !gone {
			if s, ok := sums[n.Page]; ok {
				sum = s
			} else if sum, err = pages.PageSum(n.Page); err != nil {
				return 0, fmt.Errorf("notes: page %d of %q: %w", n.Page+1, doc, err)
			}
			sums[n.Page] = sum
		}
		if (gone || sum != n.PageSum) && !n.Changed {
			n.Changed = true
			flagged++
		}
		n.Version, n.PageSum = version, sum
	}
	b.Notes = next
	return flagged, nil
}

// Store keeps each meeting's notes in a file of its own under a folder,
// encrypted by the Cipher.
type Store struct {
	dir string
	c   Cipher
}

// NewStore returns the store of notes in dir, which is made when the
// first book is saved.
func NewStore(dir string, c Cipher) *Store { return &Store{dir: dir, c: c} }

func (s *Store) path(id string) (string, error) {
	if err := meeting.ValidID(id); err != nil {
		return "", fmt.Errorf("notes: %w", err)
	}
	return filepath.Join(s.dir, id+fileExt), nil
}

func aad(id string) []byte { return []byte(formatTag + "\x00" + id) }

// Load returns the notes on meeting id: an empty book when there are
// none yet, ErrDamaged when the file cannot be read as this meeting's.
func (s *Store) Load(id string) (*Book, error) {
	p, err := s.path(id)
	if err != nil {
		return nil, err
	}
	ct, err := boundedfile.Read(p, maxFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &Book{Meeting: id}, nil
	case errors.Is(err, boundedfile.ErrTooLarge):
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	case err != nil:
		return nil, fmt.Errorf("notes: %w", err)
	}
	plain, err := s.c.Decrypt(ct, aad(id))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	defer clear(plain)
	var b Book
	if err := json.Unmarshal(plain, &b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	if b.Meeting != id || len(b.Notes) > MaxNotes {
		return nil, fmt.Errorf("%w: %d notes of meeting %q", ErrDamaged, len(b.Notes), b.Meeting)
	}
	return &b, nil
}

// Save writes b in place of its meeting's file, whole or not at all.
func (s *Store) Save(b *Book) error {
	p, err := s.path(b.Meeting)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	defer clear(plain)
	ct, err := s.c.Encrypt(plain, aad(b.Meeting))
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	if err := atomicfile.WriteBytes(p, ct); err != nil {
		return fmt.Errorf("notes: save: %w", err)
	}
	return nil
}
