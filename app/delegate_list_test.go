package app

import (
	"crypto/ed25519"
	"testing"

	"fyne.io/fyne/v2/test"

	"dinh/meeting"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/sync/room"
)

// keep puts a signed package of a meeting in the delegate's store, as a
// finished download leaves it.
func keep(t *testing.T, st *store.Store, id, title string) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(nil)
	raw, err := meeting.Sign(&meeting.Manifest{Format: meeting.Format, Version: 1, Meeting: meeting.Meeting{ID: id, Title: title, Agenda: []meeting.Item{{Title: "Khai mạc"}}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Complete(id, raw); err != nil {
		t.Fatal(err)
	}
}

// TestMeetingListKeepsTheChosenMeeting: a meeting that appears above the
// chosen one does not move the choice. The chosen meeting stays
// highlighted (choosing it again does nothing), and the new row opens its
// own meeting.
func TestMeetingListKeepsTheChosenMeeting(t *testing.T) {
	test.NewTempApp(t)
	st := storetest.Open(t)
	var opened []string
	l := newMeetingList(st, room.NewDirectory(nil), func(r meetingRow) { opened = append(opened, r.id) })
	test.NewTempWindow(t, l.view())
	keep(t, st, "ky-hop-b", "Kỳ họp B")
	l.refresh()
	l.list.Select(0)
	if len(opened) != 1 || opened[0] != "ky-hop-b" {
		t.Fatalf("opened %v, want ky-hop-b", opened)
	}

	keep(t, st, "ky-hop-a", "Kỳ họp A") // sorts above B
	l.refresh()
	if l.rows[0].id != "ky-hop-a" || l.rows[1].id != "ky-hop-b" {
		t.Fatalf("rows %+v", l.rows)
	}
	l.list.Select(1) // B's row: already the choice
	if len(opened) != 1 {
		t.Fatalf("choosing the chosen meeting again opened %v", opened[1:])
	}
	l.list.Select(0)
	if len(opened) != 2 || opened[1] != "ky-hop-a" {
		t.Fatalf("the new row opened %v, want ky-hop-a", opened)
	}
}
