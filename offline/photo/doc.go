// Package photo prepares the photos and scans that volunteers attach to a
// dossier (a villager's ID card, birth certificate, household book) before
// they are stored and sealed: it refuses what is not a complete image,
// turns it upright, shrinks it and recompresses it as a JPEG without
// metadata. It has no Fyne and no network code.
//
// API summary:
//
//	r, err := photo.Prepare(ctx, data, photo.Options{})      // data in memory
//	r, err := photo.PrepareFile(ctx, path, photo.Options{})  // size checked before reading
//	rs, errs := photo.PrepareAll(ctx, paths, opts, progress) // a worker per CPU, order kept
//	r.JPEG, r.Width, r.Height                                 // the result
//	r.SourceFormat, r.SourceWidth, r.SourceHeight, r.SourceSize
//	errors.Is(err, photo.ErrTooLarge / ErrNotImage / ErrTruncated / ErrTooManyPixels / ErrCorrupt)
//
// Why: a phone photo is 3–5 MB at 12 megapixels, 10–20 MB at 50. A dossier
// holds a few of them, travels over slow links and is kept for years, and
// a paper is perfectly legible at 2000 pixels on its long side (about 170
// DPI for an A4 page). At the defaults (2000 pixels, quality 80) a 4 MB
// photo becomes about 0.4 MB.
//
// Privacy: the result is a fresh baseline JPEG (4:2:0) with no APP or
// comment segment at all, so the Exif data of the original (GPS position, time,
// phone model and owner, thumbnail) is dropped. Only its orientation is
// used, to rotate or flip the pixels so that a paper photographed with the
// phone held sideways comes out upright.
//
// Completeness: a photo copied off a phone over a flaky cable, or sent
// half-way by a messaging app, is often cut short, and decoders paint the
// missing part grey without an error. Before decoding, the package walks
// the file's structure in Go: a JPEG's marker segments and the entropy-
// coded data of every scan (progressive ones have many, with restart
// markers and stuffed bytes) up to the end-of-image marker; a PNG's chunks
// up to IEND; a GIF's blocks up to its trailer; a TIFF's first directory
// and the strips it points to; a BMP's declared size. A file that stops
// short gives ErrTruncated, which the app can show as "copy the photo
// again". Bytes after the end (cameras append previews) are allowed.
//
// Limits: MaxFileSize (40 MB) is checked with Stat before a file is read,
// MaxPixels (100 megapixels) from the header before anything is decoded, so
// that a small file claiming to be 60000×60000 (a decompression bomb) is
// refused at once.
//
// Speed: the goal is ten 4 MB photos in under a second on a 2-core laptop.
// Decoding a 12-megapixel JPEG with image/jpeg alone takes about 200 ms, so
// the package decodes with MuPDF (the library meeting/pdf uses), asking the
// JPEG decoder to reduce the image by a power of two in the DCT, which
// skips most of the work: a 4000×3000 photo is decoded straight to
// 2000×1500 in about 85 ms instead of 230 ms in full. What remains to
// reach the exact size (2016×1512 to 2000×1500 for most phones) is done by
// an area filter in C, which also converts the pixels to YCbCr, upright.
// A small baseline JPEG encoder (encode.go: the same tables and format as
// image/jpeg, in half its time) writes the result in about 30 ms; MuPDF's
// own writer, which can only write progressive 4:4:4 files, takes 175 ms.
// PrepareAll runs a worker per CPU. bench_test.go has the figures and the
// same work in pure Go for comparison.
//
// Formats: JPEG (baseline, progressive, gray, CMYK), PNG (alpha is
// flattened on white), GIF (first frame), BMP and TIFF (first page).
// HEIC, WebP, PDF and anything else give ErrNotImage, with a hint in the
// message for the common cases. The result is gray for a gray source and
// RGB (sRGB when the source has an ICC profile) otherwise.
//
// Robustness: every MuPDF call runs inside fz_try, and each Prepare uses
// its own MuPDF context, so Prepare may be called from many goroutines at
// once and no input makes it panic or exit (FuzzPrepare). A cancelled
// context is noticed between the stages (a decode already running
// finishes first: about 100 ms for a phone photo).
//
// MuPDF is AGPL-3.0-or-later; it is linked from the static build bundled
// by github.com/gen2brain/go-fitz (see mupdf.go and mupdf.h). The package
// needs cgo.
package photo
