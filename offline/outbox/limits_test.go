package outbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dinh/offline/outbox"
)

// TestFieldLimits pins each field's limits at their edges: what a device
// accepts is what central and the forms expect, no more and no less.
func TestFieldLimits(t *testing.T) {
	tests := []struct {
		name string
		do   func(t *testing.T, f *fixture) error
		ok   bool
	}{
		{"ID of 64", func(t *testing.T, f *fixture) error { return f.ob.AddDraft(strings.Repeat("D", 64), "P", "") }, true},
		{"ID of 65", func(t *testing.T, f *fixture) error { return f.ob.AddDraft(strings.Repeat("D", 65), "P", "") }, false},
		{"ID edges of each range", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("azAZ09-_", "P", "") }, true},
		{"ID with `", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a`", "P", "") }, false},
		{"ID with {", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a{", "P", "") }, false},
		{"ID with @", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a@", "P", "") }, false},
		{"ID with [", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a[", "P", "") }, false},
		{"ID with /", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a/", "P", "") }, false},
		{"ID with :", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a:", "P", "") }, false},
		{"ID with a dot", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("a.b", "P", "") }, false},
		{"procedure of 64", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", strings.Repeat("p", 64), "") }, true},
		{"procedure of 65", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", strings.Repeat("p", 65), "") }, false},
		{"procedure with a tab", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", "1.00\t1", "") }, false},
		{"procedure not UTF-8", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", "1.00\xff", "") }, false},
		{"five initials", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", "P", "ĐTMKH") }, true},
		{"six initials", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", "P", "ĐTMKHA") }, false},
		{"initials only dots", func(t *testing.T, f *fixture) error { return f.ob.AddDraft("D1", "P", "..") }, false},
		{"receipt of 64", func(t *testing.T, f *fixture) error { return receiptOf(t, f, strings.Repeat("R", 64)) }, true},
		{"receipt of 65", func(t *testing.T, f *fixture) error { return receiptOf(t, f, strings.Repeat("R", 65)) }, false},
		{"empty receipt", func(t *testing.T, f *fixture) error { return receiptOf(t, f, "") }, false},
		{"receipt with a newline", func(t *testing.T, f *fixture) error { return receiptOf(t, f, "DH\n1") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(t, newFixture(t)); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// receiptOf brings a delivered dossier and records receipt r.
func receiptOf(t *testing.T, f *fixture, r string) error {
	f.add(t, "D1", outbox.Delivered)
	return f.ob.MarkReceipted("D1", r, time.Time{})
}

// TestReceiptsCompareAsPeopleRead: a receipt written again with other
// case, spaces or dashes is the same receipt, not a conflict.
func TestReceiptsCompareAsPeopleRead(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Delivered)
	if err := f.ob.MarkReceipted("D1", "DH-1234-5678", time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, same := range []string{"dh 1234 5678", "DH12345678", "dh-1234-5678"} {
		if err := f.ob.MarkReceipted("D1", same, time.Time{}); err != nil {
			t.Errorf("%q: got %v, want the same receipt", same, err)
		}
	}
	if err := f.ob.MarkReceipted("D1", "DH-1234-5679", time.Time{}); !errors.Is(err, outbox.ErrReceiptConflict) {
		t.Errorf("another code: got %v, want ErrReceiptConflict", err)
	}
	if got := f.entry(t, "D1").Receipt; got != "DH-1234-5678" {
		t.Errorf("got receipt %q, want the first", got)
	}
}

// TestHistoryNotes: the history says when a receipt came before the
// delivery was confirmed, and when a purged file was already gone.
func TestHistoryNotes(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Queued)
	if err := f.ob.MarkReceipted("D1", "DH-1", time.Time{}); err != nil {
		t.Fatal(err)
	}
	e := f.entry(t, "D1")
	if last := e.History[len(e.History)-1]; last.State != outbox.Receipted || !strings.Contains(last.Note, "delivery was not confirmed") || !strings.Contains(last.Note, "receipt DH-1") {
		t.Errorf("got last step %+v, want a receipt noting the unconfirmed delivery", last)
	}
	os.Remove(filepath.Join(f.dir, e.SealedPath))
	f.clock.Advance(retention + time.Minute)
	if purged, err := f.ob.Purge(context.Background()); err != nil || len(purged) != 1 {
		t.Fatalf("purge: %v, %v", purged, err)
	}
	e = f.entry(t, "D1")
	if last := e.History[len(e.History)-1]; last.State != outbox.Purged || !strings.Contains(last.Note, "already gone") || !strings.Contains(last.Note, "retention of") {
		t.Errorf("got last step %+v, want a purge noting the file was already gone", last)
	}
}

// TestPurgeGoesOnAfterAFailure: a sealed file that cannot be removed is
// reported, and the other dossiers past retention are still purged.
func TestPurgeGoesOnAfterAFailure(t *testing.T) {
	f := newFixture(t)
	f.add(t, "A", outbox.Receipted)
	f.add(t, "B", outbox.Receipted)
	f.unremovable(t, "A")
	f.clock.Advance(retention + time.Minute)
	purged, err := f.ob.Purge(context.Background())
	if err == nil || len(purged) != 1 || purged[0] != "B" {
		t.Fatalf("got purged %v, %v; want B purged and A's failure reported", purged, err)
	}
	if got := f.entry(t, "A").State; got != outbox.Receipted {
		t.Errorf("A is %s after its file could not be removed, want receipted", got)
	}
}

// TestResetRefusesAnUnreadableEntryAlone: an entry that cannot be read may
// be a sealed dossier without a receipt, so Reset refuses even when it is
// the only one.
func TestResetRefusesAnUnreadableEntryAlone(t *testing.T) {
	f := newFixture(t)
	f.add(t, "R", outbox.Receipted)
	if err := f.st.UpdateOutboxEntry("X", func([]byte) ([]byte, error) { return []byte("{not json"), nil }); err != nil {
		t.Fatal(err)
	}
	if err := f.ob.Reset(); !errors.Is(err, outbox.ErrUnreceipted) || !strings.Contains(err.Error(), "1 entries unreadable") {
		t.Fatalf("got %v, want ErrUnreceipted naming the unreadable entry", err)
	}
	if _, err := f.ob.Entry("R"); err != nil {
		t.Errorf("the receipted entry is gone after a refused reset: %v", err)
	}
}

// TestSetProgress: the authority's updates are kept for receipted
// dossiers only; malformed ones are refused and an unchanged list does
// nothing.
func TestSetProgress(t *testing.T) {
	f := newFixture(t)
	f.add(t, "R", outbox.Receipted)
	f.add(t, "Q", outbox.Queued)
	at := time.Date(2025, 3, 2, 9, 0, 0, 0, time.UTC)
	good := []outbox.Progress{{Status: "processing", At: at}}
	tests := []struct {
		name     string
		id       string
		progress []outbox.Progress
		wantErr  error // nil: none; errSome: any
	}{
		{"receipted", "R", good, nil},
		{"unchanged", "R", good, nil},
		{"not receipted", "Q", good, outbox.ErrTransition},
		{"empty status", "R", []outbox.Progress{{Status: "", At: at}}, errSome},
		{"status of 33", "R", []outbox.Progress{{Status: strings.Repeat("s", 33), At: at}}, errSome},
		{"status with a newline", "R", []outbox.Progress{{Status: "a\nb", At: at}}, errSome},
		{"unknown dossier", "Z", good, outbox.ErrNotFound},
	}
	for _, tt := range tests {
		err := f.ob.SetProgress(tt.id, tt.progress)
		switch {
		case tt.wantErr == nil && err != nil, tt.wantErr != nil && err == nil,
			tt.wantErr != nil && tt.wantErr != errSome && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	if got := f.entry(t, "R").Progress; len(got) != 1 || got[0].Status != "processing" || !got[0].At.Equal(at) {
		t.Errorf("got progress %+v, want the one update", got)
	}
	// The same status at another time is news: the time is kept.
	later := at.Add(time.Hour)
	if err := f.ob.SetProgress("R", []outbox.Progress{{Status: "processing", At: later}}); err != nil {
		t.Fatal(err)
	}
	if got := f.entry(t, "R").Progress; len(got) != 1 || !got[0].At.Equal(later) {
		t.Errorf("same status later: got %+v, want the later time", got)
	}
	if err := f.ob.SetProgress("R", []outbox.Progress{{Status: strings.Repeat("s", 32), At: at}}); err != nil {
		t.Errorf("status of 32: %v", err)
	}
}

var errSome = errors.New("some error")

// TestMarkSealedAgain: marking the same file again is a no-op; another
// file for a sealed dossier is refused.
func TestMarkSealedAgain(t *testing.T) {
	f := newFixture(t)
	f.add(t, "D1", outbox.Sealed)
	e := f.entry(t, "D1")
	if err := f.ob.MarkSealed("D1", e.SealedPath, e.SealedSHA256); err != nil {
		t.Errorf("the same file again: %v", err)
	}
	if n := len(f.entry(t, "D1").History); n != len(e.History) {
		t.Errorf("marking the same file again added to the history: %d steps, want %d", n, len(e.History))
	}
	name, sum := f.writeSealed(t, "D1-other")
	if err := f.ob.MarkSealed("D1", name, sum); !errors.Is(err, outbox.ErrTransition) {
		t.Errorf("another file: got %v, want ErrTransition", err)
	}
	if got := f.entry(t, "D1"); got.SealedPath != e.SealedPath {
		t.Errorf("got sealed file %s, want %s", got.SealedPath, e.SealedPath)
	}
}

// TestResetReportsAFileItCannotRemove: Reset clears the entries, then
// reports a receipted dossier's sealed file it could not delete; a file
// already gone is no error.
func TestResetReportsAFileItCannotRemove(t *testing.T) {
	f := newFixture(t)
	f.add(t, "A", outbox.Receipted)
	f.add(t, "B", outbox.Receipted)
	f.unremovable(t, "A")
	os.Remove(filepath.Join(f.dir, f.entry(t, "B").SealedPath))
	err := f.ob.Reset()
	if err == nil || !strings.Contains(err.Error(), "A.seal") || strings.Contains(err.Error(), "B.seal") {
		t.Fatalf("got %v, want an error naming A's file only", err)
	}
	if list, _ := f.ob.List(); len(list) != 0 {
		t.Errorf("got %d entries after the reset, want none", len(list))
	}
}

// unremovable puts a folder with content where id's sealed file was: it
// cannot be removed as a file, whatever the user's rights.
func (f *fixture) unremovable(t *testing.T, id string) {
	t.Helper()
	p := filepath.Join(f.dir, f.entry(t, id).SealedPath)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(p, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
}
