// Package demoprovince runs a small province inside the app for its
// demo: a commune hub and the central server, both real Syncthing nodes
// on loopback, with central ingesting and receipting as it would in the
// province. A sealed dossier in the demo travels the whole way and its
// receipt comes back, with no other machine. Nothing here listens beyond
// 127.0.0.1.
package demoprovince

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/province"
	"dinh/sync/receipt"
)

// Commune is the demo commune's code.
const Commune = "99999"

// Province is the running hub and central server.
type Province struct {
	hub, cen *mesh.Node
	st       *store.Store
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	// Settings are what the demo device needs to reach the hub.
	Settings    field.Settings
	CentralAddr string
}

// Config is the demo's province.
type Config struct {
	Dir    string                 // its data: DIR/hub, DIR/central
	Key    seal.CentralPrivateKey // the demo administrator's central key
	Device string                 // the demo device's ID, enrolled
	Log    *slog.Logger
	// Advance, when set, moves each receipted dossier on after this long:
	// processing, then result-ready, as a commune office would.
	Advance time.Duration
	// HubAddr and CentralAddr are where the hub and central listen,
	// tcp://127.0.0.1:PORT; empty picks a free port.
	HubAddr, CentralAddr string
}

// Start starts the hub and central on free loopback ports.
func Start(ctx context.Context, cfg Config) (p *Province, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	addrs := []string{cfg.HubAddr, cfg.CentralAddr, ""}
	for i := range addrs {
		if addrs[i] == "" {
			if addrs[i], err = freeAddr(); err != nil {
				return nil, err
			}
		}
	}
	hubDir, cenDir := filepath.Join(cfg.Dir, "hub"), filepath.Join(cfg.Dir, "central")
	hubID, err := mesh.Identity(filepath.Join(hubDir, "mesh"))
	if err != nil {
		return nil, err
	}
	cenID, err := mesh.Identity(filepath.Join(cenDir, "mesh"))
	if err != nil {
		return nil, err
	}
	p = &Province{Settings: field.Settings{Commune: Commune, Listen: addrs[2], Hub: hubID, HubAddr: addrs[0], Central: cenID}, CentralAddr: addrs[1]}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	commune, receipts := province.CommuneFolder(Commune), province.ReceiptsFolder(Commune)
	p.hub, err = mesh.Start(ctx, mesh.Config{Dir: filepath.Join(hubDir, "mesh"), Listen: addrs[0], Log: cfg.Log,
		Folders: province.HubFolders(hubDir, []string{Commune}, []string{cfg.Device, cenID}),
		Peers:   []mesh.Peer{{ID: cfg.Device, Name: "device"}, {ID: cenID, Name: "central", Addr: addrs[1]}}})
	if err != nil {
		return p, fmt.Errorf("demo hub: %w", err)
	}
	p.cen, err = mesh.Start(ctx, mesh.Config{Dir: filepath.Join(cenDir, "mesh"), Listen: addrs[1], Log: cfg.Log,
		Peers:   []mesh.Peer{{ID: hubID, Name: "hub", Addr: addrs[0]}},
		Folders: province.CentralFolders(cenDir, []province.Hub{{Commune: Commune, ID: hubID}})})
	if err != nil {
		return p, fmt.Errorf("demo central: %w", err)
	}
	if p.st, err = store.Open(filepath.Join(cenDir, "store")); err != nil {
		return p, fmt.Errorf("demo central: %w", err)
	}
	if _, err := central.Enroll(p.st, mesh.ParseID, cfg.Device, "Đình demo", time.Now()); err != nil {
		return p, fmt.Errorf("demo central: %w", err)
	}
	c := central.New(central.Config{Store: p.st, Key: cfg.Key, Node: p.cen,
		CommuneID: commune, CommuneDir: filepath.Join(cenDir, commune),
		ReceiptsID: receipts, ReceiptsDir: filepath.Join(cenDir, receipts),
		CatalogID: province.CatalogFolder, CatalogDir: filepath.Join(cenDir, province.CatalogFolder),
		DataDir: cenDir, Log: cfg.Log, Interval: 2 * time.Second})
	runCtx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.wg.Add(1)
	go func() { defer p.wg.Done(); c.Run(runCtx) }()
	if cfg.Advance > 0 {
		p.wg.Add(1)
		go func() { defer p.wg.Done(); p.advance(runCtx, c, cfg.Advance) }()
	}
	return p, nil
}

// advance plays the commune office: each dossier receipted at least
// after ago moves to processing, and after twice that to result-ready.
func (p *Province) advance(ctx context.Context, c *central.Central, after time.Duration) {
	t := time.NewTicker(after / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := p.st.IngestedIDs()
		if err != nil {
			continue
		}
		now := time.Now()
		for _, id := range ids {
			var r central.Record
			if raw, ok, err := p.st.Ingested(id); err != nil || !ok || json.Unmarshal(raw, &r) != nil || len(r.History) == 0 {
				continue
			}
			last := r.History[len(r.History)-1]
			if now.Sub(last.At) < after {
				continue
			}
			var next string
			switch last.Status {
			case receipt.Received:
				next = receipt.Processing
			case receipt.Processing:
				next = receipt.ResultReady
			default:
				continue
			}
			c.SetStatus(r.Code, next)
		}
	}
}

// Close stops central and the hub.
func (p *Province) Close() {
	if p.cancel != nil {
		p.cancel()
		p.wg.Wait()
	}
	for _, n := range []*mesh.Node{p.cen, p.hub} {
		if n != nil {
			n.Close()
		}
	}
	if p.st != nil {
		p.st.Close()
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return "tcp://" + l.Addr().String(), nil
}
