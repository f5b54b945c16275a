// Package seal packs a finished dossier into one file that only the
// province's central server can open and that proves which device made it.
// Once sealed, the device itself cannot read the file back: the content key
// is wrapped only for the central server's X25519 key and then forgotten.
//
// A sealed file is, in order:
//
//	magic      "DINHSEAL1\n"
//	header     uint32 big-endian length (at most 64 KiB), then JSON in
//	           clear: Header (format, dossier ID, device Ed25519 key,
//	           creation time, non-personal summary), the central key it is
//	           for, the ephemeral X25519 key, and the wrapped content key
//	index      uint32 big-endian length (at most 1 MiB), then a 24-byte
//	           nonce and the XChaCha20-Poly1305 encryption of the part
//	           names and sizes, JSON
//	parts      each part as a STREAM (dinh/offline/internal/stream): 64 KiB
//	           chunks under the content key
//	trailer    64-byte Ed25519 signature by the device key in the header
//	           over "dinh seal v1 signature" || 0x00 || SHA-256(every byte
//	           before the trailer)
//
// The content key is wrapped with an ephemeral X25519 exchange with the
// central key, HKDF-SHA256 (salt: ephemeral || central public key, info
// "dinh seal v1") and XChaCha20-Poly1305. The index and each part are
// authenticated together with SHA-256(magic, header), and each part with
// its position, so a header cannot be relabelled with another device's key
// and parts cannot be swapped, even by someone who re-signs the file.
//
// Open verifies the signature over the whole file first, then every AEAD,
// before it hands out a single part. ReadHeader verifies the signature and
// reads only the clear header, so a hub can check which device made a file
// without the central key.
package seal
