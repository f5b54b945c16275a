package central

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dinh/assets"
	"dinh/offline/store/storetest"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
)

// TestPublishEnrolled: the hubs' list of enrolled devices follows the
// store: written at every change, sorted, and scanned for the hubs at
// once; an unchanged list is neither written again nor scanned.
func TestPublishEnrolled(t *testing.T) {
	st := storetest.Open(t)
	dir := filepath.Join(t.TempDir(), "catalog")
	list := filepath.Join(dir, province.EnrolledName)
	scans := 0
	publish := func() {
		t.Helper()
		if err := publishEnrolled(st, dir, func() error { scans++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	a, b := deviceID(t), deviceID(t)
	for _, id := range []string{a, b} {
		if _, err := Enroll(st, mesh.ParseID, id, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	want := []string{a, b}
	slices.Sort(want)
	got, err := os.ReadFile(list)
	if err != nil || !bytes.Equal(got, province.Enrolled{Devices: want}.Encode()) || scans != 1 {
		t.Fatalf("after two enrolments: %s (%v), %d scans; want both devices, one scan", got, err, scans)
	}
	before, _ := os.Stat(list)
	publish()
	if after, _ := os.Stat(list); !os.SameFile(before, after) || scans != 1 {
		t.Errorf("an unchanged list was written again (%v) or scanned (%d scans)", !os.SameFile(before, after), scans)
	}
	if err := Remove(st, mesh.ParseID, b); err != nil {
		t.Fatal(err)
	}
	publish()
	if got, _ := os.ReadFile(list); !bytes.Equal(got, province.Enrolled{Devices: []string{a}}.Encode()) || scans != 2 {
		t.Errorf("after the removal: %s, %d scans; want only %s, a second scan", got, scans, a)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o600)
	if err := publishEnrolled(st, notDir, nil); err == nil {
		t.Error("a catalogue folder that is a file: got no error")
	}
}

// TestAdminIn: an administrator's request goes to central's store when
// central is not running, and through its admin socket when it is; a
// folder that is not central's, a status without central running and a
// socket that does not answer are refused by name.
func TestAdminIn(t *testing.T) {
	central := func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "central.key"), []byte("key"), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dev := deviceID(t)

	t.Run("not central's folder", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := AdminIn(dir, AdminRequest{Op: "devices"}, mesh.ParseID); !errors.Is(err, ErrNoData) {
			t.Errorf("got %v, want ErrNoData", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "store")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a store was made in a folder that is not central's: %v", err)
		}
	})
	t.Run("central not running", func(t *testing.T) {
		dir := central(t)
		if _, err := AdminIn(dir, AdminRequest{Op: "enroll", Device: dev, Name: "thôn Đông"}, mesh.ParseID); err != nil {
			t.Fatal(err)
		}
		rep, err := AdminIn(dir, AdminRequest{Op: "devices"}, mesh.ParseID)
		if err != nil || len(rep.Devices) != 1 || rep.Devices[0].ID != dev {
			t.Errorf("devices: %+v, %v; want %s", rep.Devices, err, dev)
		}
		if _, err := AdminIn(dir, AdminRequest{Op: "remove", Device: deviceID(t)}, mesh.ParseID); err == nil || !strings.Contains(err.Error(), "not enrolled") {
			t.Errorf("removing an unknown device: got %v, want its refusal", err)
		}
		if _, err := AdminIn(dir, AdminRequest{Op: "status", Code: "DH-2222-2222", Status: "processing"}, mesh.ParseID); !errors.Is(err, ErrNotRunning) {
			t.Errorf("a status without central: got %v, want ErrNotRunning", err)
		}
	})
	t.Run("central running", func(t *testing.T) {
		dir := central(t)
		st := storetest.OpenDir(t, filepath.Join(dir, "store")) // central holds its store
		c := New(Config{Store: st})
		ln, err := net.Listen("unix", filepath.Join(dir, "admin.sock"))
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: c.AdminHandler(mesh.ParseID)}
		go srv.Serve(ln)
		defer srv.Close()
		if _, err := AdminIn(dir, AdminRequest{Op: "enroll", Device: dev}, mesh.ParseID); err != nil {
			t.Fatal(err)
		}
		if got, err := Devices(st); err != nil || len(got) != 1 || got[0].ID != dev {
			t.Errorf("through the socket the store holds %+v, %v; want %s", got, err, dev)
		}
		if _, err := AdminIn(dir, AdminRequest{Op: "reboot"}, mesh.ParseID); err == nil {
			t.Error("an unknown operation through the socket: got no error")
		}
		srv.Close()
		if _, err := AdminIn(dir, AdminRequest{Op: "devices"}, mesh.ParseID); !errors.Is(err, ErrNoSocket) {
			t.Errorf("a store in use with no socket answering: got %v, want ErrNoSocket", err)
		}
	})
}

// TestPublishCatalogScans: a published catalogue is in central's index as
// soon as PublishCatalog returns, so the hubs are offered it at once, not
// at Syncthing's next rescan.
func TestPublishCatalogScans(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	dir := t.TempDir()
	catDir := filepath.Join(dir, province.CatalogFolder)
	node, err := mesh.Start(t.Context(), mesh.Config{Dir: filepath.Join(dir, "mesh"), Listen: meshtest.FreeAddr(t),
		Folders: []mesh.Folder{{ID: province.CatalogFolder, Path: catDir, Type: mesh.SendOnly}}})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	c := New(Config{Store: storetest.Open(t), Node: node, CatalogID: province.CatalogFolder, CatalogDir: catDir})
	file := filepath.Join(t.TempDir(), "catalog.json")
	os.WriteFile(file, assets.SampleCatalog(), 0o600)
	if err := c.PublishCatalog(file); err != nil {
		t.Fatal(err)
	}
	if by, err := node.WrittenBy(province.CatalogFolder, province.CatalogName, node.ID()); err != nil || !by {
		t.Errorf("right after publishing, central's index has the catalogue: %v, %v; want it there", by, err)
	}
}
