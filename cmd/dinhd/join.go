package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/offline/blob"
	"dinh/sync/lan"
	"dinh/sync/room"
)

// Agenda is what join writes as agenda.json.
type Agenda struct {
	Host     string          `json:"host_fingerprint"`
	Version  int64           `json:"version"`
	Meeting  meeting.Meeting `json:"meeting"`
	Document []document      `json:"documents"`
}

// document is a listed document with this device's own verdict on its
// signatures beside the host's.
type document struct {
	meeting.Document
	HostVerdict string `json:"host_verdict,omitempty"`
	Verdict     string `json:"device_verdict"`
	Mismatch    bool   `json:"verdict_differs,omitempty"`
}

func joinCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("meeting", "", "meeting ID to join (needed when several are announced)")
	pinFlag := fs.String("pin", "", "host fingerprint to require, as shown on the room's screen")
	out := fs.String("out", "", "folder to write agenda.json and the PDFs into")
	data := fs.String("data", defaultData("delegate"), "data folder (pins and cached documents)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up when nothing is found or completed in this time")
	follow := fs.Bool("follow", false, "keep following the host and rewrite the folder on every update")
	var ifn ifaceFlag
	fs.Var(&ifn, "iface", "network interface for mDNS (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *out == "" {
		return usageError{errors.New("--out DIR is required")}
	}
	ifaces, st, blobs, err := openDevice(ifn, *data)
	local, trustErr := room.LoadLocalTrust(*data)
	if trustErr != nil {
		fmt.Fprintf(stderr, "dinhd join: trust folder: %v\n", trustErr)
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

	fmt.Fprintf(stdout, "Looking for meetings on %s…\n", names(ifaces))
	found, err := pick(ctx, dir, *id, *timeout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Found «%s» (%s) at %s, host fingerprint %s.\n", found.Title, found.ID, found.Addr, found.Short())

	if *pinFlag != "" && !fpMatches(found.Fingerprint, *pinFlag) {
		// Another host may announce the same meeting (a rogue laptop, or
		// a second copy): look a moment longer for the one with the pin.
		wctx, cancelWait := context.WithTimeout(ctx, 2*time.Second)
		if l, err := dir.Wait(wctx, func(l room.Listing) bool { return l.ID == found.ID && fpMatches(l.Fingerprint, *pinFlag) }); err == nil {
			fmt.Fprintf(stdout, "Warning: another host (%s) announces this meeting with a different key; ignored. Using %s at %s.\n", found.Short(), l.Short(), l.Addr)
			found = l
		}
		cancelWait()
	}
	if *pinFlag != "" {
		if !fpMatches(found.Fingerprint, *pinFlag) {
			return fmt.Errorf("refused: the host announces fingerprint %s, not %s — this may be an impersonation; compare with the room's screen", found.Short(), *pinFlag)
		}
		if old, ok, _ := st.Pin(found.ID); ok && old != found.Fingerprint {
			return fmt.Errorf("refused: this meeting was pinned to a different host key before")
		}
	}

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
			if *pinFlag != "" {
				if !fp.Matches(*pinFlag) {
					return false, nil
				}
				fmt.Fprintf(stdout, "Host key matches --pin %s; pinned.\n", fp.Short())
				return true, nil
			}
			fmt.Fprintf(stdout, "First join: pinned host fingerprint %s. Compare it with the room's screen; use --pin to require it.\n", fp.Short())
			return true, nil
		},
		OnProgress: func(p lan.Progress) {
			pct := 100
			if p.TotalBytes > 0 {
				pct = int(p.Bytes * 100 / p.TotalBytes)
			}
			if pct/10 != lastPct/10 || p.Docs == p.TotalDocs {
				lastPct = pct
				fmt.Fprintf(stdout, "  %3d%%  %s of %s, document %d of %d%s\n", pct, i18n.BytesIn("en", p.Bytes), i18n.BytesIn("en", p.TotalBytes),
					min(p.Docs+1, p.TotalDocs), p.TotalDocs, eta(p.Remaining))
			}
		},
		OnUpdate: func(man *meeting.Manifest, c meeting.Changes) {
			if err := export(*out, man, found.Fingerprint, blobs, local, stdout); err != nil {
				setFinal(err)
				stopFollow()
				return
			}
			fmt.Fprintf(stdout, "Saved version %d to %s (%s).\n", man.Version, *out, describe(c))
		},
		OnState: func(s lan.State, err error) {
			switch s {
			case lan.Refused:
				setFinal(refusal(err))
				stopFollow()
			case lan.Offline:
				fmt.Fprintf(stdout, "Host unreachable (%v); retrying.\n", err)
			case lan.UpToDate:
				if !*follow {
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
					if err := export(*out, man, found.Fingerprint, blobs, local, stdout); err != nil {
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
		return fmt.Errorf("refused: the host key does not match --pin %s — this may be an impersonation", *pinFlag)
	}
	select {
	case <-done:
		fmt.Fprintf(stdout, "Done: the meeting is in %s and readable offline.\n", *out)
		return nil
	default:
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	return err
}

func refusal(err error) error {
	switch {
	case errors.Is(err, meeting.ErrKeyMismatch):
		return fmt.Errorf("refused: the host's key differs from the pinned one — possible impersonation; nothing was changed (%v)", err)
	case errors.Is(err, meeting.ErrBadSignature):
		return fmt.Errorf("refused: the package's signature does not verify — possible tampering; nothing was changed (%v)", err)
	case errors.Is(err, lan.ErrCorruptDocument):
		return fmt.Errorf("refused: %v", err)
	}
	return fmt.Errorf("refused: %v", err)
}

func fpMatches(full, given string) bool {
	fp, err := meeting.ParseFingerprint(full)
	return err == nil && fp.Matches(given)
}

func pick(ctx context.Context, dir *room.Directory, id string, timeout time.Duration) (room.Listing, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if id != "" {
		l, err := dir.Wait(ctx, func(l room.Listing) bool { return l.ID == id })
		if err != nil {
			return l, fmt.Errorf("meeting %q was not found on the LAN within %s", id, timeout)
		}
		return l, nil
	}
	l, err := dir.Wait(ctx, func(room.Listing) bool { return true })
	if err != nil {
		return l, fmt.Errorf("no meeting was found on the LAN within %s", timeout)
	}
	// Give other hosts a moment to answer, then insist on a choice.
	settle, cancelSettle := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancelSettle()
	dir.Wait(settle, func(x room.Listing) bool { return x.ID != l.ID })
	ids := map[string]room.Listing{}
	for _, x := range dir.List() {
		ids[x.ID] = x
	}
	if len(ids) > 1 {
		var b strings.Builder
		for _, x := range ids {
			fmt.Fprintf(&b, "\n  %s  «%s»", x.ID, x.Title)
		}
		return l, usageError{fmt.Errorf("several meetings are announced; choose one with --meeting:%s", b.String())}
	}
	return l, nil
}

func eta(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf(", about %s left", d.Round(time.Second))
}

// export writes the agenda and the verified PDFs into out. Each document's
// signatures are verified with the device's trust folder plus the meeting's
// bundle; a verdict that differs from the host's is reported on warn.
func export(out string, man *meeting.Manifest, fp string, blobs *blob.Store, local *pdfsig.Trust, warn io.Writer) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	trust := room.DocumentTrust(local, man)
	a := Agenda{Host: fp, Version: man.Version, Meeting: man.Meeting}
	for _, d := range man.Documents {
		if err := meeting.ValidName(d.Name); err != nil {
			return err
		}
		b, err := os.ReadFile(blobs.Path(d.SHA256))
		if err != nil {
			return fmt.Errorf("document %s: %w", d.Name, err)
		}
		if err := meeting.WriteFileAtomic(filepath.Join(out, d.Name), b); err != nil {
			return err
		}
		r, err := pdfsig.Verify(b, trust)
		v := r.Verdict()
		if err != nil {
			v = pdfsig.Invalid
		}
		doc := document{Document: d, HostVerdict: d.Verdict, Verdict: v.Code()}
		doc.Document.Verdict = ""
		doc.Mismatch = d.Verdict != "" && d.Verdict != doc.Verdict
		if doc.Mismatch {
			fmt.Fprintf(warn, "Warning: %s: this device finds %q, the host recorded %q.\n", d.Name, doc.Verdict, d.Verdict)
		}
		a.Document = append(a.Document, doc)
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	return meeting.WriteFileAtomic(filepath.Join(out, "agenda.json"), append(b, '\n'))
}
