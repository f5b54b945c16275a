package outbox_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"dinh/offline/outbox"
)

// TestTrackerTellsEachChangeOnce: what the outbox held when tracking
// started is not news; each delivery, receipt, status and damaged file
// after it is told once, in order.
func TestTrackerTellsEachChangeOnce(t *testing.T) {
	f := newFixture(t)
	f.add(t, "OLD", outbox.Receipted)
	f.add(t, "NEW", outbox.Queued)
	f.add(t, "LATER", outbox.Queued)
	f.add(t, "OTHER", outbox.Delivered)
	var tr outbox.Tracker
	tr.Since(f.ob)
	steps := []struct {
		do   func() error
		want []outbox.News
	}{
		{func() error { return nil }, nil},
		{func() error { return f.ob.MarkDelivered("NEW") }, []outbox.News{{Kind: outbox.NewsDelivered, ID: "NEW"}}},
		{func() error { return f.ob.MarkReceipted("NEW", "BN-NEW", f.clock.Now()) }, []outbox.News{{Kind: outbox.NewsReceipted, ID: "NEW", Receipt: "BN-NEW"}}},
		{func() error {
			return f.ob.SetProgress("NEW", []outbox.Progress{{Status: "processing"}, {Status: "result-ready"}})
		}, []outbox.News{
			{Kind: outbox.NewsStatus, ID: "NEW", Receipt: "BN-NEW", Status: "processing"},
			{Kind: outbox.NewsStatus, ID: "NEW", Receipt: "BN-NEW", Status: "result-ready"},
		}},
		{func() error { return nil }, nil},
		// A dossier tracked as queued whose file is then damaged.
		{func() error {
			b, err := os.ReadFile(filepath.Join(f.dir, f.entry(t, "LATER").SealedPath))
			if err == nil {
				b[3] ^= 0x10
				err = os.WriteFile(filepath.Join(f.dir, f.entry(t, "LATER").SealedPath), b, 0o600)
			}
			if err == nil {
				_, err = f.ob.CheckAll()
			}
			return err
		}, []outbox.News{{Kind: outbox.NewsDamaged, ID: "LATER"}}},
		{func() error { _, err := f.ob.CheckAll(); return err }, nil},
		// Central refuses a delivered one; a fresh copy goes out for it.
		{func() error {
			return f.ob.MarkRejected("OTHER", outbox.Rejection{Reason: "not-from-device", At: f.clock.Now()})
		}, []outbox.News{{Kind: outbox.NewsRejected, ID: "OTHER", Status: "not-from-device"}}},
		{func() error {
			return f.ob.MarkRejected("OTHER", outbox.Rejection{Reason: "not-from-device", At: f.clock.Now(), Resent: true})
		}, []outbox.News{{Kind: outbox.NewsRejected, ID: "OTHER", Status: "not-from-device"}}},
		{func() error {
			return f.ob.MarkRejected("OTHER", outbox.Rejection{Reason: "not-from-device", At: f.clock.Now(), Resent: true})
		}, nil},
		// Central refuses the same copy again, later: that is news too.
		{func() error {
			return f.ob.MarkRejected("OTHER", outbox.Rejection{Reason: "not-from-device", At: f.clock.Now().Add(time.Hour), Resent: true})
		}, []outbox.News{{Kind: outbox.NewsRejected, ID: "OTHER", Status: "not-from-device"}}},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		if got := tr.Since(f.ob); !slices.Equal(got, s.want) {
			t.Errorf("step %d: got %+v, want %+v", i, got, s.want)
		}
	}
}
