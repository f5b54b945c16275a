package hub_test

import (
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

// TestEnrolmentReachesTheHub: a hub that knows only central lets a device
// in once central enrols it, and shuts it out once central removes it,
// while both run: no restart, no edit on the hub.
func TestEnrolmentReachesTheHub(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
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
	defer func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	}()

	dev := provincetest.NewSite(t, base, "device")
	hubSite := &provincetest.Site{ID: hubID, Addr: hubAddr}
	dev.Start(t, []*provincetest.Site{hubSite}, []mesh.Folder{
		{ID: province.CommuneFolder("25252"), Path: filepath.Join(dev.Dir, "commune"), Type: mesh.SendOnly, Peers: []string{hubID}},
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
	atHub := filepath.Join(hubDir, province.CommuneFolder("25252"), name)
	refusals := func() int { return strings.Count(hubLog.String(), dev.ID) }

	// Not enrolled: the hub refuses it, and says so in its log.
	meshtest.WaitFor(t, "the hub to refuse the device", func() bool { return refusals() > 0 })
	if _, err := os.Stat(atHub); err == nil {
		t.Fatal("a device central has not enrolled got a file to the hub")
	}
	if err := srv.Enroll(dev.ID, "thôn Đông"); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the enrolled device's file at the hub", func() bool { _, err := os.Stat(atHub); return err == nil }, dev.Node)

	before := refusals()
	if err := srv.Remove(dev.ID); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to refuse the removed device again", func() bool { return refusals() > before }, dev.Node)
}
