// Package demoprovince runs a small province inside the app for its
// demo: a commune hub and the central server, both real Syncthing nodes
// on loopback, with central ingesting and receipting as it would in the
// province. A sealed dossier in the demo travels the whole way and its
// receipt comes back, with no other machine. Nothing here listens beyond
// 127.0.0.1.
package demoprovince

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"dinh/internal/loopback"
	"dinh/offline/agekey"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/hub"
	"dinh/sync/mesh"
	"dinh/sync/receipt"
)

// Commune is the demo commune's code.
const Commune = "99999"

// Province is the demo's hub and central server, ready to run.
type Province struct {
	srv     *central.Server
	hub     *hub.Hub
	advance time.Duration
	log     *slog.Logger
	// Settings are what the demo device needs to reach the hub.
	Settings    field.Settings
	CentralAddr string
}

// Config is the demo's province.
type Config struct {
	Dir    string         // its data: DIR/hub, DIR/central
	Key    agekey.Private // the demo administrator's central key
	Device string         // the demo device's ID, enrolled
	Log    *slog.Logger
	// Advance, when set, moves each receipted dossier on after this long:
	// processing, then result-ready, as a commune office would.
	Advance time.Duration
	// HubAddr and CentralAddr are where the hub and central listen,
	// tcp://127.0.0.1:PORT; empty picks a free port.
	HubAddr, CentralAddr string
}

// New prepares the hub and central on loopback ports (free ones unless
// cfg names them) and enrols the demo device; Run runs them.
func New(cfg Config) (p *Province, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	addrs := []string{cfg.HubAddr, cfg.CentralAddr, ""}
	for i := range addrs {
		if addrs[i] == "" {
			if addrs[i], err = loopback.FreeAddr(); err != nil {
				return nil, err
			}
		}
	}
	hubDir, cenDir := filepath.Join(cfg.Dir, "hub"), filepath.Join(cfg.Dir, "central")
	hubID, err := mesh.Identity(filepath.Join(hubDir, "mesh"))
	if err != nil {
		return nil, err
	}
	p = &Province{CentralAddr: addrs[1], advance: cfg.Advance, log: cfg.Log}
	defer func() {
		if err != nil && p.srv != nil {
			p.srv.Close()
		}
	}()
	p.srv, err = central.NewServer(central.ServerConfig{Dir: cenDir, Key: cfg.Key, Listen: addrs[1], Log: cfg.Log,
		Hubs: []central.HubPeer{{Commune: Commune, ID: hubID, Addr: addrs[0]}}, Interval: 2 * time.Second})
	if err != nil {
		return p, fmt.Errorf("demo central: %w", err)
	}
	if err := p.srv.Enroll(cfg.Device, "Đình demo"); err != nil {
		return p, fmt.Errorf("demo central: %w", err)
	}
	// The hub lets the device in from central's list of enrolled devices,
	// as a hub in the field does.
	p.hub, err = hub.New(hub.Config{Dir: hubDir, Listen: addrs[0], Communes: []string{Commune}, Log: cfg.Log,
		Central: mesh.Peer{ID: p.srv.ID(), Name: "central", Addr: addrs[1]}})
	if err != nil {
		return p, fmt.Errorf("demo hub: %w", err)
	}
	p.Settings = field.Settings{Commune: Commune, Listen: addrs[2], Hub: p.hub.ID(), HubAddr: addrs[0], Central: p.srv.ID()}
	return p, nil
}

// Run runs the hub, central and the demo office until ctx ends.
func (p *Province) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, run := range []func(context.Context) error{p.hub.Run, p.srv.Run} {
		wg.Go(func() { errs[i] = run(ctx) })
	}
	if p.advance > 0 {
		wg.Go(func() { p.office(ctx, p.advance) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// office plays the commune office: each dossier receipted at least
// after ago moves to processing, and after twice that to result-ready.
func (p *Province) office(ctx context.Context, after time.Duration) {
	t := time.NewTicker(after / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		recs, err := p.srv.Records()
		if err != nil {
			continue
		}
		now := time.Now()
		for _, r := range recs {
			if len(r.History) == 0 {
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
			p.srv.SetStatus(r.Code, next)
		}
	}
}

// Close releases what New holds (central's store and ports) when Run is
// never called; after Run it does nothing.
func (p *Province) Close() error { return p.srv.Close() }
