package store

import (
	"errors"
	"maps"
	"testing"
)

func TestUpdateOutboxEntry(t *testing.T) {
	s := openTest(t)
	errRefused := errors.New("refused")
	tests := []struct {
		name    string
		fn      func(old []byte) ([]byte, error)
		wantOld string // "<nil>" when absent
		wantErr error
		want    string // stored afterwards
	}{
		{"create", func([]byte) ([]byte, error) { return []byte("v1"), nil }, "<nil>", nil, "v1"},
		{"replace", func([]byte) ([]byte, error) { return []byte("v2"), nil }, "v1", nil, "v2"},
		{"nil keeps", func([]byte) ([]byte, error) { return nil, nil }, "v2", nil, "v2"},
		{"error writes nothing", func([]byte) ([]byte, error) { return []byte("v3"), errRefused }, "v2", errRefused, "v2"},
		{"empty value", func([]byte) ([]byte, error) { return []byte{}, nil }, "v2", nil, ""},
		{"empty value still exists", func([]byte) ([]byte, error) { return nil, nil }, "", nil, ""},
	}
	for _, tt := range tests {
		var old []byte
		err := s.UpdateOutboxEntry("D1", func(o []byte) ([]byte, error) {
			old = o
			return tt.fn(o)
		})
		if err != tt.wantErr {
			t.Errorf("%s: got error %v, want %v (unwrapped)", tt.name, err, tt.wantErr)
		}
		if got := show(old); got != tt.wantOld {
			t.Errorf("%s: got old %s, want %s", tt.name, got, tt.wantOld)
		}
		if got, ok, _ := s.OutboxEntry("D1"); !ok || string(got) != tt.want {
			t.Errorf("%s: got stored %q %v, want %q", tt.name, got, ok, tt.want)
		}
	}
}

func show(b []byte) string {
	if b == nil {
		return "<nil>"
	}
	return string(b)
}

func TestDeleteAndClearOutbox(t *testing.T) {
	s := openTest(t)
	for _, id := range []string{"A", "B", "C"} {
		s.UpdateOutboxEntry(id, func([]byte) ([]byte, error) { return []byte("v" + id), nil })
	}
	errRefused := errors.New("refused")

	if err := s.DeleteOutboxEntry("A", func(old []byte) error { return errRefused }); err != errRefused {
		t.Fatalf("refused delete: got %v, want the check's error", err)
	}
	var seen []byte
	if err := s.DeleteOutboxEntry("A", func(old []byte) error { seen = old; return nil }); err != nil {
		t.Fatal(err)
	}
	if string(seen) != "vA" {
		t.Fatalf("delete check: got old %q, want vA", seen)
	}
	if _, ok, _ := s.OutboxEntry("A"); ok {
		t.Fatal("got A after delete, want it gone")
	}

	if err := s.ClearOutbox(func(map[string][]byte) error { return errRefused }); err != errRefused {
		t.Fatalf("refused clear: got %v, want the check's error", err)
	}
	want := map[string][]byte{"B": []byte("vB"), "C": []byte("vC")}
	all, err := s.OutboxEntries()
	if err != nil || !maps.EqualFunc(all, want, func(a, b []byte) bool { return string(a) == string(b) }) {
		t.Fatalf("after refused clear: got %q %v, want %q", all, err, want)
	}
	var checked map[string][]byte
	if err := s.ClearOutbox(func(all map[string][]byte) error { checked = all; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(checked) != 2 {
		t.Fatalf("clear check: got %d values, want 2", len(checked))
	}
	if all, _ := s.OutboxEntries(); len(all) != 0 {
		t.Fatalf("after clear: got %q, want nothing", all)
	}
}
