package room

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"dinh/internal/testenv"
	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/sync/discovery"
	"dinh/sync/lan"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func loopback(t testing.TB) []net.Interface {
	t.Helper()
	ifs, err := discovery.Interfaces([]string{"lo"})
	if err != nil {
		testenv.Skip(t, "no loopback interface: %v", err)
	}
	return ifs
}

func open(t testing.TB) (*store.Store, *blob.Store) {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenDir(t, dir)
	bl, err := blob.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return st, bl
}

// TestEndToEnd runs a host and three delegates over real mDNS on lo and
// real TLS: each delegate finds the meeting, pins the host, downloads and
// verifies every document, then receives a republished agenda by itself.
func TestEndToEnd(t *testing.T) {
	ifs := loopback(t)
	ctx, cancel := context.WithCancel(context.Background())
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
	hostDone := make(chan error, 1)
	go func() { hostDone <- h.Run(ctx) }()
	if _, err := h.PublishFolder(m, folder); err != nil {
		t.Fatal(err)
	}

	type delegate struct {
		st      *store.Store
		bl      *blob.Store
		updates chan meeting.Changes
		done    chan error
	}
	var ds []*delegate
	for i := 0; i < 3; i++ {
		st, bl := open(t)
		d := &delegate{st: st, bl: bl, updates: make(chan meeting.Changes, 4), done: make(chan error, 2)}
		dir := NewDirectory(ifs)
		go func() { d.done <- dir.Run(ctx) }()
		listing, err := dir.Wait(ctxTimeout(t, ctx), func(l Listing) bool {
			return l.ID == demo.ID && l.Fingerprint == h.Fingerprint().String()
		})
		if err != nil {
			t.Fatalf("delegate %d did not find the meeting: %v", i, err)
		}
		if listing.Title != m.Title || listing.Fingerprint != h.Fingerprint().String() {
			t.Fatalf("listing %+v does not match the host", listing)
		}
		f := &lan.Follower{
			MeetingID: demo.ID, Cache: st, Blobs: bl,
			Locate: dir.Locate(demo.ID, Expect(st, demo.ID, listing.Fingerprint)),
			Confirm: func(_ context.Context, fp meeting.Fingerprint) (bool, error) {
				return fp.Short() == h.Fingerprint().Short(), nil
			},
			OnUpdate: func(_ *meeting.Manifest, c meeting.Changes) { d.updates <- c },
		}
		go func() { d.done <- f.Run(ctx) }()
		ds = append(ds, d)
	}
	wait := func(d *delegate) meeting.Changes {
		select {
		case c := <-d.updates:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("no update arrived")
		}
		return meeting.Changes{}
	}
	for _, d := range ds {
		if c := wait(d); len(c.Added) != len(m.DocumentNames()) {
			t.Fatalf("got %+v, want every document added", c)
		}
		for _, name := range m.DocumentNames() {
			want, _ := os.ReadFile(filepath.Join(folder, name))
			sum, _, _ := meeting.HashFile(filepath.Join(folder, name))
			got, err := os.ReadFile(d.bl.Path(sum))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s: delegate copy differs: %v", name, err)
			}
		}
		if pin, _, _ := d.st.Pin(demo.ID); pin != h.Fingerprint().String() {
			t.Fatalf("pinned %q, want the host's key", pin)
		}
	}

	// The secretariat adds a late document and republishes.
	late, _ := os.ReadFile(filepath.Join(folder, m.DocumentNames()[0]))
	os.WriteFile(filepath.Join(folder, "bo-sung.pdf"), late, 0o644)
	m.Agenda = append(m.Agenda, meeting.Item{Title: "Nội dung bổ sung", Documents: []string{"bo-sung.pdf"}})
	if _, err := h.PublishFolder(m, folder); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if c := wait(d); len(c.Added) != 1 || c.Added[0] != "bo-sung.pdf" || len(c.ItemsAdded) != 1 {
			t.Fatalf("update: got %+v", c)
		}
	}
	cancel()
	for _, d := range ds {
		<-d.done
		<-d.done
	}
	if err := <-hostDone; err != nil {
		t.Fatal(err)
	}
}

func ctxTimeout(t testing.TB, parent context.Context) context.Context {
	ctx, cancel := context.WithTimeout(parent, 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
