// Package store is the only importer of bbolt. It declares every bucket in
// one place (buckets.go), keeps the schema version in the meta bucket and
// migrates older files forward in ordered steps on Open. Each domain talks to
// it through small methods named for what it keeps: the host key, pinned
// fingerprints, the packages a delegate verified and a host published, and
// the outbox entries of offline/outbox (kept as its opaque JSON values, one
// per dossier, each change in one transaction).
//
// One data folder belongs to one running Đình: Open waits briefly for the
// file lock and then fails with ErrLocked, instead of hanging or corrupting.
package store
