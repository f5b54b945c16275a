package room

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/offline/store"
)

func fingerprint(b byte) string {
	var fp meeting.Fingerprint
	fp[0], fp[31] = b, b
	return fp.String()
}

// add announces l, as the browser does.
func (d *Directory) add(l Listing) {
	d.mu.Lock()
	defer d.mu.Unlock()
	l.Seen = time.Now()
	d.entries[l.Instance] = l
	close(d.changed)
	d.changed = make(chan struct{})
}

// TestFind: which host a delegate joins.
func TestFind(t *testing.T) {
	real := Listing{Instance: "real", ID: "ky-hop-5", Title: "Kỳ họp thứ 5", Fingerprint: fingerprint(1), Addr: "10.0.0.1:443"}
	// The rogue sorts first in the list, so it is the first host found.
	rogue := Listing{Instance: "a-rogue", ID: "ky-hop-5", Title: "Kỳ họp thứ 5", Fingerprint: fingerprint(2), Addr: "10.0.0.66:443"}
	other := Listing{Instance: "other", ID: "tiep-dan", Title: "Tiếp công dân", Fingerprint: fingerprint(3), Addr: "10.0.0.3:443"}
	short := func(fp string) string { f, _ := meeting.ParseFingerprint(fp); return f.Short() }
	tests := []struct {
		name     string
		now      []Listing // announced
		opt      FindOptions
		pinned   string // what an earlier join pinned
		want     string // the instance found
		ignored  int
		err      error
		several  bool
		pinError bool
	}{
		{name: "the only meeting", now: []Listing{real}, want: "real"},
		{name: "the meeting named", now: []Listing{other, real}, opt: FindOptions{ID: "ky-hop-5"}, want: "real"},
		{name: "several and none named", now: []Listing{other, real}, several: true},
		{name: "nothing announced", err: ErrNoMeeting},
		{name: "not the meeting named", now: []Listing{other}, opt: FindOptions{ID: "ky-hop-5"}, err: ErrNoMeeting},
		{name: "the pinned host when a rogue answers first", now: []Listing{rogue, real},
			opt: FindOptions{ID: "ky-hop-5", Pin: short(real.Fingerprint)}, want: "real", ignored: 1},
		{name: "only a rogue", now: []Listing{rogue}, opt: FindOptions{ID: "ky-hop-5", Pin: short(real.Fingerprint)}, pinError: true},
		{name: "the host joined before, without a pin", now: []Listing{rogue, real},
			opt: FindOptions{ID: "ky-hop-5"}, pinned: real.Fingerprint, want: "real", ignored: 1},
		{name: "a pin typed for another host than the one joined before", now: []Listing{rogue},
			opt: FindOptions{ID: "ky-hop-5", Pin: short(rogue.Fingerprint)}, pinned: real.Fingerprint, err: ErrPinnedBefore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(filepath.Join(t.TempDir(), "store"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if tt.pinned != "" {
				st.SetPin("ky-hop-5", tt.pinned)
			}
			d := NewDirectory(nil)
			for _, l := range tt.now {
				d.add(l)
			}
			tt.opt.Pins, tt.opt.Timeout, tt.opt.Settle = st, 300*time.Millisecond, 300*time.Millisecond
			found, ignored, err := d.Find(t.Context(), tt.opt)
			var se *SeveralError
			var pe *PinError
			switch {
			case tt.several:
				if !errors.As(err, &se) || len(se.Listings) != 2 {
					t.Fatalf("got %v, want both meetings offered", err)
				}
			case tt.pinError:
				if !errors.As(err, &pe) || pe.Found.Instance != "a-rogue" {
					t.Fatalf("got %v, want a pin error naming the rogue", err)
				}
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
			default:
				if err != nil || found.Instance != tt.want || len(ignored) != tt.ignored {
					t.Fatalf("got %s, %d ignored, %v; want %s and %d", found.Instance, len(ignored), err, tt.want, tt.ignored)
				}
			}
		})
	}
}

// TestExportFlagsOnlyVerdictsThatDiffer: the agenda a delegate takes out
// flags a document only when the host said a verdict and this device
// finds another; a host that said none (an older host) flags nothing.
func TestExportFlagsOnlyVerdictsThatDiffer(t *testing.T) {
	_, bl := open(t)
	src := filepath.Join(t.TempDir(), "doc.pdf")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.WritePDF(f, demo.PDFSpec{Title: "Tờ trình", Pages: 1, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	sum, size, err := bl.Import(src)
	if err != nil {
		t.Fatal(err)
	}
	man := &meeting.Manifest{Version: 1, Meeting: meeting.Meeting{ID: "ky-hop", Title: "Kỳ họp"}, Documents: []meeting.Document{
		{Name: "no-verdict.pdf", SHA256: sum, Size: size},
		{Name: "same.pdf", SHA256: sum, Size: size, Verdict: "unsigned"},
		{Name: "other.pdf", SHA256: sum, Size: size, Verdict: "valid"},
	}}
	out := t.TempDir()
	differ, err := Export(out, man, fingerprint(1), bl, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(differ) != 1 || differ[0].Name != "other.pdf" {
		t.Errorf("the documents that differ: %+v, want only other.pdf", differ)
	}
	var a Agenda
	b, err := os.ReadFile(filepath.Join(out, AgendaName))
	if err != nil || json.Unmarshal(b, &a) != nil || len(a.Document) != 3 {
		t.Fatalf("agenda.json: %v, %s", err, b)
	}
	for _, d := range a.Document {
		if d.Verdict != "unsigned" || d.Mismatch != (d.Name == "other.pdf") {
			t.Errorf("%s: this device says %q, flagged %v", d.Name, d.Verdict, d.Mismatch)
		}
	}
}
