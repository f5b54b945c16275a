// Package outbox tracks each dossier a volunteer records, from draft to
// the central server's receipt, so that a sealed dossier is delivered
// exactly once and never lost.
//
// A dossier goes draft → sealed → queued → delivered → receipted →
// purged. The sealed file (offline/seal) lives in the outbox folder; the
// entry, kept in offline/store through the small Store interface, holds its
// path and SHA-256, the procedure code, the villager's initials and the
// history of states, nothing more personal. A receipt may arrive while the
// dossier is still queued, as the next hop's acknowledgement can be lost;
// the central server recognises a redelivery by the dossier ID.
//
// The invariant: no call removes or changes the sealed file of a dossier
// that is sealed, queued or delivered. Only a draft can be discarded; only
// a receipted dossier's file is deleted, by Purge once the retention has
// passed, and its entry stays as a tombstone; Reset refuses while any
// dossier lacks a receipt. An unreadable entry is reported for itself and
// never overwritten: it might be a sealed dossier.
package outbox
