package room

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
	"dinh/sync/lan"
)

// What Find reports when it cannot name one host to join.
var (
	// ErrNoMeeting: nothing (or not the meeting asked for) was announced
	// in time.
	ErrNoMeeting = errors.New("room: no such meeting announced on the LAN")
	// ErrPinnedBefore: the meeting was pinned to another host key on an
	// earlier join.
	ErrPinnedBefore = errors.New("room: the meeting was pinned to a different host key before")
)

// SeveralError: more than one meeting is announced and none was named.
type SeveralError struct{ Listings []Listing }

func (e *SeveralError) Error() string {
	return fmt.Sprintf("room: %d meetings are announced; choose one", len(e.Listings))
}

// PinError: the host found announces another fingerprint than the one the
// delegate typed, and no host announcing that one answered.
type PinError struct {
	Found Listing
	Pin   string
}

func (e *PinError) Error() string {
	return fmt.Sprintf("room: the host announces fingerprint %s, not %s", e.Found.Short(), e.Pin)
}

// FindOptions say which host a delegate wants.
type FindOptions struct {
	ID      string        // the meeting; "" when only one is expected
	Pin     string        // the fingerprint the room's screen shows; "" trusts the first (and pins it)
	Pins    Pins          // what earlier joins pinned
	Timeout time.Duration // how long to look
	// Settle is how long to wait for other announcements: for other
	// meetings when ID is empty, for another host of the same meeting when
	// the first one found does not match Pin. 0 means 1.5 s.
	Settle time.Duration
}

// ErrBadID is a meeting ID that no meeting can have (it would name a
// folder outside the delegate's).
var ErrBadID = errors.New("room: not a meeting ID")

// Check refuses, before anything is looked for, a meeting ID no meeting
// can have (ErrBadID) and a pin that is no fingerprint (meeting.ErrBadPin).
func (o FindOptions) Check() error {
	if o.ID != "" {
		if err := meeting.ValidID(o.ID); err != nil {
			return fmt.Errorf("%w: %w", ErrBadID, err)
		}
	}
	if o.Pin != "" {
		return meeting.CheckPin(o.Pin)
	}
	return nil
}

// Find is the delegate's policy for choosing a host on the LAN: the named
// meeting, or the only one announced; the host announcing the fingerprint
// the delegate typed, or else the one pinned on an earlier join, even if a
// rogue laptop announcing the same meeting answers first (it is returned in
// ignored); never a host other than the one the meeting was pinned to.
func (d *Directory) Find(ctx context.Context, o FindOptions) (found Listing, ignored []Listing, err error) {
	if o.Settle <= 0 {
		o.Settle = 1500 * time.Millisecond
	}
	tctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	found, err = d.Wait(tctx, func(l Listing) bool { return o.ID == "" || l.ID == o.ID })
	if err != nil {
		return found, nil, fmt.Errorf("%w (%s)", ErrNoMeeting, o.Timeout)
	}
	if o.ID == "" {
		settle, cancelSettle := context.WithTimeout(ctx, o.Settle)
		d.Wait(settle, func(x Listing) bool { return x.ID != found.ID })
		cancelSettle()
		ids := map[string]Listing{}
		for _, x := range d.List() {
			ids[x.ID] = x
		}
		if len(ids) > 1 {
			e := &SeveralError{}
			for _, x := range ids {
				e.Listings = append(e.Listings, x)
			}
			return found, nil, e
		}
	}
	var pinned string
	if o.Pins != nil {
		pinned, _, _ = o.Pins.Pin(found.ID)
	}
	if o.Pin == "" {
		o.Pin = pinned // a host joined before is the one to trust
	}
	if o.Pin == "" {
		return found, nil, nil
	}
	if !matches(found.Fingerprint, o.Pin) {
		wctx, cancelWait := context.WithTimeout(ctx, o.Settle)
		l, err := d.Wait(wctx, func(l Listing) bool { return l.ID == found.ID && matches(l.Fingerprint, o.Pin) })
		cancelWait()
		if err != nil {
			return found, nil, &PinError{Found: found, Pin: o.Pin}
		}
		ignored, found = append(ignored, found), l
	}
	if pinned != "" && pinned != found.Fingerprint {
		return found, ignored, ErrPinnedBefore
	}
	return found, ignored, nil
}

func matches(full, typed string) bool {
	fp, err := meeting.ParseFingerprint(full)
	return err == nil && fp.Matches(typed)
}

// Agenda is what a delegate takes out of Đình: agenda.json beside the
// meeting's PDFs, for other programs and for reading without the app.
type Agenda struct {
	Host     string           `json:"host_fingerprint"`
	Version  int64            `json:"version"`
	Meeting  meeting.Meeting  `json:"meeting"`
	Document []AgendaDocument `json:"documents"`
}

// AgendaDocument is a listed document with this device's own verdict on
// its signatures beside the host's.
type AgendaDocument struct {
	meeting.Document
	HostVerdict string `json:"host_verdict,omitempty"`
	Verdict     string `json:"device_verdict"`
	Mismatch    bool   `json:"verdict_differs,omitempty"`
}

// AgendaName is the agenda's file name in the folder Export writes.
const AgendaName = "agenda.json"

// Export writes the verified PDFs of man, then agenda.json, into out. Each
// document's signatures are verified again with the device's trust folder
// plus the meeting's bundle; the documents whose verdict differs from the
// host's are returned. Every file is written whole or not at all.
func Export(out string, man *meeting.Manifest, fingerprint string, blobs *blob.Store, local *pdfsig.Trust) (differ []AgendaDocument, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("room: export: %w", err)
	}
	trust := DocumentTrust(local, man)
	a := Agenda{Host: fingerprint, Version: man.Version, Meeting: man.Meeting}
	for _, d := range man.Documents {
		if err := meeting.ValidName(d.Name); err != nil {
			return differ, err
		}
		b, err := os.ReadFile(blobs.Path(d.SHA256))
		if err != nil {
			return differ, fmt.Errorf("room: export %s: %w", d.Name, err)
		}
		if err := meeting.WriteFileAtomic(filepath.Join(out, d.Name), b); err != nil {
			return differ, err
		}
		r, err := pdfsig.Verify(b, trust)
		v := r.Verdict()
		if err != nil {
			v = pdfsig.Invalid
		}
		doc := AgendaDocument{Document: d, HostVerdict: d.Verdict, Verdict: v.Code()}
		doc.Document.Verdict = ""
		doc.Mismatch = d.Verdict != "" && d.Verdict != doc.Verdict
		if doc.Mismatch {
			differ = append(differ, doc)
		}
		a.Document = append(a.Document, doc)
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return differ, err
	}
	return differ, meeting.WriteFileAtomic(filepath.Join(out, AgendaName), append(b, '\n'))
}

// KeyStore is what Identity needs of the device's store: its own key.
type KeyStore interface {
	HostKey() (ed25519.PrivateKey, error)
}

// Identity is how this device names itself to a host: its own key's
// fingerprint, which stays across restarts, and its computer's name.
func Identity(st KeyStore) lan.Device {
	var d lan.Device
	if k, err := st.HostKey(); err == nil {
		d.ID = meeting.FingerprintOf(k.Public().(ed25519.PublicKey)).Short()
	}
	d.Name, _ = os.Hostname()
	return d
}
