// Package vault keeps a volunteer's drafts encrypted at rest on a laptop
// that may be lost or shared, with the key unlocked by the volunteer's
// passphrase and recoverable by the district administrator.
//
// A vault is a directory whose header, vault.json, holds a random 32-byte
// data key twice: wrapped with a key derived from the passphrase by
// Argon2id (XChaCha20-Poly1305), and encrypted with age
// (age-encryption.org) for the administrator's X25519 recovery key, so the
// stock age tool can unwrap it with recovery.key. The data key never
// changes, so changing the passphrase or recovering a forgotten one keeps
// every existing draft readable. Values (Encrypt) are encrypted with a key
// derived from it using XChaCha20-Poly1305. Attachments (EncryptFile) are
// age files for the vault's own X25519 identity, which the header keeps
// encrypted under another key derived from the data key; age streams a
// file of any size in authenticated chunks, so any cut, reordering or
// addition is detected, and the caller's aad is bound to the file inside
// its encrypted content.
//
// Version 1 of the header (a hand-written key wrap and chunked stream)
// was written only by development builds before the first release; Open
// refuses it with ErrOldFormat.
//
// Wrong passphrases are counted in the header: after five in a row every
// attempt waits for a back-off (30 s, doubling, at most 15 min), which
// survives a restart of the app. This slows a person trying passphrases at
// the keyboard; someone who copies the disk can guess offline, which the
// Argon2id cost is there to slow down, so the passphrase still matters.
//
// An unlocked vault locks itself after an idle time and zeroes its keys.
// Go may leave copies of key material in memory that has not been reused
// yet; locking is a best effort against a later memory dump, not a proof.
//
// Passphrases are compared as bytes. Vietnamese text can be typed as
// composed or decomposed Unicode depending on the keyboard (Unikey, the
// system IME), so the caller should normalize passphrases to NFC before
// passing them in.
//
// One process at a time may use a vault directory.
package vault
