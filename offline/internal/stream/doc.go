// Package stream encrypts a byte stream of any length in fixed chunks, so a
// large attachment is never held in memory and a reader learns of tampering
// no later than the chunk it touches.
//
// It is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár) over
// XChaCha20-Poly1305, the same one age uses. A stream is a random prefix
// followed by chunks:
//
//	prefix  19 random bytes, fresh for every stream
//	chunk   up to 64 KiB of plaintext sealed with XChaCha20-Poly1305,
//	        16 bytes longer than its plaintext
//
// The nonce of chunk i is prefix || uint32 big-endian i || flag, where flag
// is 1 for the last chunk and 0 otherwise. Every chunk but the last holds
// exactly 64 KiB; the last holds 1 to 64 KiB, or nothing when the whole
// plaintext is empty. So a reader detects reordered chunks (the counter),
// a stream cut at a chunk boundary (no chunk carries the last flag) and
// bytes appended after the end (the real last chunk is then read as a
// middle one and fails to open).
//
// The vault uses it for attachments at rest and the seal for the parts of a
// sealed dossier; both pass additional data that ties a stream to its place.
package stream
