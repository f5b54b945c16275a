package room

import (
	"context"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	"dinh/meeting"
	"dinh/sync/discovery"
)

// Listing is a meeting announced on the LAN.
type Listing struct {
	Instance    string
	ID          string
	Title       string
	Fingerprint string // full host key fingerprint as announced (unverified)
	Version     int64
	Addr        string
	Seen        time.Time
}

// Short is the announced fingerprint in its short, comparable form.
func (l Listing) Short() string {
	fp, err := meeting.ParseFingerprint(l.Fingerprint)
	if err != nil {
		return "?"
	}
	return fp.Short()
}

// Directory keeps the meetings announced on the LAN.
type Directory struct {
	ifaces []net.Interface

	mu      sync.Mutex
	entries map[string]Listing
	changed chan struct{} // closed and replaced on every change
	// OnChange, if set before Run, is called after every change.
	OnChange func()
}

// NewDirectory browses on ifaces once Run starts.
func NewDirectory(ifaces []net.Interface) *Directory {
	return &Directory{ifaces: ifaces, entries: map[string]Listing{}, changed: make(chan struct{})}
}

// Run browses until ctx ends.
func (d *Directory) Run(ctx context.Context) error {
	return discovery.Browse(ctx, d.ifaces, func(e discovery.Entry) {
		v, _ := strconv.ParseInt(e.Text[discovery.KeyVersion], 10, 64)
		l := Listing{
			Instance: e.Instance, ID: e.Text[discovery.KeyID], Title: e.Text[discovery.KeyTitle],
			Fingerprint: e.Text[discovery.KeyFingerprint], Version: v, Addr: e.Addr.String(), Seen: e.Seen,
		}
		if meeting.ValidID(l.ID) != nil {
			return // not a meeting we can follow
		}
		d.mu.Lock()
		d.entries[e.Instance] = l
		close(d.changed)
		d.changed = make(chan struct{})
		d.mu.Unlock()
		if d.OnChange != nil {
			d.OnChange()
		}
	})
}

// List returns the meetings seen recently, sorted by title.
func (d *Directory) List() []Listing {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Listing
	for k, l := range d.entries {
		if time.Since(l.Seen) > discovery.StaleAfter {
			delete(d.entries, k)
			continue
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Title != out[j].Title {
			return out[i].Title < out[j].Title
		}
		return out[i].Instance < out[j].Instance
	})
	return out
}

// Wait blocks until a listing satisfies ok or ctx ends.
func (d *Directory) Wait(ctx context.Context, ok func(Listing) bool) (Listing, error) {
	for {
		d.mu.Lock()
		ch := d.changed
		d.mu.Unlock()
		for _, l := range d.List() {
			if ok(l) {
				return l, nil
			}
		}
		select {
		case <-ctx.Done():
			return Listing{}, ctx.Err()
		case <-ch:
		case <-time.After(time.Second): // entries age out
		}
	}
}

// Pins is what Expect reads: the pinned fingerprint of a meeting.
type Pins interface {
	Pin(meetingID string) (string, bool, error)
}

// Expect returns the fingerprint a delegate expects of a meeting's host:
// the pinned one, or before the first join the one of the listing the
// delegate picked.
func Expect(p Pins, meetingID, picked string) func() string {
	return func() string {
		if pin, ok, err := p.Pin(meetingID); err == nil && ok {
			return pin
		}
		return picked
	}
}

// Locate returns a function that finds the host of meetingID, for
// lan.Follower. Once the meeting is pinned, only announcements carrying the
// pinned fingerprint are considered, so a rogue laptop announcing the same
// meeting is passed over; TLS still checks the key itself.
func (d *Directory) Locate(meetingID string, pinned func() string) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		l, err := d.Wait(ctx, func(l Listing) bool {
			if l.ID != meetingID {
				return false
			}
			pin := pinned()
			return pin == "" || pin == l.Fingerprint
		})
		return l.Addr, err
	}
}
