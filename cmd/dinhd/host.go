package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"dinh/internal/words"
	"dinh/meeting"
	"dinh/meeting/demo"
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

func (c *hostCmd) Run(ctx context.Context, e *env) error {
	ifaces, st, blobs, err := openDevice(c.Iface, c.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	if c.Trust == "" {
		c.Trust = room.TrustFolder(c.Data)
	}
	if c.Demo {
		c.Meeting = filepath.Join(c.Data, "demo-meeting")
		fmt.Fprintln(e.stderr, e.T("host.demo", c.Meeting))
		if _, err := demo.WriteSignedFolder(c.Meeting, filepath.Join(c.Data, "demo-ca"), c.Trust); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := room.NewHost(room.HostConfig{Store: st, Blobs: blobs, Ifaces: ifaces, Addr: c.Addr, Log: log, TrustDir: c.Trust})
	if err != nil {
		return err
	}
	err = h.RunFolder(ctx, c.Meeting, c.Watch, room.FolderEvents{
		Published: func(before, man *meeting.Manifest) { e.lines(words.Published(e.lang, before, man, c.Trust)) },
		Serving: func() {
			fmt.Fprintln(e.stdout, e.T("host.serving", h.Port(), discovery.ServiceType, names(ifaces)))
			fmt.Fprintln(e.stdout, e.T("host.fingerprint", h.Fingerprint().Short()))
			fmt.Fprintln(e.stderr, e.T("host.stop"))
		},
		NotRepublished: func(err error) { fmt.Fprintln(e.stderr, e.T("host.notRepublished", e.documentWords(err))) },
	})
	if err == nil {
		fmt.Fprintln(e.stderr, e.T("host.stopped"))
	}
	return e.documentWords(err)
}

// documentWords says which document could not be published and why, in
// the run's language, before the technical cause.
func (e *env) documentWords(err error) error {
	var de *lan.DocumentError
	if !errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%s (%w)", words.Error(e.lang, err), de.Err)
}

func names(ifaces []net.Interface) string {
	var out []string
	for _, i := range ifaces {
		out = append(out, i.Name)
	}
	return strings.Join(out, ", ")
}
