package field

import (
	"context"

	"dinh/offline/outbox"
)

// Waiting is why dossiers are still on their way when a sync session
// ends, worst first: what the volunteer must act on comes before what
// only needs time.
type Waiting int

// Reasons for waiting.
const (
	WaitingNone        Waiting = iota // every dossier has its receipt
	WaitingDamaged                    // a sealed file is damaged: it must be sealed again
	WaitingRejected                   // central refused a dossier, and a fresh copy cannot mend it
	WaitingUnreachable                // nothing answers at the hub's address
	WaitingNotLetIn                   // the hub answers but does not let this device in
	WaitingAtHub                      // delivered to the hub, waiting for central's receipt
	WaitingOther                      // still being sent
)

// Session is how a sync session ended.
type Session struct {
	Receipted int     // dossiers with their receipt, in all
	Waiting   int     // dossiers still on their way
	Damaged   int     // of them, damaged ones
	Rejected  int     // of them, refused by central where a person must act
	Why       Waiting // the worst reason they wait
}

// Follow runs the device until ctx ends, or, with untilReceipted, until
// no dossier waits for its receipt but those only a person can move on
// (damaged, or refused for a reason a fresh copy cannot mend), and tells
// news each delivery,
// receipt, office status and damaged file once, as it comes. What the
// outbox holds when Follow starts is not news. It returns how the
// session ended; an error only when the device could not run.
func (d *Device) Follow(ctx context.Context, untilReceipted bool, news func(outbox.News)) (Session, error) {
	ob := d.cfg.Outbox
	var seen outbox.Tracker
	seen.Since(ob)
	ctx, cancel := context.WithCancel(ctx)
	var runErr error
	ran := make(chan struct{})
	go func() { runErr = d.Run(ctx); close(ran) }()
	defer func() { cancel(); <-ran }()
	for {
		changed := d.Changed()
		for _, n := range seen.Since(ob) {
			news(n)
		}
		s := d.session(ob)
		// Until every dossier has its receipt, or until only a person
		// can move the rest on: waiting longer would only hide that.
		if untilReceipted && s.Waiting == s.Rejected+s.Damaged {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, nil
		case <-ran:
			return s, runErr
		case <-changed:
		}
	}
}

// session says how things stand in the outbox now.
func (d *Device) session(ob *outbox.Outbox) Session {
	c := ob.Counts()
	s := Session{Receipted: c[outbox.Receipted], Damaged: c[outbox.Damaged],
		Waiting: c[outbox.Sealed] + c[outbox.Queued] + c[outbox.Delivered] + c[outbox.Damaged]}
	entries, _ := ob.List()
	for _, e := range entries {
		if e.State.Unreceipted() && e.Rejection != nil && !e.Rejection.Resent {
			s.Rejected++
		}
	}
	link := d.Status().Link
	switch {
	case s.Waiting == 0:
		s.Why = WaitingNone
	case s.Damaged > 0:
		s.Why = WaitingDamaged
	case s.Rejected > 0:
		s.Why = WaitingRejected
	case link == LinkUnreachable:
		s.Why = WaitingUnreachable
	case link == LinkNotLetIn:
		s.Why = WaitingNotLetIn
	case c[outbox.Delivered] == s.Waiting:
		s.Why = WaitingAtHub
	default:
		s.Why = WaitingOther
	}
	return s
}
