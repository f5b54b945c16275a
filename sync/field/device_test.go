package field_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dinh/assets"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

func TestSettings(t *testing.T) {
	hub, _ := mesh.Identity(filepath.Join(t.TempDir(), "a"))
	cen, _ := mesh.Identity(filepath.Join(t.TempDir(), "b"))
	good := field.Settings{Commune: "25252", Listen: "tcp://0.0.0.0:22000", Hub: hub, HubAddr: "tcp://192.168.1.10:22000", Central: cen}
	tests := []struct {
		name   string
		change func(*field.Settings)
		want   error
	}{
		{"good", func(*field.Settings) {}, nil},
		{"spaces and lower case are fine", func(s *field.Settings) {
			s.Commune, s.Hub = " 25252 ", strings.ToLower(strings.ReplaceAll(s.Hub, "-", ""))
		}, nil},
		{"no commune", func(s *field.Settings) { s.Commune = "" }, province.ErrBadCommune},
		{"a path as commune", func(s *field.Settings) { s.Commune = "../../x" }, province.ErrBadCommune},
		{"listen without scheme", func(s *field.Settings) { s.Listen = "0.0.0.0:22000" }, field.ErrBadAddress},
		{"hub address without port", func(s *field.Settings) { s.HubAddr = "tcp://192.168.1.10" }, field.ErrBadAddress},
		{"hub address with a word for port", func(s *field.Settings) { s.HubAddr = "tcp://hub:port" }, field.ErrBadAddress},
		{"hub ID cut short", func(s *field.Settings) { s.Hub = s.Hub[:20] }, field.ErrBadHubID},
		{"central ID mistyped", func(s *field.Settings) { s.Central = meshtest.Mistype(s.Central) }, field.ErrBadCentralID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.change(&s)
			got, err := s.Check()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Check: %v, want %v", err, tt.want)
			}
			if err == nil && got != good {
				t.Errorf("canonical form %+v, want %+v", got, good)
			}
		})
	}

	dir := t.TempDir()
	if _, err := field.LoadSettings(dir); !errors.Is(err, field.ErrNoSettings) {
		t.Errorf("no settings yet: %v", err)
	}
	if _, err := field.SaveSettings(dir, field.Settings{Commune: "../x"}); !errors.Is(err, province.ErrBadCommune) {
		t.Errorf("bad settings saved: %v", err)
	}
	if _, err := field.SaveSettings(dir, good); err != nil {
		t.Fatal(err)
	}
	if got, err := field.LoadSettings(dir); err != nil || got != good {
		t.Errorf("load: %+v, %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, field.SettingsName), []byte(`{"commune":"1","hubb":"x"}`), 0o600)
	if _, err := field.LoadSettings(dir); err == nil || errors.Is(err, field.ErrNoSettings) {
		t.Errorf("a misspelt field: %v", err)
	}
}

// TestDevice runs a volunteer's device as the app does, through a hub to
// central: the sealed dossier goes out, its receipt comes back, the
// status says so, central's new catalogue is taken, and a catalogue the
// hub wrote itself is refused while central's stays in use.
func TestDevice(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	cpub, cpriv, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	rpub, _, _ := agekey.Generate()
	devDir := filepath.Join(t.TempDir(), "volunteer")
	w, err := volunteer.Init(devDir, volunteer.Passphrase("mật khẩu của tổ thử nghiệm"), volunteer.Setup{Central: cpub, Recovery: rpub},
		vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	id := dossiertest.SealOne(t, w.Desk, "Lò Thị Mai")

	devID, err := field.DeviceID(devDir)
	if err != nil {
		t.Fatal(err)
	}
	dev := &provincetest.Site{ID: devID, Addr: meshtest.FreeAddr(t), Dir: devDir}
	hub, cen := provincetest.NewSite(t, t.TempDir(), "hub"), provincetest.NewSite(t, t.TempDir(), "central")
	st := storetest.OpenDir(t, filepath.Join(cen.Dir, "store"))
	if _, err := central.Enroll(st, mesh.ParseID, dev.ID, "thôn Đông", time.Now()); err != nil {
		t.Fatal(err)
	}
	hub.Start(t, []*provincetest.Site{dev, cen}, province.HubFolders(hub.Dir, []string{"25252"}, []string{dev.ID, cen.ID}), nil)
	defer hub.Node.Close()
	cen.Start(t, []*provincetest.Site{hub}, province.CentralFolders(cen.Dir, []province.Hub{{Commune: "25252", ID: hub.ID}}), nil)
	defer cen.Node.Close()
	c := central.New(central.Config{Store: st, Key: cpriv, Node: cen.Node,
		CommuneID: province.CommuneFolder("25252"), CommuneDir: filepath.Join(cen.Dir, province.CommuneFolder("25252")),
		ReceiptsID: province.ReceiptsFolder("25252"), ReceiptsDir: filepath.Join(cen.Dir, province.ReceiptsFolder("25252")),
		CatalogID: province.CatalogFolder, CatalogDir: filepath.Join(cen.Dir, province.CatalogFolder), DataDir: cen.Dir, Interval: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	var mu sync.Mutex
	var got []*catalog.Catalog
	d, err := field.NewDevice(field.DeviceConfig{Dir: devDir, Outbox: w.Outbox, Interval: time.Second,
		Settings:  field.Settings{Commune: "25252", Listen: dev.Addr, Hub: hub.ID, HubAddr: hub.Addr, Central: cen.ID},
		OnCatalog: func(c *catalog.Catalog) { mu.Lock(); got = append(got, c); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	dctx, stopDevice := context.WithCancel(context.Background())
	devDone := make(chan error, 1)
	go func() { devDone <- d.Run(dctx) }()
	defer func() {
		stopDevice()
		if err := <-devDone; err != nil {
			t.Error(err)
		}
	}()

	meshtest.WaitFor(t, "the receipt", func() bool {
		e, _ := w.Outbox.Entry(id)
		return e.State == outbox.Receipted
	}, d, hub.Node, cen.Node)
	meshtest.WaitFor(t, "the status to show everything sent", func() bool {
		s := d.Status()
		return s.HubConnected && s.SendFiles == 0 && !s.LastSync.IsZero() && s.Err == nil
	}, d)

	// The office moves the dossier on: the pass that records it says so,
	// so that whoever watches the device (the app's panel, dinhd's
	// session) hears of it even when nothing else changed.
	e, _ := w.Outbox.Entry(id)
	if _, err := c.SetStatus(e.Receipt, receipt.ResultReady); err != nil {
		t.Fatal(err)
	}
	for deadline := time.After(2 * time.Minute); d.Status().Updates == 0; {
		ch := d.Changed()
		if d.Status().Updates > 0 {
			break
		}
		select {
		case <-ch:
		case <-deadline:
			e, _ := w.Outbox.Entry(id)
			t.Fatalf("no pass reported the status update; the outbox has %+v", e.Progress)
		}
	}
	if e, _ := w.Outbox.Entry(id); len(e.Progress) != 1 || e.Progress[0].Status != receipt.ResultReady {
		t.Errorf("progress after the update: %+v", e.Progress)
	}

	// Central publishes a new catalogue; the device takes it.
	sample := withUpdated(string(assets.SampleCatalog()), "2027-01-15")
	file := filepath.Join(t.TempDir(), "catalog.json")
	os.WriteFile(file, []byte(sample), 0o600)
	if err := c.PublishCatalog(file); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the device to take the new catalogue", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 1 && got[0].Updated == "2027-01-15"
	}, d, hub.Node, cen.Node)
	if kept, err := field.LoadCatalog(devDir); err != nil || kept.Updated != "2027-01-15" {
		t.Fatalf("kept catalogue: %v", err)
	}

	// keptNewer checks that, after a refused catalogue, the device keeps
	// central's of 2027-01-15 and the app was given no other.
	keptNewer := func(refused string) {
		t.Helper()
		if kept, err := field.LoadCatalog(devDir); err != nil || kept.Updated != "2027-01-15" {
			t.Errorf("after %s, kept %v, %v", refused, kept, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 {
			t.Errorf("%s reached the app: %d catalogues", refused, len(got))
		}
	}
	// The hub writes a catalogue of its own: refused, central's stays.
	rogue := withUpdated(sample, "2027-02-01")
	os.WriteFile(filepath.Join(hub.Dir, province.CatalogFolder, province.CatalogName), []byte(rogue), 0o600)
	if err := hub.Node.Scan(province.CatalogFolder); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub's catalogue to be refused as not central's", func() bool {
		return errors.Is(d.Status().CatalogErr, field.ErrCatalogNotCentral)
	}, d, hub.Node)
	keptNewer("the hub's catalogue")

	// Central, restored from an old backup, publishes an older catalogue:
	// refused, the newer one stays.
	os.WriteFile(file, []byte(withUpdated(sample, "2026-12-01")), 0o600)
	if err := c.PublishCatalog(file); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the older catalogue to be refused", func() bool {
		return errors.Is(d.Status().CatalogErr, field.ErrCatalogOlder)
	}, d, hub.Node, cen.Node)
	keptNewer("the older catalogue")
}

// withUpdated sets a catalogue's own date, the first "updated" field.
func withUpdated(catalogJSON, date string) string {
	loc := regexp.MustCompile(`"updated":\s*"[0-9-]+"`).FindStringIndex(catalogJSON)
	return catalogJSON[:loc[0]] + `"updated": "` + date + `"` + catalogJSON[loc[1]:]
}

// TestNewDeviceRefusesTakenPort: a device told to listen where another
// program already does is refused at once, naming the address, and
// nothing starts.
func TestNewDeviceRefusesTakenPort(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ob := outbox.New(st, filepath.Join(dir, "outbox"), time.Now, time.Hour)
	hub, _ := mesh.Identity(filepath.Join(t.TempDir(), "hub"))
	cen, _ := mesh.Identity(filepath.Join(t.TempDir(), "cen"))
	addr := "tcp://" + taken.Addr().String()
	_, err = field.NewDevice(field.DeviceConfig{Dir: dir, Outbox: ob,
		Settings: field.Settings{Commune: "25252", Listen: addr, Hub: hub, HubAddr: meshtest.FreeAddr(t), Central: cen}})
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("got %v, want the address in use named", err)
	}
}
