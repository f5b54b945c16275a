// Package hub is a commune hub: a Syncthing node that stores and forwards
// its communes' sealed dossiers, central's receipts and the catalogue
// between the volunteers' devices and central. It reads nothing it
// carries. dinhd hub and the app's demo province both run it.
package hub

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

	"dinh/sync/mesh"
	"dinh/sync/province"
)

// Config is a hub.
type Config struct {
	Dir      string      // its data: DIR/mesh and a folder per Syncthing folder
	Listen   string      // tcp://HOST:PORT, where devices and central reach it
	Communes []string    // the five-digit codes it serves
	Peers    []mesh.Peer // the devices and central
	Log      *slog.Logger
}

// Hub is a hub that has checked its configuration; Run runs it.
type Hub struct {
	cfg Config
	id  string
}

// New checks cfg (commune codes, device IDs, the listen address, which
// must be free) and reads or makes the hub's identity. Nothing runs yet.
func New(cfg Config) (*Hub, error) {
	if len(cfg.Communes) == 0 {
		return nil, fmt.Errorf("hub: no commune")
	}
	cfg.Communes = slices.Clone(cfg.Communes) // the caller's stays as given
	cfg.Peers = slices.Clone(cfg.Peers)
	for i, c := range cfg.Communes {
		code, err := province.ParseCommune(c)
		if err != nil {
			return nil, fmt.Errorf("hub: %w", err)
		}
		cfg.Communes[i] = code
	}
	for i, p := range cfg.Peers {
		id, err := mesh.ParseID(p.ID)
		if err != nil {
			return nil, fmt.Errorf("hub: peer %q: %w", p.ID, err)
		}
		cfg.Peers[i].ID = id
		if p.Addr != "" {
			if _, err := mesh.ParseAddr(p.Addr); err != nil {
				return nil, fmt.Errorf("hub: peer %s: %w", id, err)
			}
		}
	}
	if err := mesh.CheckListen(cfg.Listen); err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	id, err := mesh.Identity(filepath.Join(cfg.Dir, "mesh"))
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	return &Hub{cfg: cfg, id: id}, nil
}

// ID is the hub's device ID, which devices and central are given.
func (h *Hub) ID() string { return h.id }

// Run runs the hub until ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	ids := make([]string, len(h.cfg.Peers))
	for i, p := range h.cfg.Peers {
		ids[i] = p.ID
	}
	n, err := mesh.Start(ctx, mesh.Config{Dir: filepath.Join(h.cfg.Dir, "mesh"), Listen: h.cfg.Listen, Peers: h.cfg.Peers,
		Folders: province.HubFolders(h.cfg.Dir, h.cfg.Communes, ids), Log: h.cfg.Log})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return fmt.Errorf("hub: %w", err)
	}
	<-ctx.Done()
	return n.Close()
}
