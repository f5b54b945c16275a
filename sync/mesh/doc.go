// Package mesh embeds Syncthing (v1.30.0, built with -tags noassets) behind
// a small interface of Đình's own: a device identity, the peers it may
// talk to, the folders it shares, and a status a person can read (peers
// connected, files and bytes still to come, last sync).
//
// Syncthing is set up for a closed network: no global discovery, no
// relays, no NAT traversal, no usage or crash reporting, no upgrades, no
// local announcements, no web GUI. Listen and peer addresses are explicit.
// A peer not in the configuration is refused by Syncthing itself; mesh
// logs it.
//
// Syncthing keeps process-global state (lib/locations, its package
// logger, byte counters, the low-priority switch). Only this package
// imports Syncthing, so that state has one owner: locations point into the
// first node's folder, the logger's messages are passed to each node's
// slog.Logger and kept off standard output (internal/quiet), and low
// priority is turned off. Start hashes a benchmark
// block (about 0.45 s): the app starts its node after the first frame.
package mesh
