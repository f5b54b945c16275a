package field

import (
	"path/filepath"

	"dinh/sync/mesh"
)

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
