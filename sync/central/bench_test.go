package central

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
)

// benchCount is how many dossiers the sync benchmark moves; the issue's
// figure is 1,000 (DINH_BENCH_DOSSIERS changes it).
func benchCount() int {
	if n, err := strconv.Atoi(os.Getenv("DINH_BENCH_DOSSIERS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// sealedFiles writes n sealed dossiers of about 1 MB into dir.
func sealedFiles(b *testing.B, dir string, n int, key agekey.Public) {
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	os.MkdirAll(dir, 0o700)
	content := make([]byte, 1<<20)
	for i := range n {
		rand.Read(content[:64])
		id := fmt.Sprintf("BENCH%05d", i)
		if err := os.WriteFile(filepath.Join(dir, id+seal.Ext), dossiertest.Sealed(b, id, content, key, devKey), 0o600); err != nil {
			b.Fatal(err)
		}
	}
}

func countFiles(dir string) int {
	names, _ := os.ReadDir(dir)
	n := 0
	for _, e := range names {
		if !e.IsDir() && filepath.Ext(e.Name()) != ".tmp" && e.Name()[0] != '.' {
			n++
		}
	}
	return n
}

// awaitFiles blocks until dir holds at least n files (see countFiles).
// Syncthing creates dir itself, so its parent is watched until dir
// appears, and dir from then on; the count is taken again after each
// watch is added, so a file that lands before its watch is still seen.
func awaitFiles(b *testing.B, dir string, n int) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		b.Fatal(err)
	}
	if err := w.Add(filepath.Dir(dir)); err != nil {
		b.Fatal(err)
	}
	watching := false
	for {
		if !watching {
			watching = w.Add(dir) == nil
		}
		if watching && countFiles(dir) >= n {
			return
		}
		select {
		case <-w.Events:
		case err := <-w.Errors:
			if !errors.Is(err, fsnotify.ErrEventOverflow) { // an overflow only wakes the count
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDossiersThroughHub moves 1,000 sealed dossiers of 1 MB from a
// device through a hub to central, until every receipt is back on the
// device; BenchmarkStockSyncthingPair moves the same bytes between two
// stock Syncthing 1.19 processes, the peer to compare with.
func BenchmarkDossiersThroughHub(b *testing.B) {
	n := benchCount()
	for b.Loop() {
		b.StopTimer()
		base := b.TempDir()
		dev, hub, cen := provincetest.NewSite(b, base, "dev"), provincetest.NewSite(b, base, "hub"), provincetest.NewSite(b, base, "central")
		_, key, _ := agekey.Generate()
		sealedFiles(b, filepath.Join(dev.Dir, "commune", dev.ID), n, key.Public())
		st := openCentral(b, cen, dev.ID)
		b.StartTimer()
		startChain(b, dev, hub, cen)
		c := New(atSite(cen, st, key, func(c *Config) { c.Interval = 500 * time.Millisecond }))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); c.Run(ctx) }()
		awaitFiles(b, filepath.Join(dev.Dir, "receipts", dev.ID), n)
		b.StopTimer()
		cancel()
		<-done
		for _, s := range []*provincetest.Site{dev, hub, cen} {
			s.Node.Close()
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "dossiers")
}

func BenchmarkStockSyncthingPair(b *testing.B) {
	n := benchCount()
	for b.Loop() {
		b.StopTimer()
		base := b.TempDir()
		a, r := provincetest.NewSite(b, base, "a"), provincetest.NewSite(b, base, "b")
		_, key, _ := agekey.Generate()
		sealedFiles(b, filepath.Join(a.Dir, communeID, "dev"), n, key.Public())
		b.StartTimer()
		stopA := runStock(b, a, []*provincetest.Site{r}, map[string]string{communeID: "sendonly"})
		stopB := runStock(b, r, []*provincetest.Site{a}, map[string]string{communeID: "receiveonly"})
		awaitFiles(b, filepath.Join(r.Dir, communeID, "dev"), n)
		b.StopTimer()
		stopA()
		stopB()
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "dossiers")
}

// startChain starts the embedded nodes of a device, its hub and central,
// and has the device scan what it holds.
func startChain(b *testing.B, dev, hub, cen *provincetest.Site) {
	start(b, hub, []*provincetest.Site{dev, cen}, mesh.SendReceive, mesh.SendReceive, nil)
	start(b, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	start(b, dev, []*provincetest.Site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	dev.Node.Scan(communeID)
}

// BenchmarkEmbeddedChain moves the same files as BenchmarkStockSyncthingChain
// through three of Đình's embedded Syncthing nodes in one process, device →
// hub → central, until central has them all: transfer only, no ingest and
// no receipts, so the two compare like with like.
func BenchmarkEmbeddedChain(b *testing.B) {
	n := benchCount()
	for b.Loop() {
		b.StopTimer()
		base := b.TempDir()
		dev, hub, cen := provincetest.NewSite(b, base, "dev"), provincetest.NewSite(b, base, "hub"), provincetest.NewSite(b, base, "central")
		_, key, _ := agekey.Generate()
		sealedFiles(b, filepath.Join(dev.Dir, "commune", "dev"), n, key.Public())
		b.StartTimer()
		startChain(b, dev, hub, cen)
		awaitFiles(b, filepath.Join(cen.Dir, "commune", "dev"), n)
		b.StopTimer()
		for _, s := range []*provincetest.Site{dev, hub, cen} {
			s.Node.Close()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "dossiers")
}

// BenchmarkStockSyncthingChain moves the files through three stock
// Syncthing processes, device (send-only) → hub (send-receive) → central
// (receive-only): the like-for-like peer of BenchmarkEmbeddedChain.
func BenchmarkStockSyncthingChain(b *testing.B) {
	n := benchCount()
	for b.Loop() {
		b.StopTimer()
		base := b.TempDir()
		dev, hub, cen := provincetest.NewSite(b, base, "dev"), provincetest.NewSite(b, base, "hub"), provincetest.NewSite(b, base, "central")
		_, key, _ := agekey.Generate()
		sealedFiles(b, filepath.Join(dev.Dir, communeID, "dev"), n, key.Public())
		b.StartTimer()
		stops := []func(){
			runStock(b, dev, []*provincetest.Site{hub}, map[string]string{communeID: "sendonly"}),
			runStock(b, hub, []*provincetest.Site{dev, cen}, map[string]string{communeID: "sendreceive"}),
			runStock(b, cen, []*provincetest.Site{hub}, map[string]string{communeID: "receiveonly"}),
		}
		awaitFiles(b, filepath.Join(cen.Dir, communeID, "dev"), n)
		b.StopTimer()
		for _, stop := range stops {
			stop()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "dossiers")
}

// BenchmarkIngest measures central's ingest alone: 100 sealed dossiers
// of 1 MB already in its commune folder are checked, decrypted,
// extracted, recorded and receipted by one pass.
func BenchmarkIngest(b *testing.B) {
	const n = 100
	p := newPair(b, "")
	sealedFiles(b, filepath.Join(p.dev.Dir, "commune", p.dev.ID), n, p.key.Public())
	p.dev.Node.Scan(communeID)
	dir := filepath.Join(p.cen.Dir, "commune", p.dev.ID)
	meshtest.WaitFor(b, "central to have every dossier", func() bool { return countFiles(dir) == n }, p.cen.Node)
	meshtest.WaitFor(b, "central's index to hold them", func() bool {
		ok, _ := p.cen.Node.WrittenBy(communeID, p.dev.ID+"/BENCH00099.dseal", p.dev.ID)
		return ok
	}, p.cen.Node)
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(filepath.Join(b.TempDir(), "store"))
		if err != nil {
			b.Fatal(err)
		}
		Enroll(st, mesh.ParseID, p.dev.ID, "", time.Now())
		c := New(Config{Store: st, Key: p.key, Node: p.cen.Node, CommuneID: communeID, CommuneDir: filepath.Join(p.cen.Dir, "commune"),
			ReceiptsID: receiptsID, ReceiptsDir: b.TempDir(), DataDir: b.TempDir()})
		b.StartTimer()
		rep, err := c.Pass()
		if err != nil || rep.Ingested != n {
			b.Fatalf("pass: %+v, %v", rep, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
}

// BenchmarkMemoryCentral20Devices reports the Go heap that a central
// server adds, idle after start: its store with 20 enrolled devices, its
// Syncthing node with one hub, and the Central service running its passes.
// Everything is started after the first reading.
func BenchmarkMemoryCentral20Devices(b *testing.B) {
	base := b.TempDir()
	cen, hub := provincetest.NewSite(b, base, "central"), provincetest.NewSite(b, base, "hub")
	var ids []string
	for range 20 {
		id, _ := mesh.Identity(filepath.Join(b.TempDir(), "d"))
		ids = append(ids, id)
	}
	_, key, err := agekey.Generate()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	st := openCentral(b, cen, ids...)
	start(b, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.Node.Close()
	c := New(atSite(cen, st, key, func(c *Config) { c.Interval = time.Second }))
	if _, err := c.Pass(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for b.Loop() {
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "MB-heap")
}
