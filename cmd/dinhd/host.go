package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"dinh/internal/cli"
	"dinh/internal/words"
	"dinh/meeting"
	"dinh/sync/discovery"
	"dinh/sync/lan"
	"dinh/sync/room"
)

type hostCmd struct {
	Meeting string        `help:"${h_host_meeting}" placeholder:"DIR" xor:"source" required:""`
	Demo    bool          `help:"${h_host_demo}" xor:"source" required:""`
	Addr    string        `help:"${h_host_addr}" placeholder:"HOST:PORT"`
	Data    string        `help:"${h_data}" default:"${data_host}" placeholder:"DIR"`
	Watch   time.Duration `help:"${h_host_watch}" default:"500ms"`
	Trust   string        `help:"${h_host_trust}" placeholder:"DIR"`
	Iface   []string      `sep:"none" help:"${h_iface}" placeholder:"NAME"`
}

func (c *hostCmd) Run(ctx context.Context, e *cli.Env) error {
	ifaces, err := discovery.Interfaces(c.Iface)
	if err != nil {
		return err
	}
	st, blobs, err := room.OpenData(c.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	if c.Trust == "" {
		c.Trust = room.TrustFolder(c.Data)
	}
	if c.Demo {
		if c.Meeting, _, err = room.WriteDemo(c.Data, c.Trust); err != nil {
			return err
		}
		e.Warn(e.T("host.demo", c.Meeting))
	}
	log := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := room.NewHost(room.HostConfig{Store: st, Blobs: blobs, Ifaces: ifaces, Addr: c.Addr, Log: log, TrustDir: c.Trust})
	if err != nil {
		return err
	}
	err = h.RunFolder(ctx, c.Meeting, c.Watch, room.FolderEvents{
		Published: func(before, man *meeting.Manifest) { e.Lines(words.Published(e.Lang, before, man, c.Trust)...) },
		Serving: func() {
			fmt.Fprintln(e.Stdout, e.T("host.serving", h.Port(), discovery.ServiceType, discovery.Names(ifaces)))
			fmt.Fprintln(e.Stdout, e.T("host.fingerprint", h.Fingerprint().Short()))
			fmt.Fprintln(e.Stderr, e.T("host.stop"))
		},
		NotRepublished: func(err error) { fmt.Fprintln(e.Stderr, e.T("host.notRepublished", documentWords(e, err))) },
	})
	if err == nil {
		fmt.Fprintln(e.Stderr, e.T("host.stopped"))
	}
	return documentWords(e, err)
}

// documentWords says which document could not be published and why, in
// the run's language, before the technical cause.
func documentWords(e *cli.Env, err error) error {
	var de *lan.DocumentError
	if !errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%s (%w)", words.Error(e.Lang, err), de.Err)
}
