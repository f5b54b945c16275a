// Package lan is the meeting-room protocol between a host and its
// delegates, over HTTPS on the room's LAN.
//
// The host's TLS certificate carries the host's Ed25519 key, the same key
// that signs the meeting package, so a delegate that pinned the key's
// fingerprint needs no certificate authority: a rogue laptop in the room can
// neither answer the TLS handshake nor sign a package. Endpoints:
//
//	GET /v1/package       the signed package (meeting.Package JSON)
//	GET /v1/docs/{sha256} one document of the current package, with Range
//	GET /v1/events        server-sent events: "package" with the version
//
// Host serves a published package. Client fetches and verifies it, and
// downloads documents by hash into a blob store, resuming partial files.
// Follower keeps a delegate's copy current: it fetches, watches the event
// stream, and fetches again when the host republishes, reconnecting when
// the host comes back after a power cut.
package lan
