package mesh

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

// waitFor waits for cond, waking on every status change of the nodes.
func waitFor(t *testing.T, what string, cond func() bool, nodes ...*Node) {
	t.Helper()
	deadline := time.After(90 * time.Second)
	for !cond() {
		cases := make([]<-chan struct{}, len(nodes))
		for i, n := range nodes {
			cases[i] = n.Changed()
		}
		if cond() {
			return
		}
		woke := make(chan struct{})
		var once sync.Once
		stop := make(chan struct{})
		for _, c := range cases {
			go func(c <-chan struct{}) {
				select {
				case <-c:
					once.Do(func() { close(woke) })
				case <-stop:
				}
			}(c)
		}
		select {
		case <-woke:
		case <-time.After(time.Second): // states with no event, like a file landing
		case <-deadline:
			close(stop)
			t.Fatalf("timed out waiting for %s", what)
		}
		close(stop)
	}
}

// logBuf collects a node's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTwoNodes: a device writes a sealed file into its send-only folder;
// the hub, receive-only, gets it byte for byte; the device sees that the
// hub has it; an unknown third device is refused; nothing is left running
// after Close.
func TestTwoNodes(t *testing.T) {
	defer checkLeaks(t)()
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
	devAddr, hubAddr := freeAddr(t), freeAddr(t)
	var hubLog logBuf
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
	waitFor(t, "the device and the hub to connect", func() bool { return dev.Connected(hubID) && hub.Connected(devID) }, dev, hub)
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
	waitFor(t, "the hub to have the file", func() bool {
		got, err := os.ReadFile(filepath.Join(base, "hub-folder", rel))
		return err == nil && bytes.Equal(got, data)
	}, dev, hub)
	waitFor(t, "the device to know the hub has it", func() bool {
		ok, err := dev.PeerHas(hubID, "commune")
		return err == nil && ok
	}, dev, hub)
	if s := hub.Status(); s.NeedFiles != 0 || s.LastSync.IsZero() {
		t.Errorf("hub status after the sync: %+v", s)
	}

	// A device the hub does not know is refused, and the hub says so.
	strangerDir := filepath.Join(base, "stranger")
	stranger, err := Start(ctx, Config{
		Dir: strangerDir, Listen: freeAddr(t),
		Peers:   []Peer{{ID: hubID, Name: "hub", Addr: hubAddr}},
		Folders: []Folder{{ID: "commune", Path: filepath.Join(base, "stranger-folder"), Type: SendOnly, Peers: []string{hubID}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	strangerID := stranger.ID()
	waitFor(t, "the hub to log the refused device", func() bool {
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
		{id[:len(id)-1] + "Z", false},
	}
	for _, tt := range tests {
		got, err := ParseID(tt.in)
		if (err == nil) != tt.ok || tt.ok && got != id {
			t.Errorf("ParseID(%q) = %q, %v", tt.in, got, err)
		}
	}
}
