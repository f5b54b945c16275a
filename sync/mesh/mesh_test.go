package mesh

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dinh/sync/mesh/meshtest"
)

// TestTwoNodes: a device writes a sealed file into its send-only folder;
// the hub, receive-only, gets it byte for byte; the device sees that the
// hub has it; an unknown third device is refused; nothing is left running
// after Close.
func TestTwoNodes(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	devID, err := Identity(filepath.Join(base, "device"))
	if err != nil {
		t.Fatal(err)
	}
	hubID, err := Identity(filepath.Join(base, "hub"))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := Identity(filepath.Join(base, "device")); again != devID {
		t.Fatalf("identity changed across calls: %s then %s", devID, again)
	}
	devAddr, hubAddr := meshtest.FreeAddr(t), meshtest.FreeAddr(t)
	var hubLog meshtest.LogBuf
	ctx := context.Background()
	hub, err := Start(ctx, Config{
		Dir: filepath.Join(base, "hub"), Listen: hubAddr,
		Peers:   []Peer{{ID: devID, Name: "device", Addr: devAddr}},
		Folders: []Folder{{ID: "commune", Path: filepath.Join(base, "hub-folder"), Type: ReceiveOnly, Peers: []string{devID}}},
		Log:     slog.New(slog.NewTextHandler(&hubLog, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	dev, err := Start(ctx, Config{
		Dir: filepath.Join(base, "device"), Listen: devAddr,
		Peers:   []Peer{{ID: hubID, Name: "hub", Addr: hubAddr}},
		Folders: []Folder{{ID: "commune", Path: filepath.Join(base, "dev-folder"), Type: SendOnly, Peers: []string{hubID}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.ID() != devID || hub.ID() != hubID {
		t.Fatalf("node IDs %s %s, want %s %s", dev.ID(), hub.ID(), devID, hubID)
	}
	meshtest.WaitFor(t, "the device and the hub to connect", func() bool { return dev.Connected(hubID) && hub.Connected(devID) }, dev, hub)
	if s := dev.Status(); s.Peers != 1 {
		t.Errorf("device status: %+v", s)
	}

	data := make([]byte, 3<<20)
	rand.Read(data)
	rel := filepath.Join(devID, "D1.dseal")
	os.MkdirAll(filepath.Join(base, "dev-folder", devID), 0o700)
	if err := os.WriteFile(filepath.Join(base, "dev-folder", rel), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := dev.Scan("commune"); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to have the file", func() bool {
		got, err := os.ReadFile(filepath.Join(base, "hub-folder", rel))
		return err == nil && bytes.Equal(got, data)
	}, dev, hub)
	meshtest.WaitFor(t, "the device to know the hub has it", func() bool {
		ok, err := dev.PeerHas(hubID, "commune")
		return err == nil && ok
	}, dev, hub)
	if s := hub.Status(); s.NeedFiles != 0 || s.LastSync.IsZero() {
		t.Errorf("hub status after the sync: %+v", s)
	}

	// A device the hub does not know is refused, and the hub says so.
	strangerDir := filepath.Join(base, "stranger")
	stranger, err := Start(ctx, Config{
		Dir: strangerDir, Listen: meshtest.FreeAddr(t),
		Peers:   []Peer{{ID: hubID, Name: "hub", Addr: hubAddr}},
		Folders: []Folder{{ID: "commune", Path: filepath.Join(base, "stranger-folder"), Type: SendOnly, Peers: []string{hubID}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	strangerID := stranger.ID()
	meshtest.WaitFor(t, "the hub to log the refused device", func() bool {
		return strings.Contains(hubLog.String(), "not configured") && strings.Contains(hubLog.String(), strangerID[:7])
	}, hub, stranger)
	if hub.Connected(strangerID) {
		t.Error("the hub accepted a device it does not know")
	}
	stranger.Close()
}

func TestParseID(t *testing.T) {
	id, err := Identity(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in string
		ok bool
	}{
		{id, true},
		{strings.ToLower(id), true},
		{strings.ReplaceAll(id, "-", ""), true},
		{"", false},
		{"NOT-A-DEVICE", false},
		{meshtest.Mistype(id), false},
	}
	for _, tt := range tests {
		got, err := ParseID(tt.in)
		if (err == nil) != tt.ok || tt.ok && got != id {
			t.Errorf("ParseID(%q) = %q, %v", tt.in, got, err)
		}
	}
}
