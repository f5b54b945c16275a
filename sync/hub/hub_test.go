package hub_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"dinh/sync/hub"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
)

func TestMain(m *testing.M) { meshtest.Main(m) }

// TestNewRefuses: a hub that could not work is refused before it starts,
// naming what is wrong; two hubs cannot share a port.
func TestNewRefuses(t *testing.T) {
	devID, _ := mesh.Identity(filepath.Join(t.TempDir(), "dev"))
	cenID, _ := mesh.Identity(filepath.Join(t.TempDir(), "central"))
	good := func() hub.Config {
		return hub.Config{Dir: t.TempDir(), Listen: meshtest.FreeAddr(t), Communes: []string{"25252"},
			Central: mesh.Peer{ID: cenID, Addr: meshtest.FreeAddr(t)}, Peers: []mesh.Peer{{ID: devID}}}
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name   string
		change func(*hub.Config)
		err    error
		naming string
	}{
		{"a path as commune", func(c *hub.Config) { c.Communes = []string{"../x"} }, province.ErrBadCommune, "../x"},
		{"no commune", func(c *hub.Config) { c.Communes = nil }, nil, "no commune"},
		{"no central", func(c *hub.Config) { c.Central = mesh.Peer{} }, nil, "no central"},
		{"a mistyped central", func(c *hub.Config) { c.Central.ID = meshtest.Mistype(cenID) }, nil, "peer"},
		{"a mistyped device", func(c *hub.Config) { c.Peers[0].ID = meshtest.Mistype(devID) }, nil, "peer"},
		{"a peer address without tcp://", func(c *hub.Config) { c.Peers[0].Addr = "10.0.0.1:22000" }, mesh.ErrBadAddress, "10.0.0.1:22000"},
		{"a bad listen address", func(c *hub.Config) { c.Listen = "0.0.0.0:22000" }, mesh.ErrBadAddress, "0.0.0.0:22000"},
		{"the port taken", func(c *hub.Config) { c.Listen = "tcp://" + taken.Addr().String() }, syscall.EADDRINUSE, taken.Addr().String()},
	}
	for _, tt := range tests {
		cfg := good()
		tt.change(&cfg)
		_, err := hub.New(cfg)
		if err == nil || (tt.err != nil && !errors.Is(err, tt.err)) || !strings.Contains(err.Error(), tt.naming) {
			t.Errorf("%s: got %v; want %v naming %q", tt.name, err, tt.err, tt.naming)
		}
	}

	// A running hub holds its port: a second hub there is refused.
	defer meshtest.NoLeaks(t)()
	cfg := good()
	h, err := hub.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	second := good()
	second.Listen = cfg.Listen
	var bound error
	meshtest.WaitFor(t, "the hub to listen", func() bool {
		_, bound = hub.New(second)
		return bound != nil
	})
	if !errors.Is(bound, syscall.EADDRINUSE) {
		t.Errorf("a second hub on the port: %v", bound)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
