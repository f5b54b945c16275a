package main

import (
	"context"
	"errors"
	"time"

	"dinh/internal/cli"
	"dinh/internal/words"
	"dinh/sync/discovery"
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

func (c *joinCmd) Run(ctx context.Context, e *cli.Env) error {
	find := room.FindOptions{ID: c.Meeting, Pin: c.Pin, Timeout: c.Timeout}
	err := find.Check() // before anything is opened or written
	if err == nil {
		err = c.copy(ctx, e, find)
	}
	if msg, usage := words.Join(e.Lang, err, c.Meeting, c.Pin, c.Timeout); usage {
		return cli.UsageOf(errors.New(msg))
	} else if msg != "" {
		return errors.New(msg)
	}
	if err != nil && ctx.Err() != nil {
		return errors.New(e.T("interrupted"))
	}
	return err
}

func (c *joinCmd) copy(ctx context.Context, e *cli.Env, find room.FindOptions) error {
	ifaces, err := discovery.Interfaces(c.Iface)
	if err != nil {
		return err
	}
	st, blobs, err := room.OpenData(c.Data)
	if err != nil {
		return err
	}
	defer st.Close()
	local, trustErr := room.LoadLocalTrust(c.Data)
	if trustErr != nil {
		e.Warn(e.T("join.trustFolder", trustErr))
	}
	e.Warn(e.T("join.looking", discovery.Names(ifaces)))
	err = room.Copy(ctx, room.CopyConfig{Store: st, Blobs: blobs, Ifaces: ifaces, Local: local, Out: c.Out, Follow: c.Follow, Find: find,
		CopyEvents: words.Copying(e.Lang, c.Out, e.Lines, e.Warn)})
	if err == nil {
		e.Lines(e.T("join.done", c.Out))
	}
	return err
}
