package room

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/meeting/demo"
)

// TestRunFolderAndCopy: a host publishes a folder with RunFolder; a
// delegate's Copy over real mDNS on lo writes agenda.json and every PDF,
// byte for byte; with Follow, an edit of the host's folder reaches the
// delegate's folder as a new version without anyone doing anything.
func TestRunFolderAndCopy(t *testing.T) {
	ifs := loopback(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	folder := t.TempDir()
	m, err := demo.WriteFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: ifs})
	if err != nil {
		t.Fatal(err)
	}
	published := make(chan *meeting.Manifest, 4)
	hostDone := make(chan error, 1)
	go func() {
		hostDone <- h.RunFolder(ctx, folder, 50*time.Millisecond, FolderEvents{
			Published: func(_, man *meeting.Manifest) { published <- man },
		})
	}()
	first := <-published

	// A copy that stops once up to date.
	st, bl := open(t)
	out := filepath.Join(t.TempDir(), "copy")
	var found Listing
	err = Copy(ctxTimeout(t, ctx), CopyConfig{Store: st, Blobs: bl, Ifaces: ifs, Out: out,
		Find:  FindOptions{ID: m.ID, Timeout: 20 * time.Second},
		Found: func(f Listing, _ []Listing) { found = f }})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if found.Fingerprint != h.Fingerprint().String() {
		t.Errorf("found host %s, want %s", found.Short(), h.Fingerprint().Short())
	}
	var a Agenda
	b, err := os.ReadFile(filepath.Join(out, AgendaName))
	if err != nil || json.Unmarshal(b, &a) != nil || a.Version != first.Version || a.Meeting.Title != m.Title {
		t.Fatalf("agenda.json: %v, version %d, want %d", err, a.Version, first.Version)
	}
	for _, d := range first.Documents {
		got, err1 := os.ReadFile(filepath.Join(out, d.Name))
		want, err2 := os.ReadFile(filepath.Join(folder, d.Name))
		if err1 != nil || err2 != nil || string(got) != string(want) {
			t.Errorf("%s: copied bytes differ from the host's (%v, %v)", d.Name, err1, err2)
		}
	}

	// A copy that follows: the host's folder changes, the copy follows.
	saved := make(chan *meeting.Manifest, 4)
	fctx, stopFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() {
		followed <- Copy(fctx, CopyConfig{Store: st, Blobs: bl, Ifaces: ifs, Out: out, Follow: true,
			Find:  FindOptions{ID: m.ID, Timeout: 20 * time.Second},
			Saved: func(man *meeting.Manifest, _ meeting.Changes, _ []AgendaDocument) { saved <- man }})
	}()
	m.Title = "Kỳ họp thứ năm (bổ sung)"
	if err := meeting.WriteFolder(folder, m); err != nil {
		t.Fatal(err)
	}
	second := <-published
	for man := range saved {
		if man.Version == second.Version {
			break
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, AgendaName)); json.Unmarshal(b, &a) != nil || a.Meeting.Title != m.Title {
		t.Errorf("after the edit, agenda.json has %q, want %q", a.Meeting.Title, m.Title)
	}
	stopFollow()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Errorf("a followed copy stopped: got %v, want context.Canceled", err)
	}
	cancel()
	if err := <-hostDone; err != nil {
		t.Errorf("RunFolder: %v", err)
	}
}

// TestRunFolderRefusesABrokenFolder: a folder that is not a meeting is an
// error at once, before anything is announced.
func TestRunFolderRefusesABrokenFolder(t *testing.T) {
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: loopback(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.RunFolder(t.Context(), t.TempDir(), 0, FolderEvents{}); err == nil {
		t.Fatal("an empty folder: got no error, want one")
	}
}
