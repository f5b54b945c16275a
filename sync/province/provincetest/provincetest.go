// Package provincetest sets up the machines of a province for tests: a
// volunteer's device, a commune hub and the central server, each with its
// own folder, mesh identity and loopback address, started with the
// folders and peers the test gives. Tests of sync/central, sync/field and
// the packages above them use it instead of each writing its own.
package provincetest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
)

// Site is one machine: its ID and address are known before it starts, so
// that its peers can be told.
type Site struct {
	ID, Addr, Dir string
	Node          *mesh.Node // set by Start
}

// NewSite makes the folder base/name and the mesh identity in it, and
// picks a free loopback address.
func NewSite(t testing.TB, base, name string) *Site {
	t.Helper()
	dir := filepath.Join(base, name)
	id, err := mesh.Identity(filepath.Join(dir, "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	return &Site{ID: id, Addr: meshtest.FreeAddr(t), Dir: dir}
}

// IDs lists the sites' device IDs, for a folder's Peers.
func IDs(sites ...*Site) []string {
	ids := make([]string, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	return ids
}

// Start starts the site's node with peers and folders. The caller closes
// Node (a test that kills a node closes it when it chooses).
func (s *Site) Start(t testing.TB, peers []*Site, folders []mesh.Folder, log *slog.Logger) {
	t.Helper()
	var ps []mesh.Peer
	for _, p := range peers {
		ps = append(ps, mesh.Peer{ID: p.ID, Addr: p.Addr})
	}
	n, err := mesh.Start(context.Background(), mesh.Config{
		Dir: filepath.Join(s.Dir, "mesh"), Listen: s.Addr, Peers: ps, Folders: folders, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Node = n
}
