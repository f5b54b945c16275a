package outbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrNotFound means no entry has that dossier ID.
	ErrNotFound = errors.New("outbox: no such dossier")
	// ErrExists means a dossier with that ID is already in the outbox.
	ErrExists = errors.New("outbox: dossier already in the outbox")
	// ErrTransition means the dossier's state does not allow the change.
	ErrTransition = errors.New("outbox: state change not allowed")
	// ErrReceiptConflict means a receipted dossier got a different receipt.
	ErrReceiptConflict = errors.New("outbox: dossier already has a different receipt")
	// ErrUnreceipted means sealed dossiers have no receipt yet, so the
	// outbox cannot be cleared.
	ErrUnreceipted = errors.New("outbox: sealed dossiers have no receipt yet")
	// ErrCorrupt means a stored entry cannot be read. Only that entry is
	// affected; it is never overwritten or removed by the outbox.
	ErrCorrupt = errors.New("outbox: unreadable entry")
)

// Store keeps the entries, each as an opaque value under its dossier ID.
// offline/store implements it. A value that is absent reads as nil.
type Store interface {
	// OutboxEntry returns the value for a dossier.
	OutboxEntry(id string) ([]byte, bool, error)
	// OutboxEntries returns every value by dossier ID.
	OutboxEntries() (map[string][]byte, error)
	// UpdateOutboxEntry stores what fn returns for the current value, in
	// one transaction; nil leaves it as it is, an error writes nothing and
	// is returned unchanged.
	UpdateOutboxEntry(id string, fn func(old []byte) ([]byte, error)) error
	// DeleteOutboxEntry deletes the value if check allows it, in one
	// transaction; check's error is returned unchanged.
	DeleteOutboxEntry(id string, check func(old []byte) error) error
	// ClearOutbox deletes every value if check allows it, in one
	// transaction; check's error is returned unchanged.
	ClearOutbox(check func(all map[string][]byte) error) error
}

// Transition is one step in a dossier's history.
type Transition struct {
	State State     `json:"state"`
	At    time.Time `json:"at"`
	Note  string    `json:"note,omitempty"`
}

// Entry is what the outbox knows about one dossier. It holds no personal
// data beyond the villager's initials: the dossier itself is in the sealed
// file, which this device cannot read back.
type Entry struct {
	// ID is the stable dossier ID; the central server recognises a
	// redelivery by it.
	ID string `json:"id"`
	// Procedure is the code of the administrative procedure.
	Procedure string `json:"procedure"`
	// Initials are the villager's initials, never the name.
	Initials string       `json:"initials"`
	Created  time.Time    `json:"created"`
	State    State        `json:"state"`
	History  []Transition `json:"history"`
	// SealedPath is the sealed file, relative to the outbox folder.
	SealedPath string `json:"sealed_path,omitempty"`
	// SealedSHA256 is the lowercase hex SHA-256 of the sealed file.
	SealedSHA256 string `json:"sealed_sha256,omitempty"`
	// Receipt is the central server's receipt code, as a person types it.
	Receipt     string    `json:"receipt,omitempty"`
	ReceiptedAt time.Time `json:"receipted_at,omitzero"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	// Progress is what the authority reported since the receipt:
	// processing, result-ready, returned; oldest first.
	Progress []Progress `json:"progress,omitempty"`
	// Rejection is central's latest refusal of the copy it got, until a
	// receipt comes.
	Rejection *Rejection `json:"rejection,omitempty"`
}

// Rejection is central's refusal of the copy it got of a sealed dossier.
type Rejection struct {
	Reason     string    `json:"reason"`                // a code of sync/receipt: damaged, other-key…
	SHA256     string    `json:"sha256"`                // of the bytes central got
	CentralKey string    `json:"central_key,omitempty"` // the key central holds, for other-key
	At         time.Time `json:"at"`
	// Resent is set when a fresh copy went out to mend it.
	Resent bool `json:"resent,omitempty"`
}

// Progress is one status update from the authority handling a dossier.
type Progress struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Outbox tracks dossiers from draft to purge. Use one Outbox per store:
// it serialises its own changes, so a check on the sealed files and the
// change it allows cannot be interleaved with another change.
type Outbox struct {
	st        Store
	dir       string
	now       func() time.Time
	retention time.Duration

	mu sync.Mutex
}

// New returns the outbox kept in st, whose sealed files are in dir.
// Receipted dossiers are purged once retention has passed since their
// receipt. now is the clock; nil means time.Now.
func New(st Store, dir string, now func() time.Time, retention time.Duration) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{st: st, dir: dir, now: now, retention: max(retention, 0)}
}

// NewID returns a random dossier ID: 26 base32 characters, 128 bits.
func NewID() string { return rand.Text() }

func (o *Outbox) clock() time.Time { return o.now().UTC() }

// AddDraft starts a draft dossier; initials may be empty until the
// villager's name is known (SetInitials).
func (o *Outbox) AddDraft(id, procedure, initials string) error {
	if err := checkID(id); err != nil {
		return err
	}
	procedure = strings.TrimSpace(procedure)
	if err := checkProcedure(procedure); err != nil {
		return err
	}
	// A draft just started may not know the villager yet.
	initials = strings.TrimSpace(initials)
	if initials != "" {
		if err := checkInitials(initials); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	return o.st.UpdateOutboxEntry(id, func(old []byte) ([]byte, error) {
		if old != nil {
			e, err := decode(id, old)
			if err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s is %s", ErrExists, id, e.State)
		}
		return json.Marshal(Entry{
			ID:        id,
			Procedure: procedure,
			Initials:  initials,
			Created:   now,
			State:     Draft,
			History:   []Transition{{State: Draft, At: now}},
		})
	})
}

// MarkSealed records that a draft was sealed into sealedPath (relative to
// the outbox folder), whose hex SHA-256 is sum. The file must be there with
// that hash, and no other dossier may use it. Marking it again with the
// same file does nothing.
func (o *Outbox) MarkSealed(id, sealedPath, sum string) error {
	if !filepath.IsLocal(sealedPath) {
		return fmt.Errorf("outbox: sealed file %q is not inside the outbox folder", sealedPath)
	}
	sealedPath = filepath.Clean(sealedPath)
	sum = strings.ToLower(sum)
	if !validSum(sum) {
		return fmt.Errorf("outbox: malformed SHA-256 %q", sum)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	got, err := hashFile(filepath.Join(o.dir, sealedPath))
	if err != nil {
		return fmt.Errorf("outbox: sealed file of %s: %w", id, err)
	}
	if got != sum {
		return fmt.Errorf("outbox: sealed file %s has SHA-256 %s, want %s", sealedPath, got, sum)
	}
	entries, _, err := o.load()
	if err != nil {
		return err
	}
	if other := sharing(entries, id, sealedPath); other != "" {
		return fmt.Errorf("outbox: sealed file %s already belongs to dossier %s", sealedPath, other)
	}
	now := o.clock()
	return o.update(id, func(e *Entry) (bool, error) {
		switch {
		case e.State == Draft, e.State == Damaged:
		case e.State == Sealed && e.SealedPath == sealedPath && e.SealedSHA256 == sum:
			return false, nil
		default:
			return false, transition(id, e.State, Sealed)
		}
		e.SealedPath, e.SealedSHA256, e.Rejection = sealedPath, sum, nil
		e.advance(Sealed, now, "")
		return true, nil
	})
}

// CheckSealed reports whether the sealed file of a dossier waiting to be
// sent (sealed or queued) still has the SHA-256 recorded at sealing. If
// not, or if it is gone, the dossier is marked Damaged, with why in its
// history, and is not to be sent: the desk seals it again. A dossier in
// another state is reported as fine.
func (o *Outbox) CheckSealed(id string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, err := o.entry(id)
	if err != nil {
		return false, err
	}
	if e.State != Sealed && e.State != Queued {
		return true, nil
	}
	got, err := hashFile(filepath.Join(o.dir, e.SealedPath))
	var why string
	switch {
	case errors.Is(err, os.ErrNotExist):
		why = "the sealed file is gone"
	case err != nil:
		return false, fmt.Errorf("outbox: check %s: %w", id, err)
	case got != e.SealedSHA256:
		why = fmt.Sprintf("the sealed file changed on the disk: SHA-256 %s, sealed as %s", got, e.SealedSHA256)
	default:
		return true, nil
	}
	now := o.clock()
	return false, o.update(id, func(e *Entry) (bool, error) {
		if e.State != Sealed && e.State != Queued {
			return false, nil
		}
		e.advance(Damaged, now, why)
		return true, nil
	})
}

// CheckAll checks every dossier waiting to be sent (CheckSealed) and
// returns the IDs of those found damaged.
func (o *Outbox) CheckAll() ([]string, error) {
	entries, err := o.List()
	var damaged []string
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, e := range entries {
		ok, err := o.CheckSealed(e.ID)
		if err != nil {
			errs = append(errs, err)
		} else if !ok {
			damaged = append(damaged, e.ID)
		}
	}
	return damaged, errors.Join(errs...)
}

// Queue puts a sealed dossier in the queue to send. Queueing it again does
// nothing.
func (o *Outbox) Queue(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	return o.update(id, func(e *Entry) (bool, error) {
		switch e.State {
		case Sealed:
		case Queued:
			return false, nil
		default:
			return false, transition(id, e.State, Queued)
		}
		e.advance(Queued, now, "")
		return true, nil
	})
}

// MarkDelivered records that the next hop took a queued dossier. It does
// nothing for a dossier already delivered or further on.
func (o *Outbox) MarkDelivered(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	return o.update(id, func(e *Entry) (bool, error) {
		switch e.State {
		case Queued:
		case Delivered, Receipted, Purged:
			return false, nil
		default:
			return false, transition(id, e.State, Delivered)
		}
		e.DeliveredAt = now
		e.advance(Delivered, now, "")
		return true, nil
	})
}

// MarkReceipted records the central server's receipt, issued at at (the
// clock's time if zero). A queued dossier may be receipted before its
// delivery was confirmed, since that acknowledgement can be lost. The same
// receipt again does nothing; a different one fails with
// ErrReceiptConflict. Receipts compare without case, spaces and dashes.
func (o *Outbox) MarkReceipted(id, receipt string, at time.Time) error {
	receipt = strings.TrimSpace(receipt)
	if err := checkReceipt(receipt); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	return o.update(id, func(e *Entry) (bool, error) {
		note := "receipt " + receipt
		switch e.State {
		case Delivered:
		case Queued:
			note += "; delivery was not confirmed"
		case Receipted, Purged:
			if sameReceipt(e.Receipt, receipt) {
				return false, nil
			}
			return false, fmt.Errorf("%w: %s has %q, got %q", ErrReceiptConflict, id, e.Receipt, receipt)
		default:
			return false, transition(id, e.State, Receipted)
		}
		e.Receipt, e.ReceiptedAt, e.Rejection = receipt, at, nil
		e.advance(Receipted, now, note)
		return true, nil
	})
}

// MarkRejected records central's refusal of a queued or delivered
// dossier. A delivered one is queued again: central does not have it, and
// the next copy, checked first, must go. The same refusal again does
// nothing; a newer one replaces it.
func (o *Outbox) MarkRejected(id string, r Rejection) error {
	if r.Reason == "" || len(r.Reason) > 64 || !printable(r.Reason) || r.At.IsZero() {
		return fmt.Errorf("outbox: rejection of %s without a reason or a time", id)
	}
	r.At = r.At.UTC()
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	return o.update(id, func(e *Entry) (bool, error) {
		if e.State != Queued && e.State != Delivered {
			return false, transition(id, e.State, "rejected")
		}
		if e.Rejection != nil && e.Rejection.At.Equal(r.At) && e.Rejection.SHA256 == r.SHA256 && e.Rejection.Resent == r.Resent {
			return false, nil
		}
		if e.Rejection == nil || !e.Rejection.At.Equal(r.At) || e.Rejection.SHA256 != r.SHA256 {
			e.advance(Queued, now, "rejected by central: "+r.Reason)
		}
		e.Rejection = &r
		return true, nil
	})
}

// MarkToSealAgain marks a dossier on its way, not yet receipted, to be
// sealed again from the copy its desk keeps (for a new central key): it
// becomes Damaged, with why in its history, and is not sent until the
// desk has sealed it again. One already Damaged stays so.
func (o *Outbox) MarkToSealAgain(id, why string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock()
	return o.update(id, func(e *Entry) (bool, error) {
		switch e.State {
		case Sealed, Queued, Delivered:
		case Damaged:
			return false, nil
		default:
			return false, transition(id, e.State, Damaged)
		}
		e.advance(Damaged, now, why)
		return true, nil
	})
}

// SetProgress records the authority's status updates of a receipted
// dossier, as central sent them; an unchanged list does nothing.
func (o *Outbox) SetProgress(id string, progress []Progress) error {
	for _, p := range progress {
		if p.Status == "" || len(p.Status) > 32 || !printable(p.Status) {
			return fmt.Errorf("outbox: status %q: want 1 to 32 printable characters", p.Status)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.update(id, func(e *Entry) (bool, error) {
		if e.State != Receipted && e.State != Purged {
			return false, transition(id, e.State, "progress")
		}
		if slices.EqualFunc(e.Progress, progress, func(a, b Progress) bool { return a.Status == b.Status && a.At.Equal(b.At) }) {
			return false, nil
		}
		e.Progress = slices.Clone(progress)
		return true, nil
	})
}

// SetInitials changes a draft's initials, as the volunteer corrects the
// villager's name. Any other dossier is refused with ErrTransition: what
// was sealed stays as it was sealed.
func (o *Outbox) SetInitials(id, initials string) error {
	initials = strings.TrimSpace(initials)
	if err := checkInitials(initials); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.update(id, func(e *Entry) (bool, error) {
		if e.State != Draft {
			return false, transition(id, e.State, "renamed")
		}
		changed := e.Initials != initials
		e.Initials = initials
		return changed, nil
	})
}

// Discard deletes a draft. Any other dossier is refused with ErrTransition.
func (o *Outbox) Discard(id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.st.DeleteOutboxEntry(id, func(old []byte) error {
		if old == nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		e, err := decode(id, old)
		if err != nil {
			return err
		}
		if e.State != Draft {
			return transition(id, e.State, "discarded")
		}
		return nil
	})
}

// Purge deletes the sealed files of the dossiers receipted at least the
// retention ago and marks them purged; their entries stay. It returns the
// IDs it purged, and reports unreadable entries, which it leaves alone,
// together with any failure. A sealed file already gone (a crash after
// deleting it) is not an error: the purge completes.
func (o *Outbox) Purge(ctx context.Context) (purged []string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	entries, problems, err := o.load()
	if err != nil {
		return nil, err
	}
	now := o.clock()
	errs := problems
	for _, e := range entries {
		if e.State != Receipted || now.Before(e.ReceiptedAt.Add(o.retention)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return purged, errors.Join(append(errs, err)...)
		}
		if err := o.purge(e.ID, entries, now); err != nil {
			errs = append(errs, err)
			continue
		}
		purged = append(purged, e.ID)
	}
	return purged, errors.Join(errs...)
}

func (o *Outbox) purge(id string, entries []Entry, now time.Time) error {
	// Read the entry again just before deleting its file: only a
	// receipted dossier's file may go.
	e, err := o.entry(id)
	if err != nil {
		return err
	}
	if e.State != Receipted {
		return nil
	}
	if other := sharing(entries, id, e.SealedPath); other != "" {
		return fmt.Errorf("outbox: purge %s: sealed file %s also belongs to dossier %s", id, e.SealedPath, other)
	}
	note := fmt.Sprintf("retention of %s passed", o.retention)
	switch err := os.Remove(filepath.Join(o.dir, e.SealedPath)); {
	case errors.Is(err, fs.ErrNotExist):
		note += "; sealed file was already gone"
	case err != nil:
		return fmt.Errorf("outbox: purge %s: %w", id, err)
	}
	return o.update(id, func(e *Entry) (bool, error) {
		switch e.State {
		case Receipted:
		case Purged:
			return false, nil
		default:
			return false, transition(id, e.State, Purged)
		}
		e.advance(Purged, now, note)
		return true, nil
	})
}

// Reset clears the outbox, deleting the sealed files of receipted
// dossiers. While any dossier is sealed without a receipt it refuses with
// ErrUnreceipted and changes nothing; an unreadable entry counts as such,
// since it may be one.
func (o *Outbox) Reset() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	var files []string
	err := o.st.ClearOutbox(func(all map[string][]byte) error {
		files = files[:0]
		unreceipted, unreadable := 0, 0
		for id, raw := range all {
			e, err := decode(id, raw)
			switch {
			case err != nil:
				unreadable++
			case e.State.Unreceipted():
				unreceipted++
			case e.State == Receipted:
				files = append(files, e.SealedPath)
			}
		}
		switch {
		case unreadable > 0:
			return fmt.Errorf("%w: %d dossiers sealed without a receipt, %d entries unreadable", ErrUnreceipted, unreceipted, unreadable)
		case unreceipted > 0:
			return fmt.Errorf("%w: %d dossiers sealed without a receipt", ErrUnreceipted, unreceipted)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		if err := os.Remove(filepath.Join(o.dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("outbox: reset: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Entry returns one dossier's entry.
func (o *Outbox) Entry(id string) (Entry, error) { return o.entry(id) }

// List returns every dossier, oldest first. Unreadable entries are left out
// and reported in the error (ErrCorrupt, one per entry), along with the
// others; any other error returns no entries.
func (o *Outbox) List() ([]Entry, error) {
	entries, problems, err := o.load()
	if err != nil {
		return nil, err
	}
	return entries, errors.Join(problems...)
}

// Counts returns how many readable dossiers are in each state, with every
// state present. List reports what could not be read.
func (o *Outbox) Counts() map[State]int {
	out := make(map[State]int, len(States))
	for _, s := range States {
		out[s] = 0
	}
	entries, _, _ := o.load()
	for _, e := range entries {
		out[e.State]++
	}
	return out
}

func (e *Entry) advance(s State, at time.Time, note string) {
	e.State = s
	e.History = append(e.History, Transition{State: s, At: at, Note: note})
}

func transition(id string, from, to State) error {
	return fmt.Errorf("%w: %s from %s to %s", ErrTransition, id, from, to)
}

// update applies fn to the stored entry in one transaction; fn reports
// whether it changed the entry.
func (o *Outbox) update(id string, fn func(*Entry) (bool, error)) error {
	return o.st.UpdateOutboxEntry(id, func(old []byte) ([]byte, error) {
		if old == nil {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		e, err := decode(id, old)
		if err != nil {
			return nil, err
		}
		changed, err := fn(&e)
		if err != nil || !changed {
			return nil, err
		}
		return json.Marshal(e)
	})
}

func (o *Outbox) entry(id string) (Entry, error) {
	raw, ok, err := o.st.OutboxEntry(id)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return decode(id, raw)
}

// load returns the readable entries, oldest first, and an ErrCorrupt
// error for each unreadable one.
func (o *Outbox) load() (out []Entry, problems []error, err error) {
	all, err := o.st.OutboxEntries()
	if err != nil {
		return nil, nil, err
	}
	for id, raw := range all {
		e, err := decode(id, raw)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	slices.SortFunc(problems, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return out, problems, nil
}

// decode reads a stored entry and checks what the outbox relies on.
func decode(id string, raw []byte) (Entry, error) {
	var e Entry
	err := json.Unmarshal(raw, &e)
	switch {
	case err != nil:
	case e.ID != id:
		err = fmt.Errorf("holds dossier %q", e.ID)
	case !e.State.Valid():
		err = fmt.Errorf("unknown state %q", e.State)
	case e.State.hasSealedFile() && !filepath.IsLocal(e.SealedPath):
		err = fmt.Errorf("sealed file %q is not inside the outbox folder", e.SealedPath)
	case e.State.hasSealedFile() && !validSum(e.SealedSHA256):
		err = fmt.Errorf("malformed SHA-256 %q", e.SealedSHA256)
	case (e.State == Receipted || e.State == Purged) && e.Receipt == "":
		err = fmt.Errorf("%s without a receipt", e.State)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("%w: dossier %q: %v", ErrCorrupt, id, err)
	}
	return e, nil
}

// sharing returns another dossier, not yet purged, whose sealed file is
// path. Names are compared without case, as some file systems do.
func sharing(entries []Entry, id, path string) string {
	for _, e := range entries {
		if e.ID != id && e.State.hasSealedFile() && strings.EqualFold(filepath.Clean(e.SealedPath), path) {
			return e.ID
		}
	}
	return ""
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func validSum(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size && strings.ToLower(s) == s
}

// ValidID reports whether id can name a dossier: 1 to 64 letters, digits,
// - or _. Nothing else can, so a path such as ../x never reaches the store
// or the file system.
func ValidID(id string) bool {
	ok := id != "" && len(id) <= 64
	for _, r := range id {
		ok = ok && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}
	return ok
}

func checkID(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("outbox: dossier ID %q: want 1 to 64 letters, digits, - or _", id)
	}
	return nil
}

func checkProcedure(p string) error {
	if p == "" || len(p) > 64 || !printable(p) {
		return fmt.Errorf("outbox: procedure code %q: want 1 to 64 printable characters", p)
	}
	return nil
}

// maxInitials is how many letters initials may have: enough for the
// longest Vietnamese names, too few for a name written out.
const maxInitials = 5

// checkInitials accepts letters (with their diacritics) and dots only. The
// value is not echoed in the error: it may be a full name.
func checkInitials(s string) error {
	letters := 0
	ok := true
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Mn, r) || r == '.':
		default:
			ok = false
		}
	}
	if !ok || letters == 0 || letters > maxInitials {
		return fmt.Errorf("outbox: initials: want 1 to %d letters, the villager's initials only", maxInitials)
	}
	return nil
}

func checkReceipt(r string) error {
	if r == "" || len(r) > 64 || !printable(r) {
		return fmt.Errorf("outbox: receipt %q: want 1 to 64 printable characters", r)
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// sameReceipt compares receipt codes as a person reads them: without
// case, spaces or dashes.
func sameReceipt(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' {
				return -1
			}
			return unicode.ToUpper(r)
		}, s)
	}
	return norm(a) == norm(b)
}
