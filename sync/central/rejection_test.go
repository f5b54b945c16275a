package central

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

// TestDamagedAtTheHubIsSentAgain: a byte flips in the hub's copy of a
// sealed dossier before central has it (a bad card in the commune's
// machine), and the hub sends on its damaged copy. Central refuses it in a
// signed rejection; the device, whose own copy is sound, sends a fresh
// one by itself; central ingests that once, and the receipt comes back.
// Nothing is lost and no one has to act.
func TestDamagedAtTheHubIsSentAgain(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	cpub, cpriv, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	dev, hub, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")
	w, err := volunteer.Init(filepath.Join(dev.Dir, "volunteer"), volunteer.Passphrase(pass), volunteer.Setup{Central: cpub, Recovery: rpub}, fastVault)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	id := dossiertest.SealOne(t, w.Desk, "Lê Thị Hoa")

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		for _, s := range []*provincetest.Site{dev, hub, cen} {
			if s.Node != nil {
				s.Node.Close()
			}
		}
	}()
	run := func(f func(context.Context) error) { wg.Go(func() { f(ctx) }) }

	// The device and the hub first; central is not up yet.
	start(t, hub, []*provincetest.Site{dev, cen}, mesh.SendReceive, mesh.SendReceive, nil)
	start(t, dev, []*provincetest.Site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	fcfg := field.Config{Node: dev.Node, CommuneID: communeID, CommuneDir: filepath.Join(dev.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(dev.Dir, "receipts"), Hub: hub.ID, Central: cen.ID,
		Outbox: w.Outbox, OutboxDir: filepath.Join(w.Dir, "outbox"), Interval: time.Second}
	run(func(ctx context.Context) error { return field.Run(ctx, fcfg) })
	rel := dev.ID + "/" + id + seal.Ext
	atHub := filepath.Join(hub.Dir, "commune", filepath.FromSlash(rel))
	meshtest.WaitFor(t, "the hub to have the device's dossier", func() bool {
		ok, _ := hub.Node.WrittenBy(communeID, rel, dev.ID)
		_, err := os.Stat(atHub)
		return ok && err == nil && entry(w, id).State == outbox.Delivered
	}, dev.Node, hub.Node)

	// The fault: the hub's copy changes on its disk, and the hub's node
	// takes it for a change of its own.
	b, err := os.ReadFile(atHub)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x08
	if err := os.WriteFile(atHub, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := hub.Node.Scan(communeID); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the hub to announce its damaged copy", func() bool {
		ok, _ := hub.Node.WrittenBy(communeID, rel, hub.ID)
		return ok
	}, hub.Node)

	// Central comes up and gets the hub's copy.
	st, err := store.Open(filepath.Join(cen.Dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Enroll(st, mesh.ParseID, dev.ID, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	var cenLog meshtest.LogBuf
	start(t, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	c := New(atSite(cen, st, cpriv, func(c *Config) { c.Log, c.Interval = slog.New(slog.NewTextHandler(&cenLog, nil)), time.Second }))
	run(c.Run)

	meshtest.WaitFor(t, "the receipt on the device", func() bool { return entry(w, id).State == outbox.Receipted }, dev.Node, hub.Node, cen.Node)

	// The fault reached central, which refused the damaged copy...
	why, err := readWhy(cen.Dir, dev.ID+"-"+id+seal.Ext)
	if err != nil || !strings.HasPrefix(string(why), receipt.NotFromDevice+":") {
		t.Errorf("central's quarantine: %q, %v; want the hub's copy refused as not the device's", why, err)
	}
	// ...the device heard why and sent a fresh copy by itself...
	e := entry(w, id)
	told := false
	for _, h := range e.History {
		told = told || strings.Contains(h.Note, "rejected by central: "+receipt.NotFromDevice)
	}
	if !told || e.Rejection != nil {
		t.Errorf("the device's history: %+v (rejection %+v); want the refusal told, then cleared by the receipt", e.History, e.Rejection)
	}
	// ...and central holds the dossier once, with one receipt.
	if ids, _ := st.IngestedIDs(); len(ids) != 1 || ids[0] != id {
		t.Errorf("central ingested %v, want %s once", ids, id)
	}
	rec, err := c.Lookup(e.Receipt)
	if err != nil || rec.DossierID != id {
		t.Errorf("the receipt %s: %+v, %v", e.Receipt, rec, err)
	}
	if _, err := os.Stat(filepath.Join(cen.Dir, "receipts", receipt.RejectionPath(dev.ID, id))); !os.IsNotExist(err) {
		t.Errorf("the refusal outlived the receipt: %v", err)
	}
}

func entry(w *volunteer.Workspace, id string) outbox.Entry {
	e, _ := w.Outbox.Entry(id)
	return e
}
