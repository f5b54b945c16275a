// Package seal packs a finished dossier into one file that only the
// province's central server (and the administrator's recovery key) can
// open, and that proves which device made it. Once sealed, the device
// itself cannot read the file back: the content is encrypted with age
// (age-encryption.org/v1) to the X25519 public keys only.
//
// A sealed file is, in order:
//
//	magic      "DINHSEAL2\n"
//	header     uint32 big-endian length (at most 64 KiB), then JSON in
//	           clear: Header (format, dossier ID, device Ed25519 key,
//	           creation time, non-personal summary)
//	payload    an age file, binary, for the central key and, when the
//	           device has it, the recovery key; its plaintext is
//	               uint32 big-endian length, then JSON: the SHA-256 of
//	               magic, header length and header, and the part names
//	               and sizes
//	               every part's bytes, in the order of the index
//	trailer    64-byte Ed25519 signature by the device key in the header
//	           over "dinh seal v2 signature" || 0x00 || SHA-256(every byte
//	           before the trailer)
//
// The hash of the clear header inside the encrypted index ties the two
// together, so a header cannot be relabelled with another device's key,
// even by someone who re-signs the file: the signer can change the clear
// part but not the encrypted copy of its hash. age authenticates every
// 64 KiB chunk and the end of the payload, so parts cannot be cut, swapped
// or extended.
//
// Open verifies the signature over the whole file first, then that the
// whole payload decrypts, before it hands out a single part. ReadHeader
// verifies the signature and reads only the clear header, so a hub can
// check which device made a file without any key.
//
// The payload can be read with the stock age tool: cut out the bytes
// between the header and the trailer and run age -d -i central.key.
//
// Đình has made no release before this format: the first format
// ("DINHSEAL1", a hand-written STREAM and key wrap) was written only by
// development builds, so no file of it can exist on a volunteer's laptop.
// Open refuses one with ErrOldFormat, distinct from ErrTampered, so the
// central server quarantines it under its own reason.
package seal
