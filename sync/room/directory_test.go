package room

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/discovery"
)

// TestListSortsAndForgets: the delegate's list is sorted by title, then
// by instance, and a meeting not heard from lately is dropped.
func TestListSortsAndForgets(t *testing.T) {
	now := time.Now()
	d := &Directory{entries: map[string]Listing{
		"b":     {Instance: "b", Title: "Kỳ họp B", Seen: now},
		"a2":    {Instance: "a2", Title: "Kỳ họp A", Seen: now},
		"a1":    {Instance: "a1", Title: "Kỳ họp A", Seen: now},
		"stale": {Instance: "stale", Title: "Kỳ họp cũ", Seen: now.Add(-discovery.StaleAfter - time.Second)},
	}}
	var got []string
	for _, l := range d.List() {
		got = append(got, l.Instance)
	}
	if want := []string{"a1", "a2", "b"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, ok := d.entries["stale"]; ok {
		t.Error("the stale meeting is still held")
	}
}

type failingPins struct{}

func (failingPins) Pin(string) (string, bool, error) { return "PINNED", true, errors.New("disk error") }

// TestExpect: a delegate expects the pinned fingerprint once there is one,
// and otherwise, or when the pin cannot be read, the one picked.
func TestExpect(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := Expect(st, "ky-hop-5", "PICKED")(); got != "PICKED" {
		t.Errorf("before the first join: got %q, want the picked one", got)
	}
	st.SetPin("ky-hop-5", "PINNED")
	if got := Expect(st, "ky-hop-5", "PICKED")(); got != "PINNED" {
		t.Errorf("after the first join: got %q, want the pinned one", got)
	}
	if got := Expect(failingPins{}, "ky-hop-5", "PICKED")(); got != "PICKED" {
		t.Errorf("a pin that cannot be read: got %q, want the picked one", got)
	}
}

// TestListingShort: a listing's short fingerprint comes from its full one,
// and a malformed one shows as "?" rather than as garbage.
func TestListingShort(t *testing.T) {
	if got := (Listing{Fingerprint: "not a fingerprint"}).Short(); got != "?" {
		t.Errorf("malformed: got %q, want ?", got)
	}
	var fp meeting.Fingerprint
	fp[0] = 7
	if got := (Listing{Fingerprint: fp.String()}).Short(); got != fp.Short() {
		t.Errorf("got %q, want %q", got, fp.Short())
	}
}

// TestAllLoopback: the host binds to loopback only when every interface
// it announces on is a loopback one.
func TestAllLoopback(t *testing.T) {
	lo := net.Interface{Name: "lo", Flags: net.FlagUp | net.FlagLoopback}
	eth := net.Interface{Name: "eth0", Flags: net.FlagUp | net.FlagMulticast}
	tests := []struct {
		ifaces []net.Interface
		want   bool
	}{
		{nil, false},
		{[]net.Interface{lo}, true},
		{[]net.Interface{lo, eth}, false},
		{[]net.Interface{eth}, false},
	}
	for _, tt := range tests {
		if got := allLoopback(tt.ifaces); got != tt.want {
			t.Errorf("%v: got %v, want %v", tt.ifaces, got, tt.want)
		}
	}
}

// TestHostListensOnLoopbackOnly: a host announcing on loopback alone
// listens on 127.0.0.1, never on every address of the machine.
func TestHostListensOnLoopbackOnly(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bl, err := blob.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h, err := NewHost(HostConfig{Store: st, Blobs: bl, Ifaces: loopback(t)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	if ip := h.ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		t.Errorf("listening on %v, want loopback only", ip)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
