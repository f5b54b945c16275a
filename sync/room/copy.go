package room

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/lan"
)

// CopyConfig is a delegate's copy of a meeting into a folder: which host
// to trust (Find), where to write (Out), and what to tell the person as
// it goes. Every callback is optional and may be called from the copy's
// goroutines.
type CopyConfig struct {
	Store  *store.Store
	Blobs  *blob.Store
	Ifaces []net.Interface
	Local  *pdfsig.Trust // this device's own trusted roots, or nil
	Find   FindOptions   // Pins is the Store
	Out    string        // the folder Export writes
	Follow bool          // keep following after the copy is up to date
	CopyEvents
}

// CopyEvents are what a copy tells as it goes.
type CopyEvents struct {
	Found    func(found Listing, ignored []Listing)
	Pinned   func(fp meeting.Fingerprint, typed bool) // typed: it matched Find.Pin
	Progress func(lan.Progress)
	Saved    func(man *meeting.Manifest, ch meeting.Changes, differ []AgendaDocument)
	Offline  func(err error)
}

// RefusedError is a host whose package was refused: another key than the
// one pinned (meeting.ErrKeyMismatch), a bad signature
// (meeting.ErrBadSignature), or a package that does not open.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return "room: package refused: " + e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Copy finds the meeting, follows its host and exports every version it
// receives into Out: the agenda.json and the documents. Without Follow it
// returns nil once the copy is up to date; with Follow it goes on until
// ctx ends, and returns ctx's error. Errors: those of Find, a
// *RefusedError, lan.ErrNotConfirmed when the host's fingerprint is not
// the typed pin, and an error of Export.
func Copy(ctx context.Context, cfg CopyConfig) error {
	if err := cfg.Find.Check(); err != nil {
		return err
	}
	bctx, stopBrowse := context.WithCancel(ctx)
	dir := NewDirectory(cfg.Ifaces)
	browsed := make(chan error, 1)
	go func() { browsed <- dir.Run(bctx) }()
	defer func() { stopBrowse(); <-browsed }()

	cfg.Find.Pins = cfg.Store
	found, ignored, err := dir.Find(ctx, cfg.Find)
	if err != nil {
		return err
	}
	if cfg.Found != nil {
		cfg.Found(found, ignored)
	}

	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	var (
		finalMu sync.Mutex
		final   error
	)
	fail := func(err error) {
		finalMu.Lock()
		if final == nil {
			final = err
		}
		finalMu.Unlock()
		stopFollow()
	}
	export := func(man *meeting.Manifest, ch meeting.Changes) {
		differ, err := Export(cfg.Out, man, found.Fingerprint, cfg.Blobs, cfg.Local)
		if err != nil {
			fail(err)
			return
		}
		if cfg.Saved != nil {
			cfg.Saved(man, ch, differ)
		}
	}
	upToDate := make(chan struct{})
	var once sync.Once
	f := &lan.Follower{
		MeetingID: found.ID, Cache: cfg.Store, Blobs: cfg.Blobs, Who: Identity(cfg.Store),
		Locate: dir.Locate(found.ID, Expect(cfg.Store, found.ID, found.Fingerprint)),
		Confirm: func(_ context.Context, fp meeting.Fingerprint) (bool, error) {
			typed := cfg.Find.Pin != ""
			if typed && !fp.Matches(cfg.Find.Pin) {
				return false, nil
			}
			if cfg.Pinned != nil {
				cfg.Pinned(fp, typed)
			}
			return true, nil
		},
		OnProgress: cfg.Progress,
		OnUpdate:   export,
		OnState: func(s lan.State, err error) {
			switch s {
			case lan.Refused:
				fail(&RefusedError{err})
			case lan.Offline:
				if cfg.Offline != nil {
					cfg.Offline(err)
				}
			case lan.UpToDate:
				if !cfg.Follow {
					once.Do(func() { close(upToDate) })
				}
			}
		},
	}
	exported := make(chan struct{})
	go func() {
		defer close(exported)
		select {
		case <-upToDate:
			// The cached copy is exported when it was already up to date,
			// and no update came.
			if raw, ok, _ := cfg.Store.Package(found.ID); ok {
				if man, _, err := meeting.Open(raw, nil); err == nil {
					if _, err := Export(cfg.Out, man, found.Fingerprint, cfg.Blobs, cfg.Local); err != nil {
						fail(err)
					}
				}
			}
			stopFollow()
		case <-fctx.Done():
		}
	}()
	err = f.Run(fctx)
	<-exported
	finalMu.Lock()
	defer finalMu.Unlock()
	switch {
	case final != nil:
		return final
	case errors.Is(err, lan.ErrNotConfirmed):
		return err
	}
	select {
	case <-upToDate:
		return nil
	default:
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		err = fmt.Errorf("room: the copy stopped before it was up to date")
	}
	return err
}
