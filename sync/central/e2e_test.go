package central

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

const (
	communeID  = "dinh-commune-test"
	receiptsID = "dinh-receipts-test"
	pass       = "mật khẩu của tổ thử nghiệm"
)

var fastVault = vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}

// openCentral opens central's store in the site's folder, closed when the
// test ends, with the given devices enrolled.
func openCentral(t testing.TB, cen *provincetest.Site, enrolled ...string) *store.Store {
	t.Helper()
	st := storetest.OpenDir(t, filepath.Join(cen.Dir, "store"))
	for _, id := range enrolled {
		if _, err := Enroll(st, mesh.ParseID, id, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// atSite is central's configuration on a test site: its node, and the
// commune and receipts folders under the site's folder, as start shares
// them; more sets what a test needs besides (a log, an interval).
func atSite(cen *provincetest.Site, st *store.Store, key agekey.Private, more ...func(*Config)) Config {
	c := Config{Store: st, Key: key, Node: cen.Node, CommuneID: communeID, CommuneDir: filepath.Join(cen.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(cen.Dir, "receipts"), DataDir: cen.Dir}
	for _, f := range more {
		f(&c)
	}
	return c
}

// start starts the site's node with the commune and receipts folders,
// shared with every peer.
func start(t testing.TB, s *provincetest.Site, peers []*provincetest.Site, commune, receipts mesh.FolderType, log *slog.Logger) {
	t.Helper()
	ids := provincetest.IDs(peers...)
	s.Start(t, peers, []mesh.Folder{
		{ID: communeID, Path: filepath.Join(s.Dir, "commune"), Type: commune, Peers: ids},
		{ID: receiptsID, Path: filepath.Join(s.Dir, "receipts"), Type: receipts, Peers: ids},
	}, log)
}

// TestEndToEnd: two volunteers' devices, a commune hub and the central
// server, all on loopback. Each device seals a villager's dossier; it
// travels through the hub; central ingests it once and its receipt comes
// back to the device; a status set at central reaches the device; a
// device not enrolled waits until it is; nothing runs after the end.
func TestEndToEnd(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	cpub, cpriv, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	rpub, _, _ := agekey.Generate()
	dev1, dev2, hub, cen := provincetest.NewSite(t, base, "dev1"), provincetest.NewSite(t, base, "dev2"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")

	// The volunteers seal their dossiers while offline.
	ws := map[*provincetest.Site]*volunteer.Workspace{}
	ids := map[*provincetest.Site]string{}
	for i, s := range []*provincetest.Site{dev1, dev2} {
		w, err := volunteer.Init(filepath.Join(s.Dir, "volunteer"), volunteer.Passphrase(pass), volunteer.Setup{Central: cpub, Recovery: rpub}, fastVault)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		ws[s] = w
		ids[s] = dossiertest.SealOne(t, w.Desk, []string{"Nguyễn Thị Lan", "Trần Văn Bình"}[i])
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		for _, s := range []*provincetest.Site{dev1, dev2, hub, cen} {
			if s.Node != nil {
				s.Node.Close()
			}
		}
	}()
	run := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}

	// Central: only dev1 is enrolled for now.
	st, err := store.Open(filepath.Join(cen.Dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Enroll(st, mesh.ParseID, dev1.ID, "Tổ công nghệ số thôn Đông", time.Now()); err != nil {
		t.Fatal(err)
	}
	var cenLog meshtest.LogBuf
	start(t, hub, []*provincetest.Site{dev1, dev2, cen}, mesh.SendReceive, mesh.SendReceive, nil)
	start(t, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	c := New(atSite(cen, st, cpriv, func(c *Config) { c.Log, c.Interval = slog.New(slog.NewTextHandler(&cenLog, nil)), time.Second }))
	run(c.Run)
	for _, s := range []*provincetest.Site{dev1, dev2} {
		start(t, s, []*provincetest.Site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
		w := ws[s]
		cfg := field.Config{Node: s.Node, CommuneID: communeID, CommuneDir: filepath.Join(s.Dir, "commune"),
			ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(s.Dir, "receipts"), Hub: hub.ID, Central: cen.ID,
			Outbox: w.Outbox, OutboxDir: filepath.Join(w.Dir, "outbox"), Interval: time.Second}
		run(func(ctx context.Context) error { return field.Run(ctx, cfg) })
	}

	state := func(s *provincetest.Site) outbox.Entry {
		e, _ := ws[s].Outbox.Entry(ids[s])
		return e
	}
	meshtest.WaitFor(t, "dev1's receipt", func() bool { return state(dev1).State == outbox.Receipted }, dev1.Node, hub.Node, cen.Node)
	e1 := state(dev1)
	if !strings.HasPrefix(e1.Receipt, "DH-") || e1.DeliveredAt.IsZero() {
		t.Errorf("dev1's entry: %+v", e1)
	}
	hist := []outbox.State{}
	for _, h := range e1.History {
		hist = append(hist, h.State)
	}
	if !slices.Equal(hist, []outbox.State{outbox.Draft, outbox.Sealed, outbox.Queued, outbox.Delivered, outbox.Receipted}) {
		t.Errorf("dev1's history: %v", hist)
	}

	// dev2 is not enrolled: its dossier reaches the hub and central's
	// folder but is not ingested, and central says why.
	meshtest.WaitFor(t, "dev2's dossier to be delivered to the hub", func() bool { return state(dev2).State == outbox.Delivered }, dev2.Node, hub.Node)
	meshtest.WaitFor(t, "central to log the unenrolled device", func() bool { return strings.Contains(cenLog.String(), "not enrolled") }, cen.Node)
	if state(dev2).State == outbox.Receipted {
		t.Fatal("a dossier from a device that is not enrolled was receipted")
	}
	if _, err := Enroll(st, mesh.ParseID, dev2.ID, "Tổ công nghệ số thôn Tây", time.Now()); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "dev2's receipt once enrolled", func() bool { return state(dev2).State == outbox.Receipted }, dev2.Node, hub.Node, cen.Node)

	// Central holds each dossier once, readable, with its receipt.
	for _, s := range []*provincetest.Site{dev1, dev2} {
		rec, err := c.Lookup(strings.ToLower(state(s).Receipt))
		if err != nil || rec.DossierID != ids[s] || rec.Device != s.ID {
			t.Errorf("central's record for %s: %+v, %v", s.ID[:7], rec, err)
		}
		raw, err := os.ReadFile(filepath.Join(cen.Dir, "dossiers", ids[s], dossier.PartRecord))
		if err != nil || !bytes.Contains(raw, []byte(ids[s])) {
			t.Errorf("extracted dossier %s: %v", ids[s], err)
		}
	}

	// A kiosk looks the receipt up; the answer holds no personal data.
	srv := httptest.NewServer(c.Handler())
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL + "/api/v1/dossiers/" + e1.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	body := new(bytes.Buffer)
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	var got Status
	json.Unmarshal(body.Bytes(), &got)
	if resp.StatusCode != 200 || got.Receipt != e1.Receipt || got.Status != receipt.Received || got.Procedure != "1.001193" {
		t.Errorf("status API: %d %s", resp.StatusCode, body)
	}
	for _, secret := range []string{"Nguyễn", "Lan", "001090012345", ids[dev1]} {
		if strings.Contains(body.String(), secret) {
			t.Errorf("status API reveals %q: %s", secret, body)
		}
	}
	if resp, err := client.Get(srv.URL + "/api/v1/dossiers/" + withCheck("DH-2222-222")); err != nil {
		t.Errorf("unknown receipt: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown receipt: %s", resp.Status)
		}
	}

	// The administrator sets a status; it reaches the device.
	if _, err := c.SetStatus(e1.Receipt, receipt.Processing); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the status update on dev1", func() bool {
		p := state(dev1).Progress
		return len(p) == 1 && p[0].Status == receipt.Processing
	}, dev1.Node, hub.Node)

	// The same dossier delivered again gives no second receipt.
	before, _ := st.IngestedIDs()
	again := filepath.Join(cen.Dir, "commune", dev1.ID, ids[dev1]+seal.Ext)
	rep, err := c.Pass()
	if err != nil || rep.Ingested != 0 {
		t.Errorf("a pass over what was ingested: %+v, %v", rep, err)
	}
	if _, err := os.Stat(again); err != nil {
		t.Errorf("the sealed file left central's commune folder: %v", err)
	}
	after, _ := st.IngestedIDs()
	if len(before) != 2 || len(after) != 2 {
		t.Errorf("ingested %d then %d dossiers, want 2", len(before), len(after))
	}
}
