package demoprovince

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"dinh/offline/agekey"
	"dinh/offline/store"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
)

func TestMain(m *testing.M) { meshtest.Main(m) }

// TestRunStops: the demo province runs on loopback only, stops when its
// context ends, leaves no goroutine and frees central's store.
func TestRunStops(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	dir := t.TempDir()
	_, key, _ := agekey.Generate()
	devID, _ := mesh.Identity(filepath.Join(t.TempDir(), "dev"))
	p, err := New(Config{Dir: dir, Key: key, Device: devID})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{p.Settings.HubAddr, p.CentralAddr, p.Settings.Listen} {
		hostport, err := mesh.ParseAddr(a)
		host, _, _ := net.SplitHostPort(hostport)
		if err != nil || host != "127.0.0.1" {
			t.Errorf("%s: not on loopback (%v)", a, err)
		}
	}
	if _, err := p.Settings.Check(); err != nil || p.Settings.Commune != Commune {
		t.Errorf("settings %+v: %v", p.Settings, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	meshtest.WaitFor(t, "the hub and central to listen", func() bool {
		return mesh.CheckListen(p.Settings.HubAddr) != nil && mesh.CheckListen(p.CentralAddr) != nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "central", "store"))
	if err != nil {
		t.Fatalf("central's store after Run: %v", err)
	}
	st.Close()
}
