package central

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dinh/internal/testenv"
	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

// pair is a device and central connected directly, central with its store.
type pair struct {
	dev, cen *provincetest.Site
	st       *store.Store
	key      agekey.Private
	devKey   ed25519.PrivateKey
	log      *meshtest.LogBuf
	dataDir  string
}

func newPair(t testing.TB, dataDir string) *pair {
	t.Helper()
	base := t.TempDir()
	p := &pair{dev: provincetest.NewSite(t, base, "dev"), cen: provincetest.NewSite(t, base, "central"), log: &meshtest.LogBuf{}, dataDir: dataDir}
	if p.dataDir == "" {
		p.dataDir = p.cen.Dir
	}
	var err error
	_, p.key, err = agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	_, p.devKey, _ = ed25519.GenerateKey(rand.Reader)
	p.st = storetest.OpenDir(t, filepath.Join(p.cen.Dir, "store"))
	if _, err := Enroll(p.st, mesh.ParseID, p.dev.ID, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	start(t, p.cen, []*provincetest.Site{p.dev}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	t.Cleanup(func() { p.cen.Node.Close() })
	start(t, p.dev, []*provincetest.Site{p.cen}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	t.Cleanup(func() { p.dev.Node.Close() })
	return p
}

func (p *pair) central() *Central {
	return New(Config{Store: p.st, Key: p.key, Node: p.cen.Node, CommuneID: communeID, CommuneDir: filepath.Join(p.cen.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(p.cen.Dir, "receipts"), DataDir: p.dataDir,
		Log: slog.New(slog.NewTextHandler(p.log, nil))})
}

// send seals a dossier of size bytes on the device, as a device would,
// optionally changes it, and waits until central has the file.
func (p *pair) send(t testing.TB, id string, size int, change func([]byte)) {
	t.Helper()
	content := make([]byte, size)
	rand.Read(content)
	b := dossiertest.Sealed(t, id, content, p.key.Public(), p.devKey)
	if change != nil {
		change(b)
	}
	dir := filepath.Join(p.dev.Dir, "commune", p.dev.ID)
	os.MkdirAll(dir, 0o700)
	if err := os.WriteFile(filepath.Join(dir, id+seal.Ext), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.dev.Node.Scan(communeID); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(p.cen.Dir, "commune", p.dev.ID, id+seal.Ext)
	meshtest.WaitFor(t, "central to have "+id, func() bool {
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, b) {
			return false
		}
		ok, _ := p.cen.Node.WrittenBy(communeID, p.dev.ID+"/"+id+seal.Ext, p.dev.ID)
		return ok
	}, p.cen.Node)
}

func (p *pair) receipts(t testing.TB) map[string]receipt.Receipt {
	t.Helper()
	out := map[string]receipt.Receipt{}
	dir := filepath.Join(p.cen.Dir, "receipts", p.dev.ID)
	names, _ := os.ReadDir(dir)
	for _, n := range names {
		if !strings.HasSuffix(n.Name(), ".json") || strings.HasSuffix(n.Name(), ".rejected.json") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, n.Name()))
		r, err := receipt.Parse(b, func(msg, cert, sig []byte) error { return mesh.VerifySigned(p.cen.ID, msg, cert, sig) })
		if err != nil {
			t.Fatalf("receipt %s: %v", n.Name(), err)
		}
		out[r.DossierID] = r
	}
	return out
}

// TestTamperedDossierIsQuarantined: a sealed dossier changed on the way
// is kept aside with the reason and reported; it gets no receipt, and the
// good one beside it does.
func TestTamperedDossierIsQuarantined(t *testing.T) {
	p := newPair(t, "")
	p.send(t, "GOODDOSSIER", 4096, nil)
	p.send(t, "BADDOSSIER", 4096, func(b []byte) { b[len(b)/2] ^= 0x40 })
	bad, _ := os.ReadFile(filepath.Join(p.cen.Dir, "commune", p.dev.ID, "BADDOSSIER"+seal.Ext))
	c := p.central()
	rep, err := c.Pass()
	if err != nil || rep.Ingested != 1 || rep.Quarantined != 1 {
		t.Fatalf("pass: %+v, %v", rep, err)
	}
	// The device is told, in a rejection only central could sign.
	rejection := filepath.Join(p.cen.Dir, "receipts", receipt.RejectionPath(p.dev.ID, "BADDOSSIER"))
	raw, err := os.ReadFile(rejection)
	if err != nil {
		t.Fatalf("no rejection for the device: %v", err)
	}
	rej, err := receipt.ParseRejection(raw, func(msg, cert, sig []byte) error { return mesh.VerifySigned(p.cen.ID, msg, cert, sig) })
	if sum := sha256.Sum256(bad); err != nil || rej.Reason != receipt.Damaged || rej.DossierID != "BADDOSSIER" || rej.SHA256 != hex.EncodeToString(sum[:]) || rej.CentralKey != "" {
		t.Errorf("rejection: %+v, %v; want damaged, with the hash of the bytes central got and no key (that is for one sealed for another)", rej, err)
	}
	if _, err := receipt.ParseRejection(raw, func(msg, cert, sig []byte) error { return mesh.VerifySigned(p.dev.ID, msg, cert, sig) }); err == nil {
		t.Error("the rejection checks as the device's own")
	}
	rs := p.receipts(t)
	if _, ok := rs["BADDOSSIER"]; ok || len(rs) != 1 {
		t.Errorf("receipts: %v", rs)
	}
	why, err := readWhy(p.cen.Dir, p.dev.ID+"-BADDOSSIER.dseal")
	if err != nil || !strings.Contains(string(why), "changed") {
		t.Errorf("quarantine reason: %q, %v", why, err)
	}
	if !strings.Contains(p.log.String(), "quarantined") {
		t.Errorf("log: %s", p.log.String())
	}
	if rep, _ := c.Pass(); rep.Quarantined != 1 || rep.Ingested != 0 || strings.Count(p.log.String(), "quarantined") != 1 {
		t.Errorf("a second pass reported the same file again: %+v", rep)
	}

	// A fresh copy of the refused dossier (sealed again from the kept
	// draft, after the flipped byte was found) is tried, and ingested
	// once: quarantine is by content, not by name.
	p.send(t, "BADDOSSIER", 4096, nil)
	if rep, err := c.Pass(); err != nil || rep.Ingested != 1 {
		t.Fatalf("the fresh copy: %+v, %v", rep, err)
	}
	if rs := p.receipts(t); len(rs) != 2 {
		t.Errorf("receipts after the fresh copy: %v", rs)
	}
	if _, err := os.Stat(rejection); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refusal of the damaged copy outlived the receipt: %v", err)
	}
}

// readWhy reads the reason central wrote beside a quarantined file, whose
// name ends with a hash of its content.
func readWhy(dir, prefix string) ([]byte, error) {
	m, _ := filepath.Glob(filepath.Join(dir, "quarantine", prefix+"-*.why.txt"))
	if len(m) != 1 {
		return nil, fmt.Errorf("%d reasons for %s, want 1", len(m), prefix)
	}
	return os.ReadFile(m[0])
}

// TestForeignFolderIsQuarantined: a device that writes a dossier into
// another device's folder cannot pass it off as that device's: central
// quarantines it with the reason and gives it no receipt.
func TestForeignFolderIsQuarantined(t *testing.T) {
	base := t.TempDir()
	victim, rogue, cen := provincetest.NewSite(t, base, "victim"), provincetest.NewSite(t, base, "rogue"), provincetest.NewSite(t, base, "central")
	_, key, _ := agekey.Generate()
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	st := openCentral(t, cen, victim.ID, rogue.ID)
	start(t, cen, []*provincetest.Site{victim, rogue}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.Node.Close()
	start(t, rogue, []*provincetest.Site{cen}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	defer rogue.Node.Close()

	b := dossiertest.Sealed(t, "FOREIGN", []byte("hồ sơ giả"), key.Public(), devKey)
	dir := filepath.Join(rogue.Dir, "commune", victim.ID)
	os.MkdirAll(dir, 0o700)
	if err := os.WriteFile(filepath.Join(dir, "FOREIGN"+seal.Ext), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rogue.Node.Scan(communeID); err != nil {
		t.Fatal(err)
	}
	rel := victim.ID + "/FOREIGN" + seal.Ext
	meshtest.WaitFor(t, "central to index the rogue's file", func() bool {
		_, err := os.Stat(filepath.Join(cen.Dir, "commune", rel))
		ok, _ := cen.Node.WrittenBy(communeID, rel, rogue.ID)
		return err == nil && ok
	}, cen.Node)
	c := New(atSite(cen, st, key, func(c *Config) { c.Log = slog.New(slog.DiscardHandler) }))
	rep, err := c.Pass()
	if err != nil || rep.Quarantined != 1 || rep.Ingested != 0 {
		t.Fatalf("pass: %+v, %v; want the file quarantined", rep, err)
	}
	why, err := readWhy(cen.Dir, victim.ID+"-FOREIGN"+seal.Ext)
	if err != nil || !strings.Contains(string(why), "not written by the device") {
		t.Errorf("quarantine reason: %q, %v", why, err)
	}
	if ids, _ := st.IngestedIDs(); len(ids) != 0 {
		t.Errorf("ingested %v", ids)
	}
}

// TestCentralKilledDuringIngest kills central's process with SIGKILL at
// each step between extracting a dossier and recording it, then starts
// central again from its folders: a new pass ingests the dossier once and
// leaves no half-extracted folder; after the receipt file is deleted, one
// more pass writes it again with the same code.
func TestCentralKilledDuringIngest(t *testing.T) {
	tests := []struct {
		stop string
		// left is what the kill left in central's data folder.
		left string
	}{
		{"extracted", "D1.tmp"}, // extracted beside the final folder
		{"renamed", "D1"},       // in place, but not recorded
	}
	for _, tt := range tests {
		t.Run(tt.stop, func(t *testing.T) {
			p := newPair(t, "")
			p.send(t, "D1", 1<<20, nil)
			p.cen.Node.Close()
			p.st.Close()
			ch := startChild(t, childSpec{Dir: p.cen.Dir, Listen: p.cen.Addr, Peers: []mesh.Peer{{ID: p.dev.ID, Addr: p.dev.Addr}},
				Commune: mesh.ReceiveOnly, Receipts: mesh.SendOnly, Key: p.key.String(), Stop: tt.stop})
			ch.await(t, tt.stop)
			ch.kill(t)
			dossiers := filepath.Join(p.cen.Dir, "dossiers")
			if _, err := os.Stat(filepath.Join(dossiers, tt.left)); err != nil {
				t.Fatalf("the kill at %q left no %s: %v", tt.stop, tt.left, err)
			}

			var err error
			if p.st, err = store.Open(filepath.Join(p.cen.Dir, "store")); err != nil {
				t.Fatal(err)
			}
			if ids, _ := p.st.IngestedIDs(); len(ids) != 0 {
				t.Fatalf("recorded before the kill: %v", ids)
			}
			start(t, p.cen, []*provincetest.Site{p.dev}, mesh.ReceiveOnly, mesh.SendOnly, nil)
			c := p.central()
			meshtest.WaitFor(t, "central to ingest D1 after its restart", func() bool {
				rep, err := c.Pass()
				return err == nil && rep.Ingested == 1
			}, p.cen.Node)
			if rep, err := c.Pass(); err != nil || rep.Duplicates != 1 {
				t.Fatalf("second pass: %+v, %v", rep, err)
			}
			first := p.receipts(t)["D1"]
			os.Remove(filepath.Join(p.cen.Dir, "receipts", receipt.Path(p.dev.ID, "D1")))
			if rep, err := c.Pass(); err != nil || rep.Duplicates != 1 {
				t.Fatalf("pass after losing the receipt file: %+v, %v", rep, err)
			}
			again := p.receipts(t)["D1"]
			ids, _ := p.st.IngestedIDs()
			if len(ids) != 1 || first.Code == "" || again.Code != first.Code {
				t.Errorf("records %v, receipts %q then %q", ids, first.Code, again.Code)
			}
			if _, err := os.Stat(filepath.Join(dossiers, "D1.tmp")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a half-extracted folder is left: %v", err)
			}
			got, err := os.ReadFile(filepath.Join(dossiers, "D1", dossier.PartRecord))
			if err != nil || len(got) != 1<<20 {
				t.Errorf("the dossier at central after the restart: %d bytes, %v", len(got), err)
			}
		})
	}
}

// TestFullDiskPausesIngest fills central's disk: ingest stops with
// ErrDiskFull, records nothing, keeps the sealed file, and resumes once
// there is room.
func TestFullDiskPausesIngest(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m,mode=0700"); err != nil {
		testenv.Skip(t, "cannot mount a small tmpfs to fill (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	p := newPair(t, dir)
	p.send(t, "BIG", 3<<20, nil)
	c := p.central()
	_, err := c.Pass()
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("ingest on a full disk: got %v, want ErrDiskFull", err)
	}
	if ids, _ := p.st.IngestedIDs(); len(ids) != 0 {
		t.Errorf("recorded while the disk was full: %v", ids)
	}
	if _, err := os.Stat(filepath.Join(p.cen.Dir, "commune", p.dev.ID, "BIG.dseal")); err != nil {
		t.Errorf("the sealed file is gone: %v", err)
	}
	syscall.Unmount(dir, 0)
	if rep, err := c.Pass(); err != nil || rep.Ingested != 1 {
		t.Fatalf("ingest once there is room: %+v, %v", rep, err)
	}
}

// TestHubKilledMidTransfer kills the hub's process with SIGKILL while a
// large dossier is half way through it, starts the hub again from its
// folder, and the dossier still reaches central whole, once.
func TestHubKilledMidTransfer(t *testing.T) {
	base := t.TempDir()
	dev, hub, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")
	_, key, _ := agekey.Generate()
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	st := openCentral(t, cen, dev.ID)
	// The first hub, a process of its own, receives slowly, so that the
	// test kills it mid-way however busy the machine; the second runs here
	// at full speed.
	peers := []mesh.Peer{{ID: dev.ID, Addr: dev.Addr}, {ID: cen.ID, Addr: cen.Addr}}
	first := startChild(t, childSpec{Dir: hub.Dir, Listen: hub.Addr, Peers: peers, RecvKbps: 128,
		Commune: mesh.SendReceive, Receipts: mesh.SendReceive})
	first.await(t, "started")
	start(t, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.Node.Close()
	start(t, dev, []*provincetest.Site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	defer dev.Node.Close()

	big := 6 << 20 // 48 seconds at the first hub's 128 KiB/s
	content := make([]byte, big)
	rand.Read(content)
	sealed := dossiertest.Sealed(t, "BIGDOSSIER", content, key.Public(), devKey)
	dir := filepath.Join(dev.Dir, "commune", dev.ID)
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "BIGDOSSIER.dseal"), sealed, 0o600)
	dev.Node.Scan(communeID)

	// Kill the hub once a temporary file shows the transfer under way.
	hubDevDir := filepath.Join(hub.Dir, "commune", dev.ID)
	meshtest.WaitFor(t, "the transfer to the hub to start", func() bool {
		names, _ := os.ReadDir(hubDevDir)
		for _, n := range names {
			if strings.Contains(n.Name(), ".tmp") {
				if fi, err := n.Info(); err == nil && fi.Size() > 0 {
					return true
				}
			}
		}
		return false
	}, dev.Node)
	first.kill(t)
	if _, err := os.Stat(filepath.Join(hubDevDir, "BIGDOSSIER.dseal")); err == nil {
		t.Fatal("the transfer finished before the hub was killed")
	}
	n, err := mesh.Start(t.Context(), mesh.Config{
		Dir: filepath.Join(hub.Dir, "mesh"), Listen: hub.Addr, Peers: peers,
		Folders: []mesh.Folder{
			{ID: communeID, Path: filepath.Join(hub.Dir, "commune"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
			{ID: receiptsID, Path: filepath.Join(hub.Dir, "receipts"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	hub.Node = n
	defer hub.Node.Close()

	c := New(atSite(cen, st, key))
	meshtest.WaitFor(t, "central to ingest the dossier after the hub's restart", func() bool {
		rep, err := c.Pass()
		return err == nil && rep.Ingested+rep.Duplicates == 1
	}, cen.Node)
	got, err := os.ReadFile(filepath.Join(cen.Dir, "dossiers", "BIGDOSSIER", dossier.PartRecord))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("the dossier at central differs after the hub's restart: %v", err)
	}
	if ids, _ := st.IngestedIDs(); len(ids) != 1 {
		t.Errorf("ingested %v", ids)
	}
}

// TestDeviceClockOffByADay: a volunteer's laptop whose clock is a day
// ahead still gets its receipt, which carries central's time.
func TestDeviceClockOffByADay(t *testing.T) {
	base := t.TempDir()
	cpub, cpriv, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	dev, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "central")
	w, err := volunteer.Init(filepath.Join(dev.Dir, "volunteer"), volunteer.Passphrase(pass), volunteer.Setup{Central: cpub, Recovery: rpub}, fastVault)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	id := dossiertest.SealOne(t, w.Desk, "Vàng A Dình")
	ahead := func() time.Time { return time.Now().Add(24 * time.Hour) }
	ob := outbox.New(w.Store, filepath.Join(w.Dir, "outbox"), ahead, volunteer.Retention)

	st := openCentral(t, cen, dev.ID)
	start(t, cen, []*provincetest.Site{dev}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.Node.Close()
	start(t, dev, []*provincetest.Site{cen}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	defer dev.Node.Close()
	c := New(atSite(cen, st, cpriv))
	cfg := field.Config{Node: dev.Node, CommuneID: communeID, CommuneDir: filepath.Join(dev.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(dev.Dir, "receipts"), Hub: cen.ID, Central: cen.ID,
		Outbox: ob, OutboxDir: filepath.Join(w.Dir, "outbox")}
	meshtest.WaitFor(t, "the receipt on the device a day ahead", func() bool {
		field.Pass(cfg)
		c.Pass()
		e, _ := ob.Entry(id)
		return e.State == outbox.Receipted
	}, dev.Node, cen.Node)
	e, _ := ob.Entry(id)
	if d := time.Since(e.ReceiptedAt); d < -time.Minute || d > time.Minute {
		t.Errorf("receipt time %v is not central's clock", e.ReceiptedAt)
	}
	if purged, _ := ob.Purge(t.Context()); len(purged) != 0 {
		t.Errorf("purged at once with the clock a day ahead: %v", purged)
	}
}

// TestPassGoesOnAndCountsAgain: what is not an enrolled device's dossier,
// met before one, does not stop the pass; a dossier met again is counted
// as a duplicate and keeps its one receipt, which is written again if it
// went missing.
func TestPassGoesOnAndCountsAgain(t *testing.T) {
	p := newPair(t, "")
	p.send(t, "HS-0001", 2048, nil)
	commune := filepath.Join(p.cen.Dir, "commune")
	// Both sort before what they precede: digits before letters.
	for _, name := range []string{filepath.Join("0-NOT-ENROLLED", "HS-9.dseal"), filepath.Join(p.dev.ID, "0-ghi-chu.txt")} {
		os.MkdirAll(filepath.Dir(filepath.Join(commune, name)), 0o700)
		if err := os.WriteFile(filepath.Join(commune, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := p.central()
	if rep, err := c.Pass(); err != nil || rep != (Report{Ingested: 1}) {
		t.Fatalf("first pass: %+v, %v; want the dossier ingested", rep, err)
	}
	first := p.receipts(t)["HS-0001"]
	if rep, err := c.Pass(); err != nil || rep != (Report{Duplicates: 1}) {
		t.Errorf("second pass: %+v, %v; want one duplicate", rep, err)
	}
	if err := os.Remove(filepath.Join(p.cen.Dir, "receipts", receipt.Path(p.dev.ID, "HS-0001"))); err != nil {
		t.Fatal(err)
	}
	if rep, err := c.Pass(); err != nil || rep != (Report{Duplicates: 1}) {
		t.Errorf("pass after the receipt went missing: %+v, %v; want one duplicate", rep, err)
	}
	if again, ok := p.receipts(t)["HS-0001"]; !ok || again.Code != first.Code {
		t.Errorf("the receipt written again: %+v (present %v), want code %s", again, ok, first.Code)
	}
}
