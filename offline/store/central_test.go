package store

import (
	"errors"
	"slices"
	"testing"
)

// TestAddIngested: a dossier is recorded once with its receipt code; a
// second ingest of it returns the first record and changes nothing; a code
// already given to another dossier is refused.
func TestAddIngested(t *testing.T) {
	s := openTest(t)
	if existing, err := s.AddIngested("HS-1", "DH-1111-1111", []byte("first")); err != nil || existing != nil {
		t.Fatalf("first ingest: got %q, %v; want a new record", existing, err)
	}
	if existing, err := s.AddIngested("HS-1", "DH-2222-2222", []byte("again")); err != nil || string(existing) != "first" {
		t.Fatalf("second ingest: got %q, %v; want the first record back", existing, err)
	}
	if _, err := s.AddIngested("HS-2", "DH-1111-1111", []byte("other")); !errors.Is(err, ErrCodeTaken) {
		t.Fatalf("a taken code: got %v, want ErrCodeTaken", err)
	}
	if v, ok, err := s.Ingested("HS-1"); err != nil || !ok || string(v) != "first" {
		t.Errorf("record of HS-1: got %q %v %v, want first", v, ok, err)
	}
	if _, ok, _ := s.Ingested("HS-2"); ok {
		t.Error("HS-2 was recorded under a taken code")
	}
	if id, ok, err := s.ByReceipt("DH-1111-1111"); err != nil || !ok || id != "HS-1" {
		t.Errorf("receipt DH-1111-1111: got %q %v %v, want HS-1", id, ok, err)
	}
	if _, ok, _ := s.ByReceipt("DH-2222-2222"); ok {
		t.Error("the second ingest's code was recorded")
	}
	if ids, _ := s.IngestedIDs(); !slices.Equal(ids, []string{"HS-1"}) {
		t.Errorf("got ingested %v, want [HS-1]", ids)
	}
}

func TestUpdateIngested(t *testing.T) {
	s := openTest(t)
	if _, err := s.AddIngested("HS-1", "DH-1111-1111", []byte("received")); err != nil {
		t.Fatal(err)
	}
	fail := errors.New("refused by fn")
	tests := []struct {
		name    string
		id      string
		fn      func([]byte) ([]byte, error)
		wantErr error // nil: no error; errAny: some error
		want    string
	}{
		{"replaced", "HS-1", func(old []byte) ([]byte, error) { return append(old, "+done"...), nil }, nil, "received+done"},
		{"nil keeps", "HS-1", func([]byte) ([]byte, error) { return nil, nil }, nil, "received+done"},
		{"fn error keeps", "HS-1", func([]byte) ([]byte, error) { return []byte("x"), fail }, fail, "received+done"},
		{"unknown dossier", "HS-9", func([]byte) ([]byte, error) { return []byte("x"), nil }, errAny, "received+done"},
	}
	for _, tt := range tests {
		err := s.UpdateIngested(tt.id, tt.fn)
		switch {
		case tt.wantErr == nil && err != nil, tt.wantErr == errAny && err == nil,
			tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.wantErr)
		}
		if v, _, _ := s.Ingested("HS-1"); string(v) != tt.want {
			t.Errorf("%s: got record %q, want %q", tt.name, v, tt.want)
		}
	}
	if _, ok, _ := s.Ingested("HS-9"); ok {
		t.Error("updating an unknown dossier created it")
	}
}

var errAny = errors.New("any error")

// TestClosedStoreReportsErrors: every call on a closed store returns an
// error instead of pretending to have read or written.
func TestClosedStoreReportsErrors(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	calls := map[string]func() error{
		"Draft":       func() error { _, _, err := s.Draft("x"); return err },
		"PutDraft":    func() error { return s.PutDraft("x", []byte("y")) },
		"DeleteDraft": func() error { return s.DeleteDraft("x") },
		"Ingested":    func() error { _, _, err := s.Ingested("x"); return err },
		"AddIngested": func() error { _, err := s.AddIngested("x", "c", nil); return err },
		"Devices":     func() error { _, err := s.Devices(); return err },
		"PutDevice":   func() error { return s.PutDevice("x", []byte("y")) },
		"Complete":    func() error { return s.Complete("x", []byte("y")) },
		"Pin":         func() error { _, _, err := s.Pin("x"); return err },
		"HostKey":     func() error { _, err := s.HostKey(); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s on a closed store: got no error, want one", name)
		}
	}
}
