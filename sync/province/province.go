// Package province names what a province's devices, commune hubs and
// central server share: the folders of their Syncthing mesh, the files in
// them and the commune codes that name them. Device (sync/field), hub and
// central (sync/central) import it; it imports nothing of theirs, so the
// province server links neither the device's nor the desk's code.
package province

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"dinh/sync/mesh"
)

// Each role listens on a port of its own by default, so that a hub and a
// device, or a hub and central, can share one machine in a small commune.
const (
	DefaultHubListen     = "tcp://0.0.0.0:22000"
	DefaultCentralListen = "tcp://0.0.0.0:22001"
	DefaultDeviceListen  = "tcp://0.0.0.0:22002"
)

// CatalogName is the catalogue's file name in the catalogue folder.
const CatalogName = "catalog.json"

// ErrBadCommune is a commune code that is not five digits.
var ErrBadCommune = errors.New("province: a commune code is five digits")

// ParseCommune checks a commune code, the five digits of Vietnam's list of
// administrative units (like 25252), and returns it trimmed. Every name
// that becomes a folder starts here, so "../x" never reaches the disk.
func ParseCommune(code string) (string, error) {
	code = strings.TrimSpace(code)
	if len(code) != 5 || strings.Trim(code, "0123456789") != "" {
		return code, fmt.Errorf("%q: %w", code, ErrBadCommune)
	}
	return code, nil
}

// Folder IDs. A commune's dossiers and its receipts each have a folder;
// the catalogue has one for the whole province.
func CommuneFolder(code string) string  { return "dinh-commune-" + code }
func ReceiptsFolder(code string) string { return "dinh-receipts-" + code }

const CatalogFolder = "dinh-catalog"

// HubFolders are a commune hub's folders below dir, each named by its
// ID: every commune's dossiers and receipts, and the catalogue, all
// send-receive (the hub stores and forwards), shared with peers.
func HubFolders(dir string, communes, peers []string) []mesh.Folder {
	var fs []mesh.Folder
	for _, c := range communes {
		for _, id := range []string{CommuneFolder(c), ReceiptsFolder(c)} {
			fs = append(fs, mesh.Folder{ID: id, Path: filepath.Join(dir, id), Type: mesh.SendReceive, Peers: peers})
		}
	}
	return append(fs, mesh.Folder{ID: CatalogFolder, Path: filepath.Join(dir, CatalogFolder), Type: mesh.SendReceive, Peers: peers})
}

// Hub is a commune hub as central sees it.
type Hub struct{ Commune, ID string }

// CentralFolders are central's folders below dir: each hub's commune
// (receive-only) and receipts (send-only), and the catalogue (send-only)
// shared with every hub.
func CentralFolders(dir string, hubs []Hub) []mesh.Folder {
	var fs []mesh.Folder
	var all []string
	for _, h := range hubs {
		c, r := CommuneFolder(h.Commune), ReceiptsFolder(h.Commune)
		fs = append(fs,
			mesh.Folder{ID: c, Path: filepath.Join(dir, c), Type: mesh.ReceiveOnly, Peers: []string{h.ID}},
			mesh.Folder{ID: r, Path: filepath.Join(dir, r), Type: mesh.SendOnly, Peers: []string{h.ID}})
		all = append(all, h.ID)
	}
	return append(fs, mesh.Folder{ID: CatalogFolder, Path: filepath.Join(dir, CatalogFolder), Type: mesh.SendOnly, Peers: all})
}
