// Package hub is a commune hub: a Syncthing node that stores and forwards
// its communes' sealed dossiers, central's receipts and the catalogue
// between the volunteers' devices and central. It reads nothing it
// carries. dinhd hub and the app's demo province both run it.
package hub

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"dinh/sync/mesh"
	"dinh/sync/province"
)

// Config is a hub.
type Config struct {
	Dir      string    // its data: DIR/mesh and a folder per Syncthing folder
	Listen   string    // tcp://HOST:PORT, where devices and central reach it
	Communes []string  // the five-digit codes it serves
	Central  mesh.Peer // the province server: its device ID, and its address or ""
	// Peers are devices let in besides those central enrolls; usually
	// none.
	Peers []mesh.Peer
	Log   *slog.Logger
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
	if cfg.Central.ID == "" {
		return nil, fmt.Errorf("hub: no central server")
	}
	cfg.Communes = slices.Clone(cfg.Communes) // the caller's stays as given
	cfg.Peers = append([]mesh.Peer{cfg.Central}, cfg.Peers...)
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
		if i == 0 {
			cfg.Central.ID = id
		}
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

// Run runs the hub until ctx ends. It lets in the devices central lists
// as enrolled (province.EnrolledName, in the catalogue folder, taken only
// if central's device wrote it), as the list changes, without a restart.
func (h *Hub) Run(ctx context.Context) error {
	ids := make([]string, len(h.cfg.Peers))
	for i, p := range h.cfg.Peers {
		ids[i] = p.ID
	}
	folders := province.HubFolders(h.cfg.Dir, h.cfg.Communes, ids)
	n, err := mesh.Start(ctx, mesh.Config{Dir: filepath.Join(h.cfg.Dir, "mesh"), Listen: h.cfg.Listen, Peers: h.cfg.Peers,
		Folders: folders, Log: h.cfg.Log})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return fmt.Errorf("hub: %w", err)
	}
	folderIDs := make([]string, len(folders))
	for i, f := range folders {
		folderIDs[i] = f.ID
	}
	var last []byte
	for {
		changed := n.Changed()
		last = h.admit(n, folderIDs, last)
		select {
		case <-ctx.Done():
			return n.Close()
		case <-changed:
		}
	}
}

// admit reads central's list of enrolled devices and lets exactly those
// in, when it changed since last (the bytes admit saw before).
func (h *Hub) admit(n *mesh.Node, folders []string, last []byte) []byte {
	path := filepath.Join(h.cfg.Dir, province.CatalogFolder, province.EnrolledName)
	b, err := os.ReadFile(path)
	if err != nil || bytes.Equal(b, last) {
		return last
	}
	by, err := n.WrittenBy(province.CatalogFolder, province.EnrolledName, h.cfg.Central.ID)
	if err != nil {
		return last // not in the index yet: the next change brings it
	}
	if !by {
		h.cfg.Log.Error("hub: the list of enrolled devices was not written by central; the devices let in stay as they were")
		return b
	}
	e, err := province.ParseEnrolled(b)
	if err != nil {
		h.cfg.Log.Error("hub: central's list of enrolled devices is damaged; the devices let in stay as they were", "err", err)
		return b
	}
	changed, err := n.SetDynamicPeers(e.Devices, folders)
	if err != nil {
		h.cfg.Log.Error("hub: let enrolled devices in", "err", err)
		return last
	}
	if changed {
		h.cfg.Log.Info("hub: enrolled devices let in", "devices", len(e.Devices))
	}
	return b
}
