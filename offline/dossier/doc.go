// Package dossier is the volunteer's record of one villager's case: who
// the villager is, which procedure and case, which papers they have, the
// answers, photos of their papers, their consent, and the volunteer's
// notes.
//
// A Desk keeps drafts and seals them. A draft lives only encrypted: its
// record in the store's drafts bucket, encrypted by the vault with the
// dossier ID as associated data, and each attachment in its own vault file
// under the desk's folder. Photos are downscaled and recompressed by
// offline/photo before they are written, which also drops their metadata
// (GPS position, camera serial).
//
// Sealing turns a complete draft into one file for the central server
// (offline/seal) and hands it to the outbox. The order of the steps is
// what makes a killed process safe: the sealed file is written beside its
// final name, synced and renamed; the outbox then records it as sealed in
// one transaction; only after that are the draft's record and files
// deleted. NewDesk finishes or undoes whatever a crash interrupted, so
// afterwards there is always either the draft or the sealed dossier, never
// neither. Once sealed, the device cannot read the dossier back: only the
// outbox entry (procedure code, date, initials) remains.
package dossier
