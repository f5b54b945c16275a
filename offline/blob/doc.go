// Package blob keeps documents on disk by content: a file is addressed by the
// hex SHA-256 of its bytes, and it exists under that name only once its
// bytes have been verified. Downloads grow a partial file that survives a
// killed process and resumes where it stopped; Commit hashes it and either
// moves it into place or discards it. So a half-written or corrupted
// document is never visible to a reader.
package blob
