package central

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"dinh/offline/agekey"
)

// TestInit: central's set-up makes the team's two key pairs and a device
// identity once; the public halves it returns match the files the devices
// get, LoadKey reads central's private key back, and a second set-up, or
// a key read from a folder never set up, is refused by name.
func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "central")
	set, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]agekey.Public{agekey.CentralPub: set.Central, agekey.RecoveryPub: set.Recovery} {
		got, err := agekey.ReadPublic(filepath.Join(dir, name))
		if err != nil || got.String() != want.String() {
			t.Errorf("%s holds %v, %v; Init said %v", name, got, err, want)
		}
	}
	if set.ID == "" || set.Central.String() == set.Recovery.String() {
		t.Errorf("got %+v", set)
	}
	key, err := LoadKey(dir)
	if err != nil || key.Public().String() != set.Central.String() {
		t.Fatalf("LoadKey: %v, %v; want central's key", key.Public(), err)
	}
	var exists *agekey.KeyExistsError
	if _, err := Init(dir); !errors.As(err, &exists) {
		t.Errorf("a second Init: %v, want the key that exists named", err)
	}
	if _, err := LoadKey(t.TempDir()); !errors.Is(err, ErrNoKey) {
		t.Errorf("LoadKey of an empty folder: %v, want ErrNoKey", err)
	}
	if err := os.WriteFile(filepath.Join(dir, agekey.CentralKey), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(dir); err == nil || errors.Is(err, ErrNoKey) {
		t.Errorf("LoadKey of a damaged key: %v, want it refused as damaged", err)
	}
}
