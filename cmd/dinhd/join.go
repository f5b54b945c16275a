package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"dinh/internal/words"
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
			if pct := p.Percent(); pct/10 != lastPct/10 || p.Docs == p.TotalDocs {
				lastPct = pct
				fmt.Fprintln(stderr, words.Progress(e.lang, p))
			}
		},
		Saved: func(man *meeting.Manifest, ch meeting.Changes, differ []room.AgendaDocument) {
			for _, d := range differ {
				fmt.Fprintln(stderr, e.T("join.verdictDiffers", d.Name, d.Verdict, d.HostVerdict))
			}
			fmt.Fprintln(stdout, e.T("join.saved", man.Version, c.Out, words.ChangesOrNone(e.lang, ch)))
		},
		Offline: func(err error) { fmt.Fprintln(stderr, e.T("join.offline", err)) },
	})
	if err == nil {
		fmt.Fprintln(stdout, e.T("join.done", c.Out))
		return nil
	}
	if msg, usage := words.Join(e.lang, err, c.Meeting, c.Pin, c.Timeout); usage {
		return usageError{errors.New(msg)}
	} else if msg != "" {
		return errors.New(msg)
	}
	if ctx.Err() != nil {
		return errors.New(e.T("interrupted"))
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
