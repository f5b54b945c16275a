package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/discovery"
	"dinh/sync/lan"
	"dinh/sync/room"
)

type joinCmd struct {
	Meeting string        `help:"${h_join_meeting}" placeholder:"ID"`
	Pin     string        `help:"${h_join_pin}" placeholder:"FINGERPRINT"`
	Out     string        `help:"${h_join_out}" placeholder:"DIR" required:""`
	Data    string        `help:"${h_data}" default:"${data_delegate}" placeholder:"DIR"`
	Timeout time.Duration `help:"${h_join_timeout}" default:"30s"`
	Follow  bool          `help:"${h_join_follow}"`
	Iface   []string      `sep:"none" help:"${h_iface}" placeholder:"NAME"`
}

func (c *joinCmd) Run(ctx context.Context, e *env) error {
	stdout, stderr := e.stdout, e.stderr
	if c.Meeting != "" {
		if err := meeting.ValidID(c.Meeting); err != nil {
			return usageError{fmt.Errorf("--meeting: %w", err)}
		}
	}
	if c.Pin != "" {
		if err := meeting.CheckPin(c.Pin); err != nil {
			return usageError{fmt.Errorf("--pin %w", err)}
		}
	}
	ifaces, st, blobs, err := openDevice(c.Iface, c.Data)
	local, trustErr := room.LoadLocalTrust(c.Data)
	if trustErr != nil {
		fmt.Fprintln(stderr, e.T("join.trustFolder", trustErr))
	}
	if err != nil {
		return err
	}
	defer st.Close()

	bctx, stopBrowse := context.WithCancel(ctx)
	dir := room.NewDirectory(ifaces)
	browsed := make(chan error, 1)
	go func() { browsed <- dir.Run(bctx) }()
	defer func() { stopBrowse(); <-browsed }()

	fmt.Fprintln(stderr, e.T("join.looking", names(ifaces)))
	found, ignored, err := dir.Find(ctx, room.FindOptions{ID: c.Meeting, Pin: c.Pin, Pins: st, Timeout: c.Timeout})
	var several *room.SeveralError
	var pinErr *room.PinError
	switch {
	case errors.As(err, &several):
		var b strings.Builder
		for _, x := range several.Listings {
			fmt.Fprintf(&b, "\n  %s  «%s»", x.ID, x.Title)
		}
		return usageError{errors.New(e.T("join.several") + b.String())}
	case errors.As(err, &pinErr):
		return errors.New(e.T("join.pinMismatch", pinErr.Found.Short(), c.Pin))
	case errors.Is(err, room.ErrPinnedBefore):
		return errors.New(e.T("join.pinnedBefore"))
	case errors.Is(err, room.ErrNoMeeting) && c.Meeting != "":
		return errors.New(e.T("join.notFound", c.Meeting, c.Timeout))
	case errors.Is(err, room.ErrNoMeeting):
		return errors.New(e.T("join.noneFound", c.Timeout))
	case err != nil:
		return err
	}
	for _, l := range ignored {
		fmt.Fprintln(stderr, e.T("join.otherHost", l.Short(), found.Short(), found.Addr))
	}
	fmt.Fprintln(stdout, e.T("join.found", found.Title, found.ID, found.Addr, found.Short()))

	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	var (
		finalMu sync.Mutex
		final   error
	)
	setFinal := func(err error) {
		finalMu.Lock()
		if final == nil {
			final = err
		}
		finalMu.Unlock()
	}
	done := make(chan struct{})
	var lastPct int = -1
	f := &lan.Follower{
		MeetingID: found.ID, Cache: st, Blobs: blobs,
		Locate: dir.Locate(found.ID, room.Expect(st, found.ID, found.Fingerprint)),
		Confirm: func(_ context.Context, fp meeting.Fingerprint) (bool, error) {
			if c.Pin != "" {
				if !fp.Matches(c.Pin) {
					return false, nil
				}
				fmt.Fprintln(stdout, e.T("join.pinMatches", fp.Short()))
				return true, nil
			}
			fmt.Fprintln(stdout, e.T("join.firstPin", fp.Short()))
			return true, nil
		},
		OnProgress: func(p lan.Progress) {
			pct := 100
			if p.TotalBytes > 0 {
				pct = int(p.Bytes * 100 / p.TotalBytes)
			}
			if pct/10 != lastPct/10 || p.Docs == p.TotalDocs {
				lastPct = pct
				fmt.Fprintln(stderr, e.T("join.progress", pct, i18n.BytesIn(e.lang, p.Bytes), i18n.BytesIn(e.lang, p.TotalBytes),
					min(p.Docs+1, p.TotalDocs), p.TotalDocs)+e.eta(p.Remaining))
			}
		},
		OnUpdate: func(man *meeting.Manifest, ch meeting.Changes) {
			if err := e.export(c.Out, man, found.Fingerprint, blobs, local); err != nil {
				setFinal(err)
				stopFollow()
				return
			}
			fmt.Fprintln(stdout, e.T("join.saved", man.Version, c.Out, e.describe(ch)))
		},
		OnState: func(s lan.State, err error) {
			switch s {
			case lan.Refused:
				setFinal(e.refusal(err))
				stopFollow()
			case lan.Offline:
				fmt.Fprintln(stderr, e.T("join.offline", err))
			case lan.UpToDate:
				if !c.Follow {
					select {
					case <-done:
					default:
						close(done)
					}
				}
			}
		},
	}
	exported := make(chan struct{})
	go func() {
		defer close(exported)
		select {
		case <-done:
			// Export the cached copy when it was already up to date.
			if raw, ok, _ := st.Package(found.ID); ok {
				if man, _, err := meeting.Open(raw, nil); err == nil {
					if err := e.export(c.Out, man, found.Fingerprint, blobs, local); err != nil {
						setFinal(err)
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
	if final != nil {
		return final
	}
	if errors.Is(err, lan.ErrNotConfirmed) {
		return errors.New(e.T("join.pinRefused", c.Pin))
	}
	select {
	case <-done:
		fmt.Fprintln(stdout, e.T("join.done", c.Out))
		return nil
	default:
	}
	if ctx.Err() != nil {
		return errors.New(e.T("interrupted"))
	}
	return err
}

func (e *env) refusal(err error) error {
	switch {
	case errors.Is(err, meeting.ErrKeyMismatch):
		return fmt.Errorf("%s (%w)", e.T("join.keyMismatch"), err)
	case errors.Is(err, meeting.ErrBadSignature):
		return fmt.Errorf("%s (%w)", e.T("join.badSignature"), err)
	}
	return fmt.Errorf("%s: %w", e.T("join.refused"), err)
}

func (e *env) eta(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return e.T("join.eta", d.Round(time.Second))
}

// export writes the meeting into out and warns of every document whose
// verdict on this device differs from the host's.
func (e *env) export(out string, man *meeting.Manifest, fp string, blobs *blob.Store, local *pdfsig.Trust) error {
	differ, err := room.Export(out, man, fp, blobs, local)
	for _, d := range differ {
		fmt.Fprintln(e.stderr, e.T("join.verdictDiffers", d.Name, d.Verdict, d.HostVerdict))
	}
	return err
}

// openDevice resolves the mDNS interfaces and opens the data folder.
func openDevice(ifn []string, data string) ([]net.Interface, *store.Store, *blob.Store, error) {
	ifaces, err := discovery.Interfaces(ifn)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := store.Open(data)
	if err != nil {
		return nil, nil, nil, err
	}
	blobs, err := blob.Open(filepath.Join(data, "blobs"))
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return ifaces, st, blobs, nil
}
