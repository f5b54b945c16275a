package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting"
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
	fmt.Fprintln(stderr, e.T("join.looking", names(ifaces)))
	lastPct := -1
	err = room.Copy(ctx, room.CopyConfig{
		Store: st, Blobs: blobs, Ifaces: ifaces, Local: local, Out: c.Out, Follow: c.Follow,
		Find: room.FindOptions{ID: c.Meeting, Pin: c.Pin, Timeout: c.Timeout},
		Found: func(found room.Listing, ignored []room.Listing) {
			for _, l := range ignored {
				fmt.Fprintln(stderr, e.T("join.otherHost", l.Short(), found.Short(), found.Addr))
			}
			fmt.Fprintln(stdout, e.T("join.found", found.Title, found.ID, found.Addr, found.Short()))
		},
		Pinned: func(fp meeting.Fingerprint, typed bool) {
			if typed {
				fmt.Fprintln(stdout, e.T("join.pinMatches", fp.Short()))
			} else {
				fmt.Fprintln(stdout, e.T("join.firstPin", fp.Short()))
			}
		},
		Progress: func(p lan.Progress) {
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
		Saved: func(man *meeting.Manifest, ch meeting.Changes, differ []room.AgendaDocument) {
			for _, d := range differ {
				fmt.Fprintln(stderr, e.T("join.verdictDiffers", d.Name, d.Verdict, d.HostVerdict))
			}
			fmt.Fprintln(stdout, e.T("join.saved", man.Version, c.Out, e.describe(ch)))
		},
		Offline: func(err error) { fmt.Fprintln(stderr, e.T("join.offline", err)) },
	})
	var several *room.SeveralError
	var pinErr *room.PinError
	var refused *room.RefusedError
	switch {
	case err == nil:
		fmt.Fprintln(stdout, e.T("join.done", c.Out))
		return nil
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
	case errors.As(err, &refused):
		return e.refusal(refused.Err)
	case errors.Is(err, lan.ErrNotConfirmed):
		return errors.New(e.T("join.pinRefused", c.Pin))
	case ctx.Err() != nil:
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
