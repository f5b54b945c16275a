package words

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/sync/lan"
	"dinh/sync/room"
)

// Progress is a download's progress as one line: the percentage, the
// bytes, the document being fetched and, when known, the time left.
func Progress(lang string, p lan.Progress) string {
	s := cli(lang, "join.progress", p.Percent(), i18n.BytesIn(lang, p.Bytes), i18n.BytesIn(lang, p.TotalBytes),
		min(p.Docs+1, p.TotalDocs), p.TotalDocs)
	if p.Remaining > 0 {
		s += cli(lang, "join.eta", p.Remaining.Round(time.Second))
	}
	return s
}

// Join says why a delegate's device could not copy the meeting: several
// meetings and none named, another host key, no meeting in time, a
// package refused. id, pin and timeout are what the person asked for.
// usage is true when the command line must change (name a meeting).
func Join(lang string, err error, id, pin string, timeout time.Duration) (msg string, usage bool) {
	var several *room.SeveralError
	var pinErr *room.PinError
	var refused *room.RefusedError
	switch {
	case errors.Is(err, room.ErrBadID):
		return cli(lang, "join.badMeeting", id), true
	case errors.Is(err, meeting.ErrBadPin):
		return cli(lang, "join.badPin", pin), true
	case errors.As(err, &several):
		var b strings.Builder
		for _, x := range several.Listings {
			fmt.Fprintf(&b, "\n  %s  «%s»", x.ID, x.Title)
		}
		return cli(lang, "join.several") + b.String(), true
	case errors.As(err, &pinErr):
		return cli(lang, "join.pinMismatch", pinErr.Found.Short(), pin), false
	case errors.Is(err, room.ErrPinnedBefore):
		return cli(lang, "join.pinnedBefore"), false
	case errors.Is(err, room.ErrNoMeeting) && id != "":
		return cli(lang, "join.notFound", id, timeout), false
	case errors.Is(err, room.ErrNoMeeting):
		return cli(lang, "join.noneFound", timeout), false
	case errors.As(err, &refused):
		switch {
		case errors.Is(err, meeting.ErrKeyMismatch):
			return fmt.Sprintf("%s (%v)", cli(lang, "join.keyMismatch"), refused.Err), false
		case errors.Is(err, meeting.ErrBadSignature):
			return fmt.Sprintf("%s (%v)", cli(lang, "join.badSignature"), refused.Err), false
		}
		return fmt.Sprintf("%s: %v", cli(lang, "join.refused"), refused.Err), false
	case errors.Is(err, lan.ErrNotConfirmed):
		return cli(lang, "join.pinRefused", pin), false
	}
	return "", false
}

// Published says what a host has just published: the meeting, its
// version and size, what changed since before (nil for the first), the
// trust bundle it carries from trustDir, and each document whose
// signature is neither valid nor absent.
func Published(lang string, before, man *meeting.Manifest, trustDir string) []string {
	out := []string{cli(lang, "host.published", man.Meeting.Title, man.Version, len(man.Meeting.Agenda), len(man.Documents), i18n.BytesIn(lang, man.TotalSize()))}
	if before != nil {
		out = append(out, cli(lang, "host.changes", ChangesOrNone(lang, meeting.Diff(before, man))))
	}
	if len(man.Trust) > 0 {
		out = append(out, cli(lang, "host.bundle", len(man.Trust), trustDir))
	}
	for _, d := range man.Documents {
		if v, ok := pdfsig.ParseCode(d.Verdict); ok && v != pdfsig.Valid && v != pdfsig.Unsigned {
			out = append(out, cli(lang, "host.warning", d.Name, Verdict(lang, v)))
		}
	}
	return out
}

// ChangesOrNone lists what changed between two versions of a meeting,
// or says that nothing did.
func ChangesOrNone(lang string, c meeting.Changes) string {
	if w := Changes(lang, c); w != "" {
		return w
	}
	return cli(lang, "changes.none")
}

// Copying says what a delegate's copy of a meeting into the folder out
// does as it goes: results through say, news for the person through warn
// (progress every tenth of the way).
func Copying(lang, out string, say func(...string), warn func(...string)) room.CopyEvents {
	lastPct := -1
	return room.CopyEvents{
		Found: func(found room.Listing, ignored []room.Listing) {
			for _, l := range ignored {
				warn(cli(lang, "join.otherHost", l.Short(), found.Short(), found.Addr))
			}
			say(cli(lang, "join.found", found.Title, found.ID, found.Addr, found.Short()))
		},
		Pinned: func(fp meeting.Fingerprint, typed bool) {
			if typed {
				say(cli(lang, "join.pinMatches", fp.Short()))
			} else {
				say(cli(lang, "join.firstPin", fp.Short()))
			}
		},
		Progress: func(p lan.Progress) {
			if pct := p.Percent(); pct/10 != lastPct/10 || p.Docs == p.TotalDocs {
				lastPct = pct
				warn(Progress(lang, p))
			}
		},
		Saved: func(man *meeting.Manifest, ch meeting.Changes, differ []room.AgendaDocument) {
			for _, d := range differ {
				warn(cli(lang, "join.verdictDiffers", d.Name, d.Verdict, d.HostVerdict))
			}
			say(cli(lang, "join.saved", man.Version, out, ChangesOrNone(lang, ch)))
		},
		Offline: func(err error) { warn(cli(lang, "join.offline", err)) },
	}
}
