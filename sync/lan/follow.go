package lan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
)

// Cache is what a follower needs of the delegate's store.
type Cache interface {
	Pin(meetingID string) (string, bool, error)
	SetPin(meetingID, fingerprint string) error
	Package(meetingID string) ([]byte, bool, error)
	SetPending(meetingID string, raw []byte) error
	Complete(meetingID string, raw []byte) error
}

// State is where a follower stands, for the delegate's status line.
type State int

const (
	Searching   State = iota // looking for the host on the LAN
	Connecting               // talking to the host
	Downloading              // fetching documents
	UpToDate                 // holds the host's latest package
	Offline                  // host unreachable; the cached copy is readable
	Refused                  // the host failed verification; nothing was changed
)

// ErrNotConfirmed means the delegate declined the host's fingerprint.
var ErrNotConfirmed = errors.New("the delegate did not confirm the host fingerprint")

// Follower keeps a delegate's copy of one meeting current.
type Follower struct {
	MeetingID string
	Cache     Cache
	Blobs     *blob.Store
	// Locate returns the host's current address, blocking until the host
	// is found on the LAN or ctx ends.
	Locate func(ctx context.Context) (string, error)
	// Confirm asks the delegate to compare the fingerprint with the one on
	// the room's screen; it is called only before the first pin.
	Confirm func(ctx context.Context, fp meeting.Fingerprint) (bool, error)
	// Callbacks; each may be nil. They run on the follower's goroutine.
	OnState    func(State, error)
	OnProgress func(Progress)
	OnUpdate   func(man *meeting.Manifest, changes meeting.Changes)
	// Retry is the longest pause between reconnection attempts.
	Retry time.Duration
	// Who is how this device names itself to the host, which shows the
	// secretariat the version each device holds.
	Who Device
}

func (f *Follower) state(s State, err error) {
	if f.OnState != nil {
		f.OnState(s, err)
	}
}

// Run follows the host until ctx ends. It returns ErrNotConfirmed if the
// delegate declines the fingerprint, and ctx's error otherwise; failures
// along the way are reported through OnState and retried.
func (f *Follower) Run(ctx context.Context) error {
	maxWait := f.Retry
	if maxWait == 0 {
		maxWait = 10 * time.Second
	}
	wait := 200 * time.Millisecond
	for {
		f.state(Searching, nil)
		addr, err := f.Locate(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			err = f.session(ctx, addr)
			if errors.Is(err, ErrNotConfirmed) {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if isRefusal(err) {
				f.state(Refused, err)
			} else {
				f.state(Offline, err)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, maxWait)
	}
}

func isRefusal(err error) bool {
	return errors.Is(err, meeting.ErrKeyMismatch) || errors.Is(err, meeting.ErrBadSignature) ||
		errors.Is(err, meeting.ErrInvalid) || errors.Is(err, ErrNoHostKey) ||
		errors.Is(err, ErrCorruptDocument) || errors.Is(err, errWrongMeeting)
}

var errWrongMeeting = errors.New("the host serves a different meeting")

func (f *Follower) pin() (*meeting.Fingerprint, error) {
	s, ok, err := f.Cache.Pin(f.MeetingID)
	if err != nil || !ok {
		return nil, err
	}
	fp, err := meeting.ParseFingerprint(s)
	if err != nil {
		return nil, fmt.Errorf("stored pin: %w", err)
	}
	return &fp, nil
}

// session syncs once, then watches the host's event stream and syncs again
// on every new version, until the connection breaks.
func (f *Follower) session(ctx context.Context, addr string) error {
	pin, err := f.pin()
	if err != nil {
		return err
	}
	c := NewClient(addr, pin)
	c.Who = f.Who
	defer c.Close()
	f.state(Connecting, nil)
	have, err := f.syncOnce(ctx, c, pin)
	if err != nil {
		return err
	}
	c.Have(ctx, have) // for the secretariat's screen only: a failure changes nothing here
	if pin == nil {
		// The first sync pinned the key; keep this connection, whose
		// handshake was already checked against it.
		pin, _ = f.pin()
		c.pin = pin
	}
	latest := make(chan int64, 1)
	wctx, cancel := context.WithCancel(ctx)
	werr := make(chan error, 1)
	go func() {
		werr <- c.Watch(wctx, func(v int64) {
			select {
			case <-latest:
			default:
			}
			latest <- v
		})
	}()
	defer func() {
		cancel()
		<-werr
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-werr:
			werr <- err // for the deferred receive
			return err
		case v := <-latest:
			if v <= have {
				continue
			}
			f.state(Connecting, nil)
			if have, err = f.syncOnce(ctx, c, pin); err != nil {
				return err
			}
			c.Have(ctx, have)
		}
	}
}

// syncOnce fetches the host's package, verifies it, asks for confirmation
// on the first join, downloads what is missing and promotes the package.
// It returns the version now held.
func (f *Follower) syncOnce(ctx context.Context, c *Client, pin *meeting.Fingerprint) (int64, error) {
	raw, man, fp, err := c.Package(ctx)
	if err != nil {
		return 0, err
	}
	if man.Meeting.ID != f.MeetingID {
		return 0, fmt.Errorf("%w: %q", errWrongMeeting, man.Meeting.ID)
	}
	if pin == nil {
		ok, err := f.Confirm(ctx, fp)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, ErrNotConfirmed
		}
		if err := f.Cache.SetPin(f.MeetingID, fp.String()); err != nil {
			return 0, err
		}
	}
	var old *meeting.Manifest
	if oldRaw, ok, err := f.Cache.Package(f.MeetingID); err != nil {
		return 0, err
	} else if ok {
		// The cached copy was verified when stored; reopen it against
		// the same key to compare revisions.
		if o, _, err := meeting.Open(oldRaw, &fp); err == nil {
			old = o
		}
	}
	if old != nil && old.Version > man.Version {
		// An older revision than the one held: keep the newer copy.
		f.state(UpToDate, nil)
		return old.Version, nil
	}
	complete := old != nil && old.Version == man.Version
	for _, d := range man.Documents {
		complete = complete && f.Blobs.Has(d.SHA256, d.Size)
	}
	if complete {
		f.state(UpToDate, nil)
		return man.Version, nil
	}
	if err := f.Cache.SetPending(f.MeetingID, raw); err != nil {
		return 0, err
	}
	f.state(Downloading, nil)
	if err := c.Fetch(ctx, man, f.Blobs, f.OnProgress); err != nil {
		return 0, err
	}
	if err := f.Cache.Complete(f.MeetingID, raw); err != nil {
		return 0, err
	}
	if f.OnUpdate != nil {
		f.OnUpdate(man, meeting.Diff(old, man))
	}
	f.state(UpToDate, nil)
	return man.Version, nil
}
