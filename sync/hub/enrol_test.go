package hub_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dinh/offline/agekey"
	"dinh/sync/central"
	"dinh/sync/hub"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
	"dinh/sync/province/provincetest"
)

// province is central and one hub for commune 25252, both running.
type testProvince struct {
	srv    *central.Server
	hub    *provincetest.Site // the hub's ID and address
	hubLog *meshtest.LogBuf
}

// startProvince starts central and a hub that knows only central; stop
// ends both and reports their errors.
func startProvince(t *testing.T, base string) (p *testProvince, stop func()) {
	t.Helper()
	_, key, _ := agekey.Generate()
	hubDir, cenDir := filepath.Join(base, "hub"), filepath.Join(base, "central")
	hubID, err := mesh.Identity(filepath.Join(hubDir, "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	hubAddr, cenAddr := meshtest.FreeAddr(t), meshtest.FreeAddr(t)
	srv, err := central.NewServer(central.ServerConfig{Dir: cenDir, Key: key, Listen: cenAddr,
		Hubs: []central.HubPeer{{Commune: "25252", ID: hubID, Addr: hubAddr}}})
	if err != nil {
		t.Fatal(err)
	}
	hubLog := &meshtest.LogBuf{}
	h, err := hub.New(hub.Config{Dir: hubDir, Listen: hubAddr, Communes: []string{"25252"},
		Central: mesh.Peer{ID: srv.ID(), Addr: cenAddr}, Log: slog.New(slog.NewTextHandler(hubLog, nil))})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 2)
	go func() { done <- srv.Run(ctx) }()
	go func() { done <- h.Run(ctx) }()
	return &testProvince{srv: srv, hub: &provincetest.Site{ID: hubID, Addr: hubAddr, Dir: hubDir}, hubLog: hubLog}, func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}
}

// refusals counts the times the hub's log names a device it kept out.
func (p *testProvince) refusals(device string) int { return strings.Count(p.hubLog.String(), device) }

// TestEnrolmentReachesTheHub: a hub that knows only central lets a device
// in once central enrols it, and shuts it out once central removes it,
// while both run: no restart, no edit on the hub.
func TestEnrolmentReachesTheHub(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	p, stop := startProvince(t, base)
	defer stop()

	dev := provincetest.NewSite(t, base, "device")
	dev.Start(t, []*provincetest.Site{p.hub}, []mesh.Folder{
		{ID: province.CommuneFolder("25252"), Path: filepath.Join(dev.Dir, "commune"), Type: mesh.SendOnly, Peers: []string{p.hub.ID}},
	}, nil)
	defer dev.Node.Close()

	// A file the device shares: it reaches the hub's copy of the commune
	// folder only once the hub lets the device in.
	name := filepath.Join(dev.ID, "HS-0001.dseal")
	if err := os.MkdirAll(filepath.Join(dev.Dir, "commune", dev.ID), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dev.Dir, "commune", name), []byte("sealed bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := dev.Node.Scan(province.CommuneFolder("25252")); err != nil {
		t.Fatal(err)
	}
	atHub := filepath.Join(p.hub.Dir, province.CommuneFolder("25252"), name)

	// Not enrolled: the hub refuses it, and says so in its log.
	meshtest.WaitFor(t, "the hub to refuse the device", func() bool { return p.refusals(dev.ID) > 0 })
	if _, err := os.Stat(atHub); err == nil {
		t.Fatal("a device central has not enrolled got a file to the hub")
	}
	if err := p.srv.Enroll(dev.ID, "thôn Đông"); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the enrolled device's file at the hub", func() bool { _, err := os.Stat(atHub); return err == nil }, dev.Node)

	before := p.refusals(dev.ID)
	if err := p.srv.Remove(dev.ID); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to refuse the removed device again", func() bool { return p.refusals(dev.ID) > before }, dev.Node)
}

// TestForgedEnrolmentIsIgnored: an enrolled device that writes a list of
// enrolled devices of its own into the catalogue folder (a rogue on the
// LAN, with a Syncthing that sends what it should only receive) lets
// nobody in: the hub takes the list from central's device only.
func TestForgedEnrolmentIsIgnored(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	p, stop := startProvince(t, base)
	defer stop()

	rogue := provincetest.NewSite(t, base, "rogue")
	outsider := provincetest.NewSite(t, base, "outsider")
	if err := p.srv.Enroll(rogue.ID, "máy lạ"); err != nil {
		t.Fatal(err)
	}
	catalog := filepath.Join(rogue.Dir, "catalog")
	rogue.Start(t, []*provincetest.Site{p.hub}, []mesh.Folder{
		{ID: province.CatalogFolder, Path: catalog, Type: mesh.SendReceive, Peers: []string{p.hub.ID}},
	}, nil)
	defer rogue.Node.Close()
	list := filepath.Join(catalog, province.EnrolledName)
	meshtest.WaitFor(t, "central's list at the rogue device", func() bool { _, err := os.Stat(list); return err == nil }, rogue.Node)

	forged := province.Enrolled{Devices: []string{rogue.ID, outsider.ID}}.Encode()
	if err := os.WriteFile(list, forged, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rogue.Node.Scan(province.CatalogFolder); err != nil {
		t.Fatal(err)
	}
	atHub := filepath.Join(p.hub.Dir, province.CatalogFolder, province.EnrolledName)
	meshtest.WaitFor(t, "the forged list at the hub", func() bool { b, _ := os.ReadFile(atHub); return bytes.Equal(b, forged) }, rogue.Node)
	meshtest.WaitFor(t, "the hub to refuse the forged list", func() bool {
		return strings.Contains(p.hubLog.String(), "not written by central")
	})

	// The device the forged list names is still kept out.
	outsider.Start(t, []*provincetest.Site{p.hub}, []mesh.Folder{
		{ID: province.CommuneFolder("25252"), Path: filepath.Join(outsider.Dir, "commune"), Type: mesh.SendOnly, Peers: []string{p.hub.ID}},
	}, nil)
	defer outsider.Node.Close()
	meshtest.WaitFor(t, "the hub to refuse the device the forged list names", func() bool { return p.refusals(outsider.ID) > 0 })
}
