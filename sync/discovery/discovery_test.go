package discovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dinh/internal/testenv"

	"go.uber.org/goleak"
)

// All mDNS in these tests is pinned to "lo" or to namespaces the test creates.

const waitLong = 30 * time.Second // generous: conditions are awaited, not timed

var instanceSeq atomic.Int64

// uniqueInstance returns an instance name no other test run on this machine uses.
func uniqueInstance(label string) string {
	return InstanceName(label, fmt.Sprintf("t%d-%d", os.Getpid(), instanceSeq.Add(1)))
}

func loopback(tb testing.TB) []net.Interface {
	tb.Helper()
	ifaces, err := Interfaces([]string{"lo"})
	if err != nil {
		tb.Fatalf("Interfaces(lo): %v", err)
	}
	return ifaces
}

// watcher records what Browse reports.
type watcher struct {
	mu      sync.Mutex
	entries []Entry
	notify  chan struct{} // signalled after each entry
	done    chan error    // Browse's result
}

func browse(ctx context.Context, ifaces []net.Interface) *watcher {
	w := &watcher{notify: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		w.done <- Browse(ctx, ifaces, func(e Entry) {
			w.mu.Lock()
			w.entries = append(w.entries, e)
			w.mu.Unlock()
			select {
			case w.notify <- struct{}{}:
			default:
			}
		})
	}()
	return w
}

// waitFor returns the first reported entry matching cond.
func (w *watcher) waitFor(t *testing.T, what string, cond func(Entry) bool) Entry {
	t.Helper()
	deadline := time.NewTimer(waitLong)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		for _, e := range w.entries {
			if cond(e) {
				w.mu.Unlock()
				return e
			}
		}
		w.mu.Unlock()
		select {
		case <-w.notify:
		case err := <-w.done:
			t.Fatalf("browse ended (%v) before %s", err, what)
		case <-deadline.C:
			t.Fatalf("got no %s within %v", what, waitLong)
		}
	}
}

func (w *watcher) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("Browse: got %v, want nil", err)
		}
	case <-time.After(waitLong):
		t.Fatalf("Browse did not return within %v of cancel", waitLong)
	}
}

func waitDone(t *testing.T, ad *Advertiser) {
	t.Helper()
	select {
	case <-ad.Done():
	case <-time.After(waitLong):
		t.Fatalf("advertiser did not stop within %v of cancel", waitLong)
	}
}

func TestLoopback(t *testing.T) {
	defer goleak.VerifyNone(t)
	lo := loopback(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	a := Announcement{
		Instance: uniqueInstance("Phòng họp số 1.2"),
		Port:     47001,
		Text: map[string]string{
			KeyID:          "hdnd-tq-2026-12",
			KeyTitle:       `Kỳ họp thứ 12 HĐND tỉnh Tuyên Quang — "chuyên đề" \ phiên bế mạc`,
			KeyFingerprint: "3f9a0c1e",
			KeyVersion:     "1",
		},
	}
	ad, err := Announce(ctx, a, lo)
	if err != nil {
		t.Fatalf("Announce: %v", err)
	}
	w := browse(ctx, lo)

	t.Run("found with port, address and Vietnamese TXT", func(t *testing.T) {
		e := w.waitFor(t, "entry "+a.Instance, func(e Entry) bool { return e.Instance == a.Instance })
		if want := netip.MustParseAddrPort("127.0.0.1:47001"); e.Addr != want {
			t.Errorf("got address %v, want %v", e.Addr, want)
		}
		if !maps.Equal(e.Text, a.Text) {
			t.Errorf("got TXT %q, want %q", e.Text, a.Text)
		}
		if e.Seen.IsZero() {
			t.Error("got zero Seen")
		}
	})

	t.Run("TXT update reported", func(t *testing.T) {
		a.Text = maps.Clone(a.Text)
		a.Text[KeyVersion] = "2"
		start := time.Now()
		if err := ad.Update(a); err != nil {
			t.Fatalf("Update: %v", err)
		}
		e := w.waitFor(t, "v=2", func(e Entry) bool { return e.Instance == a.Instance && e.Text[KeyVersion] == "2" })
		t.Logf("update reported after %v", time.Since(start).Round(time.Millisecond))
		if e.Text[KeyTitle] != a.Text[KeyTitle] {
			t.Errorf("got title %q, want %q", e.Text[KeyTitle], a.Text[KeyTitle])
		}
	})

	t.Run("two advertisers both found", func(t *testing.T) {
		b := Announcement{Instance: uniqueInstance("Phòng họp B"), Port: 47002, Text: map[string]string{KeyID: "b"}}
		ctx2, cancel2 := context.WithCancel(ctx)
		defer cancel2()
		ad2, err := Announce(ctx2, b, lo)
		if err != nil {
			t.Fatalf("Announce: %v", err)
		}
		// A fresh browser must find both; the running one must find the newcomer.
		w2 := browse(ctx2, lo)
		for _, w := range []*watcher{w, w2} {
			for _, want := range []Announcement{a, b} {
				e := w.waitFor(t, want.Instance, func(e Entry) bool { return e.Instance == want.Instance })
				if e.Addr.Port() != uint16(want.Port) {
					t.Errorf("%s: got port %d, want %d", want.Instance, e.Addr.Port(), want.Port)
				}
			}
		}
		cancel2()
		w2.wait(t)
		waitDone(t, ad2)
	})

	cancel()
	w.wait(t)
	waitDone(t, ad)
	if err := ad.Update(a); !errors.Is(err, ErrStopped) {
		t.Errorf("Update after stop: got %v, want %v", err, ErrStopped)
	}
}

// TestCancelStopsEverything cancels while zeroconf is still announcing and
// checks that no goroutine and no socket is left behind.
func TestCancelStopsEverything(t *testing.T) {
	lo := loopback(t)
	tests := []struct {
		name      string
		afterFind bool // cancel after the entry was found, or at once
	}{
		{"at once", false},
		{"after find", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			fds := openFDs(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			a := Announcement{Instance: uniqueInstance("Phòng họp C"), Port: 47003}
			advertised := make(chan error, 1)
			go func() { advertised <- Advertise(ctx, a, lo) }()
			w := browse(ctx, lo)
			if tt.afterFind {
				w.waitFor(t, a.Instance, func(e Entry) bool { return e.Instance == a.Instance })
			}
			cancel()
			w.wait(t)
			select {
			case err := <-advertised:
				if err != nil {
					t.Fatalf("Advertise: got %v, want nil", err)
				}
			case <-time.After(waitLong):
				t.Fatal("Advertise did not return after cancel")
			}
			// zeroconf closes the resolver's socket just after closing its
			// channel, in the goroutine that then ends: once every goroutine
			// has ended, every socket must be closed.
			goleak.VerifyNone(t)
			if got := openFDs(t); got > fds {
				t.Fatalf("got %d open fds, want at most %d", got, fds)
			}
		})
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		testenv.Skip(t, "cannot count file descriptors: %v", err)
	}
	return len(fds)
}

func BenchmarkDiscovery(b *testing.B) {
	lo := loopback(b)
	ctx, cancel := context.WithCancel(context.Background())
	a := Announcement{Instance: uniqueInstance("Phòng họp bench"), Port: 47010, Text: map[string]string{KeyTitle: "Kỳ họp"}}
	ad, err := Announce(ctx, a, lo)
	if err != nil {
		b.Fatalf("Announce: %v", err)
	}
	defer func() {
		cancel()
		<-ad.Done()
	}()

	var took []time.Duration
	for b.Loop() {
		bctx, bcancel := context.WithCancel(ctx)
		found := make(chan time.Duration, 1)
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			done <- Browse(bctx, lo, func(e Entry) {
				if e.Instance == a.Instance {
					select {
					case found <- time.Since(start):
					default:
					}
				}
			})
		}()
		select {
		case d := <-found:
			took = append(took, d)
		case err := <-done:
			b.Fatalf("Browse ended early: %v", err)
		case <-time.After(waitLong):
			b.Fatalf("meeting not found within %v", waitLong)
		}
		bcancel()
		<-done
	}
	slices.Sort(took)
	b.ReportMetric(ms(took[len(took)/2]), "ms/median")
	b.ReportMetric(ms(took[len(took)-1]), "ms/max")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
