package central

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
	"dinh/sync/receipt"
)

// flipProxy forwards TCP connections to upstream and, once, flips one
// byte of what the device sends after the first at bytes: a link that
// mangles data on the way (a bad cable, a cheap router).
type flipProxy struct {
	ln       net.Listener
	upstream string
	at       int64
	flipped  atomic.Int32 // bytes flipped, in all
	conns    atomic.Int32 // connections accepted
	wg       sync.WaitGroup
}

func startFlipProxy(t *testing.T, upstream string, at int64) *flipProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &flipProxy{ln: ln, upstream: upstream, at: at}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			p.wg.Go(func() { p.serve(c) })
		}
	})
	return p
}

// Close stops the proxy and waits for its connections to end.
func (p *flipProxy) Close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *flipProxy) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(c, up); c.Close(); done <- struct{}{} }()
	go func() { p.copyFlipping(up, c); up.Close(); done <- struct{}{} }()
	<-done
	<-done
}

// copyFlipping copies src to dst, flipping one bit of the byte at p.at
// if no byte was flipped yet.
func (p *flipProxy) copyFlipping(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := src.Read(buf)
		if k > 0 {
			if n <= p.at && p.at < n+int64(k) && p.flipped.Load() == 0 {
				buf[p.at-n] ^= 0x20
				p.flipped.Add(1)
			}
			n += int64(k)
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestByteFlippedInTransit: one byte of a sealed dossier flips on the
// link between the device and the hub, mid-transfer. The link's own
// checks (TLS) break the connection; the device reconnects and sends
// again; central ingests the dossier once and the receipt comes back.
func TestByteFlippedInTransit(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	_, key, _ := agekey.Generate()
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	dev, hub, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")
	proxy := startFlipProxy(t, strings.TrimPrefix(hub.Addr, "tcp://"), 1<<20)
	defer proxy.Close()

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

	// The hub does not dial the device: every connection between them
	// goes through the link that flips a byte.
	n, err := mesh.Start(context.Background(), mesh.Config{Dir: filepath.Join(hub.Dir, "mesh"), Listen: hub.Addr,
		Peers: []mesh.Peer{{ID: dev.ID}, {ID: cen.ID, Addr: cen.Addr}},
		Folders: []mesh.Folder{
			{ID: communeID, Path: filepath.Join(hub.Dir, "commune"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
			{ID: receiptsID, Path: filepath.Join(hub.Dir, "receipts"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	hub.Node = n
	start(t, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	viaProxy := *hub
	viaProxy.Addr = "tcp://" + proxy.ln.Addr().String()
	start(t, dev, []*provincetest.Site{&viaProxy}, mesh.SendOnly, mesh.ReceiveOnly, nil)

	st, err := store.Open(filepath.Join(cen.Dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Enroll(st, mesh.ParseID, dev.ID, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	c := New(atSite(cen, st, key, func(c *Config) { c.Log, c.Interval = slog.New(slog.DiscardHandler), time.Second }))
	run(c.Run)

	// A sealed dossier of 2 MiB; the link flips a byte at its first MiB.
	const id = "TRANSIT"
	content := make([]byte, 2<<20)
	rand.Read(content)
	dir := filepath.Join(dev.Dir, "commune", dev.ID)
	os.MkdirAll(dir, 0o700)
	if err := os.WriteFile(filepath.Join(dir, id+seal.Ext), dossiertest.Sealed(t, id, content, key.Public(), devKey), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := dev.Node.Scan(communeID); err != nil {
		t.Fatal(err)
	}
	meshtest.WaitFor(t, "the receipt on the device", func() bool {
		_, err := os.Stat(filepath.Join(dev.Dir, "receipts", receipt.Path(dev.ID, id)))
		return err == nil
	}, dev.Node, hub.Node, cen.Node)
	if f, k := proxy.flipped.Load(), proxy.conns.Load(); f != 1 || k < 2 {
		t.Errorf("the link flipped %d bytes over %d connections; want one flipped, and a new connection after it", f, k)
	}
	if ids, _ := st.IngestedIDs(); len(ids) != 1 {
		t.Errorf("central ingested %v, want the dossier once", ids)
	}
	if q, _ := filepath.Glob(filepath.Join(cen.Dir, "quarantine", "*")); len(q) != 0 {
		t.Errorf("central quarantined %v", q)
	}
}
