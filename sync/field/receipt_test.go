package field_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/province"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

// forgedVersions is the device's node as a rogue hub would make it see
// the receipts folder: every file there claims to be central's (a hub can
// forge Syncthing's version vectors, which nobody signs).
type forgedVersions struct{ field.Node }

func (forgedVersions) WrittenBy(folder, path, device string) (bool, error) { return true, nil }

// TestForgedReceiptIsIgnored: a receipt a hub forged for a dossier central
// never got, signed with the hub's own key, does not receipt the dossier
// (the device would then drop the draft it keeps for it); central's own
// receipt does.
func TestForgedReceiptIsIgnored(t *testing.T) {
	w, dir := workspace(t)
	id := dossiertest.SealOne(t, w.Desk, "Lò Thị Mai")

	base := t.TempDir()
	hub, cen, dev := provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central"), provincetest.NewSite(t, base, "device")
	commune := province.CommuneFolder("25252")
	dev.Start(t, nil, []mesh.Folder{{ID: commune, Path: filepath.Join(dev.Dir, commune), Type: mesh.SendOnly}}, nil)
	defer dev.Node.Close()
	cfg := field.Config{Node: forgedVersions{dev.Node}, CommuneID: commune, CommuneDir: filepath.Join(dev.Dir, commune),
		ReceiptsID: province.ReceiptsFolder("25252"), ReceiptsDir: filepath.Join(dev.Dir, "receipts"),
		Hub: hub.ID, Central: cen.ID, Outbox: w.Outbox, OutboxDir: filepath.Join(dir, "outbox")}
	if rep, err := field.Pass(cfg); err != nil || rep.Queued != 1 {
		t.Fatalf("first pass: %+v, %v", rep, err)
	}

	at := time.Now().UTC()
	writeReceipt := func(signerDir string) {
		t.Helper()
		s, err := mesh.LoadSigner(filepath.Join(signerDir, "mesh"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := receipt.Receipt{DossierID: id, Code: receipt.NewCode(), Received: at,
			History: []receipt.Update{{Status: receipt.Received, At: at}}}.Marshal(s.Sign)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(cfg.ReceiptsDir, receipt.Path(dev.ID, id))
		os.MkdirAll(filepath.Dir(dst), 0o700)
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeReceipt(hub.Dir)
	if rep, err := field.Pass(cfg); err != nil || rep.Receipted != 0 {
		t.Fatalf("pass over the hub's receipt: %+v, %v", rep, err)
	}
	if e, _ := w.Outbox.Entry(id); e.State != outbox.Queued {
		t.Fatalf("after the hub's receipt the dossier is %s, want still queued", e.State)
	}

	writeReceipt(cen.Dir)
	if rep, err := field.Pass(cfg); err != nil || rep.Receipted != 1 {
		t.Fatalf("pass over central's receipt: %+v, %v", rep, err)
	}
	if e, _ := w.Outbox.Entry(id); e.State != outbox.Receipted {
		t.Errorf("after central's receipt the dossier is %s, want receipted", e.State)
	}
}
