package field_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/province"
	"dinh/sync/province/provincetest"
)

// TestPassDoesNotSendADamagedFile: a sealed file whose bytes changed on
// the device's disk after sealing is not handed to the commune folder; it
// is marked damaged, and once the desk seals it again from the kept
// draft, the next pass sends the good file.
func TestPassDoesNotSendADamagedFile(t *testing.T) {
	w, dir := workspace(t)
	id := dossiertest.SealOne(t, w.Desk, "Lò Thị Mai")
	sealed := filepath.Join(dir, "outbox", id+seal.Ext)
	b, _ := os.ReadFile(sealed)
	b[len(b)/2] ^= 0x02
	os.WriteFile(sealed, b, 0o600)

	hub := provincetest.NewSite(t, t.TempDir(), "hub")
	dev := provincetest.NewSite(t, t.TempDir(), "device")
	commune := province.CommuneFolder("25252")
	dev.Start(t, nil, []mesh.Folder{{ID: commune, Path: filepath.Join(dev.Dir, commune), Type: mesh.SendOnly}}, nil)
	defer dev.Node.Close()
	cfg := field.Config{Node: dev.Node, CommuneID: commune, CommuneDir: filepath.Join(dev.Dir, commune),
		ReceiptsID: province.ReceiptsFolder("25252"), ReceiptsDir: filepath.Join(dev.Dir, "receipts"),
		Hub: hub.ID, Outbox: w.Outbox, OutboxDir: filepath.Join(dir, "outbox")}
	placed := filepath.Join(dev.Dir, commune, dev.ID, id+seal.Ext)

	rep, err := field.Pass(cfg)
	if err != nil || rep.Damaged != 1 || rep.Queued != 0 {
		t.Fatalf("pass over a damaged file: %+v, %v", rep, err)
	}
	if _, err := os.Stat(placed); err == nil {
		t.Fatal("the damaged file was handed to the commune folder")
	}
	if e, _ := w.Outbox.Entry(id); e.State != outbox.Damaged {
		t.Fatalf("the dossier is %s, want damaged", e.State)
	}

	if _, err := w.Desk.Seal(context.Background(), id, nil); err != nil {
		t.Fatalf("sealing again: %v", err)
	}
	if rep, err := field.Pass(cfg); err != nil || rep.Queued != 1 {
		t.Fatalf("pass after sealing again: %+v, %v", rep, err)
	}
	good, _ := os.ReadFile(sealed)
	if got, err := os.ReadFile(placed); err != nil || string(got) != string(good) {
		t.Fatalf("the commune folder has %d bytes (%v), want the file sealed again", len(got), err)
	}
}

// TestSealedAgainReplacesTheCopy: the outbox file is damaged after it was
// handed over (its link in the commune folder with it), found by a check
// outside the pass (dinhd dossier list, the app), and sealed again: the
// next pass replaces the copy in the commune folder with the new file,
// though both have the same size.
func TestSealedAgainReplacesTheCopy(t *testing.T) {
	w, dir := workspace(t)
	id := dossiertest.SealOne(t, w.Desk, "Lò Văn Pọm")
	hub := provincetest.NewSite(t, t.TempDir(), "hub")
	dev := provincetest.NewSite(t, t.TempDir(), "device")
	commune := province.CommuneFolder("25252")
	dev.Start(t, nil, []mesh.Folder{{ID: commune, Path: filepath.Join(dev.Dir, commune), Type: mesh.SendOnly}}, nil)
	defer dev.Node.Close()
	cfg := field.Config{Node: dev.Node, CommuneID: commune, CommuneDir: filepath.Join(dev.Dir, commune),
		ReceiptsID: province.ReceiptsFolder("25252"), ReceiptsDir: filepath.Join(dev.Dir, "receipts"),
		Hub: hub.ID, Outbox: w.Outbox, OutboxDir: filepath.Join(dir, "outbox")}
	if rep, err := field.Pass(cfg); err != nil || rep.Queued != 1 {
		t.Fatalf("first pass: %+v, %v", rep, err)
	}
	sealed, placed := filepath.Join(dir, "outbox", id+seal.Ext), filepath.Join(dev.Dir, commune, dev.ID, id+seal.Ext)
	f, err := os.OpenFile(sealed, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff, 0x00, 0xff}, 100) // in place: the link sees it too
	f.Close()
	if damaged, err := w.Outbox.CheckAll(); err != nil || len(damaged) != 1 {
		t.Fatalf("the check: %v, %v", damaged, err)
	}
	if _, err := w.Desk.Seal(context.Background(), id, nil); err != nil {
		t.Fatalf("sealing again: %v", err)
	}
	if _, err := field.Pass(cfg); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(sealed)
	if got, err := os.ReadFile(placed); err != nil || string(got) != string(good) {
		t.Fatalf("the commune folder keeps the damaged copy (%d bytes, %v), not the file sealed again", len(got), err)
	}
}

// workspace is a volunteer's device set up in a folder of its own, its
// vault open, closed when the test ends.
func workspace(t *testing.T) (*volunteer.Workspace, string) {
	t.Helper()
	cpub, _, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	dir := t.TempDir()
	w, err := volunteer.Init(dir, volunteer.Passphrase("mật khẩu thử nghiệm"), volunteer.Setup{Central: cpub, Recovery: rpub},
		vault.Options{IdleTimeout: -1, KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, dir
}
