package outbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
)

var _ outbox.Store = (*store.Store)(nil)

const retention = 30 * 24 * time.Hour

// clock is a fake clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	ob    *outbox.Outbox
	st    *store.Store
	dir   string
	clock *clock
}

// newFixture opens a store and an outbox folder under t.TempDir().
func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := storetest.Open(t)
	f := &fixture{st: st, dir: t.TempDir(), clock: &clock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}}
	f.ob = outbox.New(st, f.dir, f.clock.Now, retention)
	return f
}

// writeSealed writes a sealed file for id and returns its name and hash.
func (f *fixture) writeSealed(t *testing.T, id string) (name, sum string) {
	t.Helper()
	name = id + ".seal"
	data := []byte("DINHSEAL1\n sealed bytes of " + id)
	if err := os.WriteFile(filepath.Join(f.dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return name, hex.EncodeToString(h[:])
}

// add brings a new dossier id to state s, one clock minute per step.
func (f *fixture) add(t *testing.T, id string, s outbox.State) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("bring %s to %s: %v", id, s, err)
		}
		f.clock.Advance(time.Minute)
	}
	must(f.ob.AddDraft(id, "1.001234", "NVA"))
	if s == outbox.Draft {
		return
	}
	name, sum := f.writeSealed(t, id)
	must(f.ob.MarkSealed(id, name, sum))
	if s == outbox.Sealed {
		return
	}
	must(f.ob.Queue(id))
	if s == outbox.Queued {
		return
	}
	must(f.ob.MarkDelivered(id))
	if s == outbox.Delivered {
		return
	}
	must(f.ob.MarkReceipted(id, "BN-"+id, f.clock.Now()))
	if s == outbox.Receipted {
		return
	}
	f.clock.Advance(retention)
	purged, err := f.ob.Purge(context.Background())
	if err != nil || !slices.Contains(purged, id) {
		t.Fatalf("purge %s: got %v, %v", id, purged, err)
	}
}

func (f *fixture) entry(t *testing.T, id string) outbox.Entry {
	t.Helper()
	e, err := f.ob.Entry(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

func states(hist []outbox.Transition) []outbox.State {
	var out []outbox.State
	for _, tr := range hist {
		out = append(out, tr.State)
	}
	return out
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	start := f.clock.Now()
	f.add(t, "D1", outbox.Purged)
	e := f.entry(t, "D1")
	if e.State != outbox.Purged {
		t.Fatalf("got state %s, want purged", e.State)
	}
	want := []outbox.State{outbox.Draft, outbox.Sealed, outbox.Queued, outbox.Delivered, outbox.Receipted, outbox.Purged}
	if got := states(e.History); !slices.Equal(got, want) {
		t.Fatalf("got history %v, want %v", got, want)
	}
	if !e.Created.Equal(start) {
		t.Errorf("got created %v, want %v", e.Created, start)
	}
	if e.DeliveredAt.IsZero() || e.ReceiptedAt.IsZero() || e.Receipt != "BN-D1" {
		t.Errorf("got delivered %v, receipted %v, receipt %q", e.DeliveredAt, e.ReceiptedAt, e.Receipt)
	}
	if e.Procedure != "1.001234" || e.Initials != "NVA" || e.SealedPath != "D1.seal" {
		t.Errorf("got procedure %q, initials %q, sealed path %q", e.Procedure, e.Initials, e.SealedPath)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "D1.seal")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sealed file after purge: got %v, want not exist", err)
	}
}

// TestTransitions tries every change from every state.
func TestTransitions(t *testing.T) {
	type op struct {
		name string
		do   func(f *fixture, t *testing.T, id string) error
	}
	var (
		seal = op{"MarkSealed", func(f *fixture, t *testing.T, id string) error {
			name, sum := f.writeSealed(t, id)
			return f.ob.MarkSealed(id, name, sum)
		}}
		queue   = op{"Queue", func(f *fixture, _ *testing.T, id string) error { return f.ob.Queue(id) }}
		deliver = op{"MarkDelivered", func(f *fixture, _ *testing.T, id string) error { return f.ob.MarkDelivered(id) }}
		receipt = op{"MarkReceipted", func(f *fixture, _ *testing.T, id string) error { return f.ob.MarkReceipted(id, "BN-"+id, time.Time{}) }}
		retyped = op{"MarkReceipted same code retyped", func(f *fixture, _ *testing.T, id string) error {
			return f.ob.MarkReceipted(id, " bn "+strings.ToLower(id), time.Time{})
		}}
		otherRcpt = op{"MarkReceipted other code", func(f *fixture, _ *testing.T, id string) error { return f.ob.MarkReceipted(id, "OTHER", time.Time{}) }}
		discard   = op{"Discard", func(f *fixture, _ *testing.T, id string) error { return f.ob.Discard(id) }}
		add       = op{"AddDraft", func(f *fixture, _ *testing.T, id string) error { return f.ob.AddDraft(id, "P", "AB") }}
	)
	const gone = outbox.State("(gone)")
	tests := []struct {
		from    outbox.State
		op      op
		wantErr error
		want    outbox.State
	}{
		{outbox.Draft, seal, nil, outbox.Sealed},
		{outbox.Draft, queue, outbox.ErrTransition, outbox.Draft},
		{outbox.Draft, deliver, outbox.ErrTransition, outbox.Draft},
		{outbox.Draft, receipt, outbox.ErrTransition, outbox.Draft},
		{outbox.Draft, discard, nil, gone},
		{outbox.Draft, add, outbox.ErrExists, outbox.Draft},

		{outbox.Sealed, seal, nil, outbox.Sealed}, // same file again: no-op
		{outbox.Sealed, queue, nil, outbox.Queued},
		{outbox.Sealed, deliver, outbox.ErrTransition, outbox.Sealed},
		{outbox.Sealed, receipt, outbox.ErrTransition, outbox.Sealed},
		{outbox.Sealed, discard, outbox.ErrTransition, outbox.Sealed},
		{outbox.Sealed, add, outbox.ErrExists, outbox.Sealed},

		{outbox.Queued, seal, outbox.ErrTransition, outbox.Queued},
		{outbox.Queued, queue, nil, outbox.Queued},
		{outbox.Queued, deliver, nil, outbox.Delivered},
		{outbox.Queued, receipt, nil, outbox.Receipted}, // the delivery ack was lost
		{outbox.Queued, discard, outbox.ErrTransition, outbox.Queued},

		{outbox.Delivered, seal, outbox.ErrTransition, outbox.Delivered},
		{outbox.Delivered, queue, outbox.ErrTransition, outbox.Delivered},
		{outbox.Delivered, deliver, nil, outbox.Delivered},
		{outbox.Delivered, receipt, nil, outbox.Receipted},
		{outbox.Delivered, discard, outbox.ErrTransition, outbox.Delivered},
		{outbox.Delivered, add, outbox.ErrExists, outbox.Delivered},

		{outbox.Receipted, seal, outbox.ErrTransition, outbox.Receipted},
		{outbox.Receipted, queue, outbox.ErrTransition, outbox.Receipted},
		{outbox.Receipted, deliver, nil, outbox.Receipted},
		{outbox.Receipted, receipt, nil, outbox.Receipted},
		{outbox.Receipted, retyped, nil, outbox.Receipted},
		{outbox.Receipted, otherRcpt, outbox.ErrReceiptConflict, outbox.Receipted},
		{outbox.Receipted, discard, outbox.ErrTransition, outbox.Receipted},

		{outbox.Purged, seal, outbox.ErrTransition, outbox.Purged},
		{outbox.Purged, queue, outbox.ErrTransition, outbox.Purged},
		{outbox.Purged, deliver, nil, outbox.Purged},
		{outbox.Purged, receipt, nil, outbox.Purged},
		{outbox.Purged, otherRcpt, outbox.ErrReceiptConflict, outbox.Purged},
		{outbox.Purged, discard, outbox.ErrTransition, outbox.Purged},
		{outbox.Purged, add, outbox.ErrExists, outbox.Purged},

		{gone, queue, outbox.ErrNotFound, gone},
		{gone, deliver, outbox.ErrNotFound, gone},
		{gone, receipt, outbox.ErrNotFound, gone},
		{gone, discard, outbox.ErrNotFound, gone},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+tt.op.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.from != gone {
				f.add(t, "D1", tt.from)
			}
			before, _ := f.ob.Entry("D1")
			err := tt.op.do(f, t, "D1")
			if !errors.Is(err, tt.wantErr) || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if errors.Is(err, outbox.ErrTransition) && !strings.Contains(err.Error(), "from "+string(tt.from)+" to ") {
				t.Errorf("got %q, want it to say from %s to", err, tt.from)
			}
			after, err := f.ob.Entry("D1")
			got := after.State
			if errors.Is(err, outbox.ErrNotFound) {
				got = gone
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got state %s, want %s", got, tt.want)
			}
			if tt.from == tt.want && len(after.History) != len(before.History) {
				t.Errorf("no-op changed the history: got %d steps, want %d", len(after.History), len(before.History))
			}
		})
	}
}

// TestNoUnreceiptedDossierIsLost is the outbox's invariant: whatever is
// called on whichever dossier, every dossier that was sealed, queued or
// delivered keeps its entry and its sealed file, unchanged.
func TestNoUnreceiptedDossierIsLost(t *testing.T) {
	methods := []struct {
		name string
		do   func(f *fixture, t *testing.T, id string) error
	}{
		{"AddDraft", func(f *fixture, _ *testing.T, id string) error { return f.ob.AddDraft(id, "P", "AB") }},
		{"MarkSealed", func(f *fixture, t *testing.T, id string) error {
			name, sum := f.writeSealed(t, "new-"+id)
			return f.ob.MarkSealed(id, name, sum)
		}},
		{"MarkSealed another dossier's file", func(f *fixture, _ *testing.T, id string) error {
			e, _ := f.ob.Entry("d-sealed")
			return f.ob.MarkSealed(id, e.SealedPath, e.SealedSHA256)
		}},
		{"MarkSealed outside the folder", func(f *fixture, _ *testing.T, id string) error {
			return f.ob.MarkSealed(id, "../"+id+".seal", strings.Repeat("0", 64))
		}},
		{"Queue", func(f *fixture, _ *testing.T, id string) error { return f.ob.Queue(id) }},
		{"MarkDelivered", func(f *fixture, _ *testing.T, id string) error { return f.ob.MarkDelivered(id) }},
		{"MarkReceipted", func(f *fixture, _ *testing.T, id string) error {
			return f.ob.MarkReceipted(id, "R-"+id, f.clock.Now())
		}},
		{"MarkReceipted conflicting", func(f *fixture, _ *testing.T, id string) error {
			return f.ob.MarkReceipted(id, "OTHER", time.Time{})
		}},
		{"Discard", func(f *fixture, _ *testing.T, id string) error { return f.ob.Discard(id) }},
		{"Purge long after", func(f *fixture, _ *testing.T, _ string) error {
			f.clock.Advance(100 * retention)
			_, err := f.ob.Purge(context.Background())
			return err
		}},
		{"Reset", func(f *fixture, _ *testing.T, _ string) error { return f.ob.Reset() }},
	}
	for _, target := range outbox.States {
		for _, m := range methods {
			t.Run(string(target)+"/"+m.name, func(t *testing.T) {
				f := newFixture(t)
				for _, s := range outbox.States {
					f.add(t, "d-"+string(s), s)
				}
				var kept []outbox.Entry
				for _, s := range outbox.States {
					if e := f.entry(t, "d-"+string(s)); e.State.Unreceipted() {
						kept = append(kept, e)
					}
				}
				_ = m.do(f, t, "d-"+string(target)) // refusals are fine; losses are not

				for _, was := range kept {
					e, err := f.ob.Entry(was.ID)
					if err != nil {
						t.Fatalf("%s was %s: got %v, want it kept", was.ID, was.State, err)
					}
					if e.State == outbox.Draft || e.State == outbox.Purged {
						t.Errorf("%s was %s: got state %s", was.ID, was.State, e.State)
					}
					if e.SealedPath != was.SealedPath || e.SealedSHA256 != was.SealedSHA256 {
						t.Errorf("%s: got sealed file %s %s, want %s %s", was.ID, e.SealedPath, e.SealedSHA256, was.SealedPath, was.SealedSHA256)
					}
					if sum, err := fileSum(filepath.Join(f.dir, was.SealedPath)); err != nil || sum != was.SealedSHA256 {
						t.Errorf("%s: got sealed file sum %s (%v), want %s", was.ID, sum, err, was.SealedSHA256)
					}
				}
			})
		}
	}
}

func TestPurgeRespectsRetention(t *testing.T) {
	tests := []struct {
		after      time.Duration
		wantPurged bool
	}{
		{0, false},
		{retention - time.Nanosecond, false},
		{retention, true},
		{retention + 24*time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			f := newFixture(t)
			f.add(t, "D1", outbox.Delivered)
			at := f.clock.Now().Add(-time.Hour) // issued by the central server an hour ago
			if err := f.ob.MarkReceipted("D1", "BN1", at); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(tt.after - time.Hour)
			purged, err := f.ob.Purge(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(purged, "D1"); got != tt.wantPurged {
				t.Fatalf("after %v: got purged %v, want %v", tt.after, got, tt.wantPurged)
			}
			e := f.entry(t, "D1")
			_, statErr := os.Stat(filepath.Join(f.dir, e.SealedPath))
			if tt.wantPurged {
				if e.State != outbox.Purged || e.Receipt != "BN1" || !errors.Is(statErr, os.ErrNotExist) {
					t.Fatalf("got state %s, receipt %q, file %v; want purged tombstone without file", e.State, e.Receipt, statErr)
				}
			} else if e.State != outbox.Receipted || statErr != nil {
				t.Fatalf("got state %s, file %v; want receipted with its file", e.State, statErr)
			}
		})
	}
}

// TestPurgeAfterCrash: the sealed file was deleted but the entry was not
// marked purged when Đình stopped. The next Purge completes it.
func TestPurgeAfterCrash(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Receipted)
	f.clock.Advance(retention)
	if err := os.Remove(filepath.Join(f.dir, f.entry(t, "D1").SealedPath)); err != nil {
		t.Fatal(err)
	}
	purged, err := f.ob.Purge(context.Background())
	if err != nil {
		t.Fatalf("got %v, want the purge to complete", err)
	}
	if !slices.Equal(purged, []string{"D1"}) {
		t.Fatalf("got purged %v, want [D1]", purged)
	}
	e := f.entry(t, "D1")
	if e.State != outbox.Purged {
		t.Fatalf("got state %s, want purged", e.State)
	}
	if note := e.History[len(e.History)-1].Note; !strings.Contains(note, "already gone") {
		t.Errorf("got note %q, want it to say the file was already gone", note)
	}
	if purged, err := f.ob.Purge(context.Background()); err != nil || len(purged) != 0 {
		t.Errorf("second purge: got %v, %v; want nothing to do", purged, err)
	}
}

func TestPurgeStopsOnCancel(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Receipted)
	f.clock.Advance(retention)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	purged, err := f.ob.Purge(ctx)
	if !errors.Is(err, context.Canceled) || len(purged) != 0 {
		t.Fatalf("got %v, %v; want nothing purged and context.Canceled", purged, err)
	}
	if e := f.entry(t, "D1"); e.State != outbox.Receipted {
		t.Fatalf("got state %s, want receipted", e.State)
	}
}

func TestReset(t *testing.T) {
	tests := []struct {
		states      []outbox.State
		wantRefused string // count in the error, or "" when Reset clears
	}{
		{nil, ""},
		{[]outbox.State{outbox.Draft, outbox.Receipted, outbox.Purged}, ""},
		{[]outbox.State{outbox.Sealed}, "1 dossiers"},
		{[]outbox.State{outbox.Draft, outbox.Queued, outbox.Receipted}, "1 dossiers"},
		{[]outbox.State{outbox.Sealed, outbox.Queued, outbox.Delivered, outbox.Receipted}, "3 dossiers"},
	}
	for _, tt := range tests {
		t.Run(joinStates(tt.states), func(t *testing.T) {
			f := newFixture(t)
			for i, s := range tt.states {
				f.add(t, "D"+string(rune('0'+i)), s)
			}
			before, err := f.ob.List()
			if err != nil {
				t.Fatal(err)
			}
			err = f.ob.Reset()
			after, _ := f.ob.List()
			if tt.wantRefused != "" {
				if !errors.Is(err, outbox.ErrUnreceipted) || !strings.Contains(err.Error(), tt.wantRefused) {
					t.Fatalf("got %v, want ErrUnreceipted with %s", err, tt.wantRefused)
				}
				if len(after) != len(before) {
					t.Fatalf("refused reset: got %d entries, want %d", len(after), len(before))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != 0 {
				t.Fatalf("got %d entries after reset, want 0", len(after))
			}
			for _, e := range before {
				if e.SealedPath == "" {
					continue
				}
				if _, err := os.Stat(filepath.Join(f.dir, e.SealedPath)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s: got sealed file %v, want it deleted", e.ID, err)
				}
			}
		})
	}
}

func joinStates(ss []outbox.State) string {
	if len(ss) == 0 {
		return "empty"
	}
	var parts []string
	for _, s := range ss {
		parts = append(parts, string(s))
	}
	return strings.Join(parts, ",")
}

// TestCorruptEntry: a damaged value is reported for its dossier, the
// others stay listed, and nothing overwrites or removes it.
func TestCorruptEntry(t *testing.T) {
	tests := []struct {
		name, value string
	}{
		{"not JSON", "\x00garbage"},
		{"empty", ""},
		{"another dossier", `{"id":"D9","state":"draft"}`},
		{"unknown state", `{"id":"BAD","state":"lost"}`},
		{"sealed file outside", `{"id":"BAD","state":"queued","sealed_path":"../x","sealed_sha256":"` + strings.Repeat("a", 64) + `"}`},
		{"malformed sum", `{"id":"BAD","state":"queued","sealed_path":"x","sealed_sha256":"xyz"}`},
		{"upper-case sum", `{"id":"BAD","state":"queued","sealed_path":"x","sealed_sha256":"` + strings.Repeat("A", 64) + `"}`},
		{"receipted without receipt", `{"id":"BAD","state":"receipted","sealed_path":"x","sealed_sha256":"` + strings.Repeat("a", 64) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.add(t, "D1", outbox.Queued)
			f.add(t, "D2", outbox.Draft)
			err := f.st.UpdateOutboxEntry("BAD", func([]byte) ([]byte, error) { return []byte(tt.value), nil })
			if err != nil {
				t.Fatal(err)
			}

			list, err := f.ob.List()
			if !errors.Is(err, outbox.ErrCorrupt) || !strings.Contains(err.Error(), `"BAD"`) {
				t.Fatalf("List: got error %v, want ErrCorrupt naming BAD", err)
			}
			var ids []string
			for _, e := range list {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, []string{"D1", "D2"}) {
				t.Fatalf("List: got %v, want [D1 D2]", ids)
			}
			if _, err := f.ob.Entry("BAD"); !errors.Is(err, outbox.ErrCorrupt) {
				t.Errorf("Entry: got %v, want ErrCorrupt", err)
			}
			if c := f.ob.Counts(); c[outbox.Queued] != 1 || c[outbox.Draft] != 1 {
				t.Errorf("Counts: got %v, want one queued and one draft", c)
			}
			if damaged, err := f.ob.CheckAll(); !errors.Is(err, outbox.ErrCorrupt) || len(damaged) != 0 {
				t.Errorf("CheckAll: got %v, %v; want ErrCorrupt reported and D1 sound", damaged, err)
			}

			for name, err := range map[string]error{
				"AddDraft":      f.ob.AddDraft("BAD", "P", "AB"),
				"Queue":         f.ob.Queue("BAD"),
				"MarkDelivered": f.ob.MarkDelivered("BAD"),
				"MarkReceipted": f.ob.MarkReceipted("BAD", "R", time.Time{}),
				"Discard":       f.ob.Discard("BAD"),
			} {
				if !errors.Is(err, outbox.ErrCorrupt) {
					t.Errorf("%s: got %v, want ErrCorrupt", name, err)
				}
			}
			if err := f.ob.Reset(); !errors.Is(err, outbox.ErrUnreceipted) {
				t.Errorf("Reset: got %v, want ErrUnreceipted", err)
			}
			f.clock.Advance(100 * retention)
			if _, err := f.ob.Purge(context.Background()); !errors.Is(err, outbox.ErrCorrupt) {
				t.Errorf("Purge: got %v, want ErrCorrupt reported", err)
			}
			raw, ok, err := f.st.OutboxEntry("BAD")
			if err != nil || !ok || string(raw) != tt.value {
				t.Fatalf("damaged value: got %q %v %v, want it untouched", raw, ok, err)
			}
		})
	}
}

func TestMarkSealedChecksTheFile(t *testing.T) {
	tests := []struct {
		name string
		path func(f *fixture, t *testing.T) (string, string)
		want string
	}{
		{"missing file", func(*fixture, *testing.T) (string, string) { return "none.seal", strings.Repeat("a", 64) }, "no such file"},
		{"wrong hash", func(f *fixture, t *testing.T) (string, string) {
			name, _ := f.writeSealed(t, "x")
			return name, strings.Repeat("a", 64)
		}, "want aaaa"},
		{"malformed hash", func(f *fixture, t *testing.T) (string, string) {
			name, sum := f.writeSealed(t, "x")
			return name, sum[:10]
		}, "malformed SHA-256"},
		{"outside the folder", func(*fixture, *testing.T) (string, string) { return "../x.seal", strings.Repeat("a", 64) }, "not inside"},
		{"absolute", func(f *fixture, t *testing.T) (string, string) {
			name, sum := f.writeSealed(t, "x")
			return filepath.Join(f.dir, name), sum
		}, "not inside"},
		{"another dossier's file", func(f *fixture, t *testing.T) (string, string) {
			e := f.entry(t, "other")
			return "./" + e.SealedPath, e.SealedSHA256
		}, "belongs to dossier other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.add(t, "other", outbox.Sealed)
			f.add(t, "D1", outbox.Draft)
			name, sum := tt.path(f, t)
			err := f.ob.MarkSealed("D1", name, sum)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if e := f.entry(t, "D1"); e.State != outbox.Draft {
				t.Fatalf("got state %s, want draft", e.State)
			}
		})
	}
}

func TestAddDraftKeepsPersonalDataOut(t *testing.T) {
	tests := []struct {
		id, procedure, initials string
		ok                      bool
	}{
		{outbox.NewID(), "1.001234.000.00.00.H12", "NVA", true},
		{"D1", "P", "Đ.T.M", true},
		{"D1", "P", "NTMKH", true},
		{"D1", "P", "Nguyễn Văn An", false},
		{"D1", "P", "NTMKHA", false},
		{"D1", "P", "", true}, // not known yet when a draft starts
		{"D1", "P", "N1", false},
		{"D1", "", "NVA", false},
		{"", "P", "NVA", false},
		{"../D1", "P", "NVA", false},
		{strings.Repeat("D", 65), "P", "NVA", false},
	}
	for _, tt := range tests {
		f := newFixture(t)
		err := f.ob.AddDraft(tt.id, tt.procedure, tt.initials)
		if (err == nil) != tt.ok {
			t.Errorf("AddDraft(%q, %q, %q): got %v, want ok %v", tt.id, tt.procedure, tt.initials, err, tt.ok)
		}
		if err != nil && tt.initials != "" && strings.Contains(err.Error(), tt.initials) {
			t.Errorf("error repeats the initials field: %v", err)
		}
	}
}

func TestNewID(t *testing.T) {
	a, b := outbox.NewID(), outbox.NewID()
	if len(a) != 26 || a == b {
		t.Fatalf("got %q and %q, want two different 26-character IDs", a, b)
	}
}

func TestReceiptBeforeDelivery(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Queued)
	if err := f.ob.MarkReceipted("D1", "BN1", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := f.ob.MarkDelivered("D1"); err != nil {
		t.Fatalf("late delivery ack: got %v, want no-op", err)
	}
	e := f.entry(t, "D1")
	if e.State != outbox.Receipted || !e.DeliveredAt.IsZero() || !e.ReceiptedAt.Equal(f.clock.Now()) {
		t.Fatalf("got state %s, delivered %v, receipted %v", e.State, e.DeliveredAt, e.ReceiptedAt)
	}
}

func TestListAndCounts(t *testing.T) {
	f := newFixture(t)
	ids := []string{"Z", "A", "M", "B"}
	for i, id := range ids {
		f.add(t, id, outbox.States[i])
	}
	list, err := f.ob.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("got order %v, want by creation %v", got, ids)
	}
	want := map[outbox.State]int{outbox.Draft: 1, outbox.Sealed: 1, outbox.Queued: 1, outbox.Delivered: 1, outbox.Receipted: 0, outbox.Purged: 0, outbox.Damaged: 0}
	if c := f.ob.Counts(); !maps.Equal(c, want) {
		t.Fatalf("got counts %v, want %v", c, want)
	}
}

// TestSetInitials corrects a draft's initials and refuses once sealed.
func TestSetInitials(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Draft)
	f.add(t, "D2", outbox.Sealed)
	tests := []struct {
		id, initials string
		err          error
		want         string
	}{
		{"D1", "TTB", nil, "TTB"},
		{"D1", "Trần Thị Bình", nil, "TTB"}, // refused: a name, not initials
		{"D2", "TTB", outbox.ErrTransition, "NVA"},
		{"D9", "TTB", outbox.ErrNotFound, ""},
	}
	for _, tt := range tests {
		err := f.ob.SetInitials(tt.id, tt.initials)
		switch {
		case tt.err != nil && !errors.Is(err, tt.err):
			t.Errorf("SetInitials(%s, %q): got %v, want %v", tt.id, tt.initials, err, tt.err)
		case tt.err == nil && tt.initials != tt.want && err == nil:
			t.Errorf("SetInitials(%s, %q) accepted a full name", tt.id, tt.initials)
		case tt.err == nil && tt.initials == tt.want && err != nil:
			t.Errorf("SetInitials(%s, %q): %v", tt.id, tt.initials, err)
		}
		if tt.want != "" {
			if got := f.entry(t, tt.id).Initials; got != tt.want {
				t.Errorf("after SetInitials(%s, %q): initials %q, want %q", tt.id, tt.initials, got, tt.want)
			}
		}
	}
}

// TestCheckSealedMarksADamagedFile: a sealed or queued dossier whose file
// no longer has the hash recorded at sealing (a flipped byte), or whose
// file is gone, becomes damaged, saying why; it can be sealed again.
func TestCheckSealedMarksADamagedFile(t *testing.T) {
	f := newFixture(t)
	f.add(t, "GOOD", outbox.Queued)
	f.add(t, "FLIPPED", outbox.Sealed)
	f.add(t, "GONE", outbox.Queued)
	f.add(t, "SENT", outbox.Delivered)
	flip := func(id string) {
		p := filepath.Join(f.dir, f.entry(t, id).SealedPath)
		b, _ := os.ReadFile(p)
		b[3] ^= 0x10
		os.WriteFile(p, b, 0o600)
	}
	flip("FLIPPED")
	os.Remove(filepath.Join(f.dir, f.entry(t, "GONE").SealedPath))
	flip("SENT") // the hub has its copy: not checked
	damaged, err := f.ob.CheckAll()
	if err != nil || !slices.Equal(damaged, []string{"FLIPPED", "GONE"}) {
		t.Fatalf("got %v, %v; want FLIPPED and GONE", damaged, err)
	}
	for id, why := range map[string]string{"FLIPPED": "changed on the disk", "GONE": "is gone"} {
		e := f.entry(t, id)
		if last := e.History[len(e.History)-1]; e.State != outbox.Damaged || !strings.Contains(last.Note, why) {
			t.Errorf("%s: %s, %q", id, e.State, last.Note)
		}
		if !e.State.Unreceipted() {
			t.Errorf("%s: a damaged dossier counts as receipted", id)
		}
	}
	if e := f.entry(t, "GOOD"); e.State != outbox.Queued {
		t.Errorf("GOOD became %s", e.State)
	}
	// Sealed again, a damaged dossier is sealed once more.
	name, sum := f.writeSealed(t, "FLIPPED")
	if err := f.ob.MarkSealed("FLIPPED", name, sum); err != nil {
		t.Fatal(err)
	}
	if e := f.entry(t, "FLIPPED"); e.State != outbox.Sealed || e.SealedSHA256 != sum {
		t.Errorf("resealed: %+v", e)
	}
}

// TestMarkRejected: central's refusal of a delivered dossier queues it
// again, since central does not have it; the same refusal twice is one;
// the receipt clears it; a dossier with its receipt or not yet sent
// cannot be refused.
func TestMarkRejected(t *testing.T) {
	f := newFixture(t)
	f.add(t, "SENT", outbox.Delivered)
	f.add(t, "DONE", outbox.Receipted)
	f.add(t, "NEW", outbox.Sealed)
	r := outbox.Rejection{Reason: "damaged", SHA256: strings.Repeat("ab", 32), At: f.clock.Now()}
	for range 2 {
		if err := f.ob.MarkRejected("SENT", r); err != nil {
			t.Fatal(err)
		}
	}
	e := f.entry(t, "SENT")
	last := e.History[len(e.History)-1]
	if e.State != outbox.Queued || e.Rejection == nil || e.Rejection.Reason != "damaged" || !strings.Contains(last.Note, "rejected by central: damaged") {
		t.Fatalf("refused: %+v", e)
	}
	if n := len(e.History); e.History[n-2].State != outbox.Delivered {
		t.Errorf("the same refusal twice left history %+v", e.History)
	}
	if err := f.ob.MarkReceipted("SENT", "DH-2222-2222", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if e := f.entry(t, "SENT"); e.Rejection != nil {
		t.Errorf("the receipt kept the refusal: %+v", e.Rejection)
	}
	for _, id := range []string{"DONE", "NEW"} {
		if err := f.ob.MarkRejected(id, r); !errors.Is(err, outbox.ErrTransition) {
			t.Errorf("%s: got %v, want ErrTransition", id, err)
		}
	}
	f.add(t, "MORE", outbox.Delivered)
	for _, bad := range []outbox.Rejection{
		{At: f.clock.Now()},
		{Reason: strings.Repeat("x", 65), At: f.clock.Now()},
		{Reason: "damaged\n", At: f.clock.Now()},
		{Reason: "damaged"},
	} {
		if err := f.ob.MarkRejected("MORE", bad); err == nil {
			t.Errorf("a refusal %+v was kept", bad)
		}
	}
	if err := f.ob.MarkRejected("MORE", outbox.Rejection{Reason: strings.Repeat("x", 64), At: f.clock.Now()}); err != nil {
		t.Errorf("a reason of 64 characters: %v", err)
	}
	// Another refusal at the same time, of other bytes, is a new one.
	notes := func() int {
		n := 0
		for _, h := range f.entry(t, "MORE").History {
			if strings.HasPrefix(h.Note, "rejected by central") {
				n++
			}
		}
		return n
	}
	before := notes()
	if err := f.ob.MarkRejected("MORE", outbox.Rejection{Reason: strings.Repeat("x", 64), SHA256: strings.Repeat("cd", 32), At: f.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if e := f.entry(t, "MORE"); notes() != before+1 || e.Rejection.SHA256 != strings.Repeat("cd", 32) {
		t.Errorf("a refusal of other bytes at the same time: %d notes after %d, %+v", notes(), before, e.Rejection)
	}
}
