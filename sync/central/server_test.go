package central

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/store"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
	"dinh/sync/receipt"
)

// TestNewServerRefuses: every mistake an administrator can make on
// central's command line is refused by NewServer, at once, naming what is
// wrong, and nothing is left held (the store opens again afterwards).
func TestNewServerRefuses(t *testing.T) {
	dir := t.TempDir()
	hubID, err := mesh.Identity(filepath.Join(t.TempDir(), "hub"))
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := agekey.Generate()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	good := func() ServerConfig {
		return ServerConfig{Dir: dir, Key: key, Listen: meshtest.FreeAddr(t), HTTP: "127.0.0.1:0", Admin: true,
			Hubs: []HubPeer{{Commune: "25252", ID: hubID, Addr: meshtest.FreeAddr(t)}}}
	}
	tests := []struct {
		name   string
		change func(*ServerConfig)
		err    error
		naming string
	}{
		{"a path as commune", func(c *ServerConfig) { c.Hubs[0].Commune = "../x" }, province.ErrBadCommune, "../x"},
		{"no hub", func(c *ServerConfig) { c.Hubs = nil }, nil, "no hub"},
		{"a mistyped hub ID", func(c *ServerConfig) { c.Hubs[0].ID = meshtest.Mistype(hubID) }, nil, "25252"},
		{"a hub address without tcp://", func(c *ServerConfig) { c.Hubs[0].Addr = "127.0.0.1:22000" }, mesh.ErrBadAddress, "127.0.0.1:22000"},
		{"a bad listen address", func(c *ServerConfig) { c.Listen = "tcp://127.0.0.1" }, mesh.ErrBadAddress, "tcp://127.0.0.1"},
		{"the listen port taken", func(c *ServerConfig) { c.Listen = "tcp://" + taken.Addr().String() }, syscall.EADDRINUSE, taken.Addr().String()},
		{"the API port taken", func(c *ServerConfig) { c.HTTP = taken.Addr().String() }, syscall.EADDRINUSE, taken.Addr().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good()
			tt.change(&cfg)
			s, err := NewServer(cfg)
			if err == nil {
				s.Close()
				t.Fatal("accepted")
			}
			if (tt.err != nil && !errors.Is(err, tt.err)) || !strings.Contains(err.Error(), tt.naming) {
				t.Errorf("got %v; want %v naming %q", err, tt.err, tt.naming)
			}
			st, err := store.Open(filepath.Join(dir, "store"))
			if err != nil {
				t.Fatalf("the store is still held: %v", err)
			}
			st.Close()
		})
	}
	// A second central on the same data folder is refused by the store's
	// lock, and the first one's admin socket stays.
	first, err := NewServer(good())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := NewServer(good()); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a second central on one folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.sock")); err != nil {
		t.Errorf("the running central's admin socket: %v", err)
	}
}

// TestServerRunStops runs a server with its API and admin socket, asks the
// API, and checks that cancelling stops everything: the API refuses, the
// socket is gone, the store is free and no goroutine is left.
func TestServerRunStops(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	dir := t.TempDir()
	hubID, _ := mesh.Identity(filepath.Join(t.TempDir(), "hub"))
	_, key, _ := agekey.Generate()
	s, err := NewServer(ServerConfig{Dir: dir, Key: key, Listen: meshtest.FreeAddr(t), HTTP: "127.0.0.1:0", Admin: true,
		Hubs: []HubPeer{{Commune: "25252", ID: hubID}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	client := &http.Client{}
	resp, err := client.Get("http://" + s.APIAddr() + "/api/v1/dossiers/DH-AAAA-AAAA")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	client.CloseIdleConnections()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status API answered %s", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after Run: %v, want nothing to report (Run closed it all)", err)
	}
	if _, err := http.Get("http://" + s.APIAddr() + "/"); err == nil {
		t.Error("the status API still answers")
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("admin socket after Run: %v", err)
	}
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatalf("store after Run: %v", err)
	}
	st.Close()
}

// TestServerPublishesEnrolment: a running server writes the list of
// enrolled devices for the hubs when it starts and at each enrolment and
// removal, without a restart.
func TestServerPublishesEnrolment(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	dir := t.TempDir()
	hubID, _ := mesh.Identity(filepath.Join(t.TempDir(), "hub"))
	_, key, _ := agekey.Generate()
	s, err := NewServer(ServerConfig{Dir: dir, Key: key, Listen: meshtest.FreeAddr(t), HTTP: "127.0.0.1:0",
		Hubs: []HubPeer{{Commune: "25252", ID: hubID}}})
	if err != nil {
		t.Fatal(err)
	}
	a, b := deviceID(t), deviceID(t)
	if err := s.Enroll(a, "thôn Đông"); err != nil { // before Run: kept, published at start
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	list := filepath.Join(dir, province.CatalogFolder, province.EnrolledName)
	lists := func(ids ...string) func() bool {
		want := province.Enrolled{Devices: ids}.Encode()
		return func() bool { got, _ := os.ReadFile(list); return bytes.Equal(got, want) }
	}
	meshtest.WaitFor(t, "the list at start", lists(a))
	if err := s.Enroll(b, ""); err != nil {
		t.Fatal(err)
	}
	both := []string{a, b}
	slices.Sort(both)
	if !lists(both...)() {
		t.Errorf("after enrolling %s the list is not both devices", b)
	}
	if err := s.Remove(a); err != nil {
		t.Fatal(err)
	}
	if !lists(b)() {
		t.Errorf("after removing %s the list is not only %s", a, b)
	}
}

func TestParseHub(t *testing.T) {
	tests := []struct {
		in      string
		want    HubPeer
		wantErr bool
	}{
		{"25252,ID,tcp://10.0.0.2:22001", HubPeer{"25252", "ID", "tcp://10.0.0.2:22001"}, false},
		{"25252,ID,", HubPeer{"25252", "ID", ""}, false},
		{"25252,ID", HubPeer{}, true},
		{"", HubPeer{}, true},
	}
	for _, tt := range tests {
		got, err := ParseHub(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want || (err != nil && !errors.Is(err, ErrHubForm)) {
			t.Errorf("ParseHub(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestServerStatusGoesToTheDossiersCommune: a running server with two
// communes sets a dossier's status through the administrator's socket and
// sends it back in the receipts folder of the dossier's own commune: the
// one its record names, else (a record from before that was kept) the one
// where its receipt already is, else the first. Before Run nothing can be
// set.
func TestServerStatusGoesToTheDossiersCommune(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	dir := t.TempDir()
	hub1, _ := mesh.Identity(filepath.Join(t.TempDir(), "hub1"))
	hub2, _ := mesh.Identity(filepath.Join(t.TempDir(), "hub2"))
	_, key, _ := agekey.Generate()
	// The administrator's commands know central's folder by its key.
	if err := os.WriteFile(filepath.Join(dir, "central.key"), []byte(key.File(time.Now())), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(ServerConfig{Dir: dir, Key: key, Listen: meshtest.FreeAddr(t), Admin: true,
		Hubs: []HubPeer{{Commune: "25252", ID: hub1}, {Commune: "25253", ID: hub2}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	first, second := province.ReceiptsFolder("25252"), province.ReceiptsFolder("25253")
	dossiers := []struct {
		id, device, receipts, code string
		want                       string // the receipts folder the status goes to
	}{
		{"HS-A", "DEV-A", second, withCheck("DH-2345-678"), second},
		{"HS-B", "DEV-B", "", withCheck("DH-2345-67A"), second}, // its receipt is in the second
		{"HS-C", "DEV-C", "", withCheck("DH-2345-67B"), first},
	}
	for _, d := range dossiers {
		rec := Record{DossierID: d.id, Device: d.device, Procedure: "1.001193", Received: now, Code: d.code, Receipts: d.receipts,
			History: []receipt.Update{{Status: receipt.Received, At: now}}}
		raw, _ := json.Marshal(rec)
		if _, err := s.st.AddIngested(d.id, d.code, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, second, "DEV-B"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStatus(dossiers[0].code, receipt.Processing); err == nil {
		t.Error("a status was set before the server ran")
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for _, d := range dossiers {
		rep, err := AdminIn(dir, AdminRequest{Op: "status", Code: d.code, Status: receipt.ResultReady}, mesh.ParseID)
		if err != nil || rep.Error != "" || rep.Record == nil || rep.Record.Code != d.code {
			t.Errorf("%s: status set: %+v, %v", d.id, rep, err)
			continue
		}
		for _, folder := range []string{first, second} {
			b, err := os.ReadFile(filepath.Join(dir, folder, receipt.Path(d.device, d.id)))
			switch {
			case folder == d.want && err != nil:
				t.Errorf("%s: no receipt in %s: %v", d.id, folder, err)
			case folder == d.want:
				if r, err := receipt.Parse(b, func(msg, cert, sig []byte) error { return mesh.VerifySigned(s.ID(), msg, cert, sig) }); err != nil || r.History[len(r.History)-1].Status != receipt.ResultReady {
					t.Errorf("%s: the receipt in %s: %+v, %v", d.id, folder, r, err)
				}
			case err == nil:
				t.Errorf("%s: a receipt went to %s, want only %s", d.id, folder, d.want)
			}
		}
	}
	recs, err := s.Records()
	if err != nil || len(recs) != len(dossiers) {
		t.Errorf("Records: %d, %v; want %d", len(recs), err, len(dossiers))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
