package hub_test

import (
	"context"
	"log/slog"
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

	// Not enrolled: the hub refuses it, and says so in its log.
	meshtest.WaitFor(t, "the hub to refuse the device", func() bool { return strings.Contains(hubLog.String(), dev.ID) })
	if dev.Node.Connected(hubID) {
		t.Fatal("the hub let in a device central has not enrolled")
	}
	if err := srv.Enroll(dev.ID, "thôn Đông"); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to let the enrolled device in", func() bool { return dev.Node.Connected(hubID) }, dev.Node)

	if err := srv.Remove(dev.ID); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to shut the removed device out", func() bool { return !dev.Node.Connected(hubID) }, dev.Node)
}
