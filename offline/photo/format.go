package photo

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// header is what inspect learns about a file before MuPDF sees it.
type header struct {
	format string // "jpeg", "png", "gif", "bmp" or "tiff"
	w, h   int    // pixel size from the header; 0 for GIF and BMP
}

var (
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
)

// inspect sniffs the format of data, checks that the file is structurally
// complete and reads its pixel size. It reads the whole file but decodes
// nothing: for a 4 MB JPEG it takes well under a millisecond.
func inspect(data []byte) (header, error) {
	switch {
	case len(data) == 0:
		return header{}, fmt.Errorf("%w: empty file", ErrNotImage)
	case bytes.HasPrefix(data, magicJPEG):
		w, h, err := checkJPEG(data)
		return header{"jpeg", w, h}, err
	case bytes.HasPrefix(data, magicPNG):
		w, h, err := checkPNG(data)
		return header{"png", w, h}, err
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return header{format: "gif"}, checkGIF(data)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		w, h, err := checkTIFF(data)
		return header{"tiff", w, h}, err
	case isBMP(data):
		return header{format: "bmp"}, checkBMP(data)
	}
	for _, m := range [][]byte{magicJPEG, magicPNG, []byte("GIF8")} {
		if len(data) >= 2 && len(data) < len(m) && bytes.HasPrefix(m, data) {
			return header{}, fmt.Errorf("%w: only %d bytes", ErrTruncated, len(data))
		}
	}
	return header{}, fmt.Errorf("%w: %s", ErrNotImage, describe(data))
}

// describe names a file type that is not a supported image, for the error
// message a volunteer sees.
func describe(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "a ZIP archive (or Word/Excel document)"
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "an old Office document"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "WebP is not supported"
	case bytes.HasPrefix(b, []byte("II+\x00")) || bytes.HasPrefix(b, []byte("MM\x00+")):
		return "BigTIFF is not supported"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1":
			return "HEIC is not supported: set the phone camera to save JPEG (\"Most Compatible\")"
		case "avif", "avis":
			return "AVIF is not supported"
		}
		return "a video or MP4-family file"
	}
	return "unknown format"
}

// checkJPEG walks the marker segments and the entropy-coded data of a JPEG
// up to the end-of-image marker, as a decoder would, and returns the frame
// size. Each scan's data runs to the next marker other than a restart
// marker; a 0xFF byte in it is followed by a stuffed 0x00 or by more 0xFF
// fill bytes. Bytes after EOI (cameras append preview images) are allowed.
func checkJPEG(b []byte) (w, h int, err error) {
	var frame, scans int
	i := 2
	for {
		// Find the next marker. Decoders skip stray bytes between
		// segments with a warning, and so do we.
		if i >= len(b) || b[i] != 0xFF {
			j := bytes.IndexByte(b[min(i, len(b)):], 0xFF)
			if j < 0 {
				return w, h, fmt.Errorf("%w: JPEG ends before its end-of-image marker (%d bytes)", ErrTruncated, len(b))
			}
			i += j
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return w, h, fmt.Errorf("%w: JPEG ends before its end-of-image marker (%d bytes)", ErrTruncated, len(b))
		}
		m := b[i]
		i++
		switch {
		case m == 0xD9: // EOI
			if frame == 0 || scans == 0 {
				return w, h, fmt.Errorf("%w: JPEG has no image data", ErrCorrupt)
			}
			return w, h, nil
		case m == 0xD8:
			return w, h, fmt.Errorf("%w: second JPEG start marker at byte %d", ErrCorrupt, i-2)
		case m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			continue // stray stuffing, TEM or RSTn: no length
		}
		if i+2 > len(b) {
			return w, h, fmt.Errorf("%w: JPEG ends inside a header (%d bytes)", ErrTruncated, len(b))
		}
		n := int(b[i])<<8 | int(b[i+1])
		if n < 2 {
			return w, h, fmt.Errorf("%w: JPEG segment of length %d at byte %d", ErrCorrupt, n, i)
		}
		if i+n > len(b) {
			return w, h, fmt.Errorf("%w: JPEG ends inside a header (%d bytes)", ErrTruncated, len(b))
		}
		seg := b[i+2 : i+n]
		i += n
		switch {
		case isSOF(m):
			if frame++; frame > 1 {
				return w, h, fmt.Errorf("%w: JPEG has more than one frame header", ErrCorrupt)
			}
			if len(seg) < 6 || len(seg) < 6+3*int(seg[5]) {
				return w, h, fmt.Errorf("%w: short JPEG frame header", ErrCorrupt)
			}
			h = int(seg[1])<<8 | int(seg[2])
			w = int(seg[3])<<8 | int(seg[4])
			if w == 0 || h == 0 {
				// A height of 0 defers it to a DNL marker, which
				// MuPDF does not support.
				return w, h, fmt.Errorf("%w: JPEG frame is %d×%d", ErrCorrupt, w, h)
			}
		case m == 0xDA: // SOS: entropy-coded data follows
			if frame == 0 {
				return w, h, fmt.Errorf("%w: JPEG scan before frame header", ErrCorrupt)
			}
			scans++
			for {
				j := bytes.IndexByte(b[i:], 0xFF)
				if j < 0 {
					return w, h, fmt.Errorf("%w: JPEG ends inside the image data (%d bytes)", ErrTruncated, len(b))
				}
				i += j + 1
				for i < len(b) && b[i] == 0xFF {
					i++
				}
				if i >= len(b) {
					return w, h, fmt.Errorf("%w: JPEG ends inside the image data (%d bytes)", ErrTruncated, len(b))
				}
				if c := b[i]; c == 0x00 || (c >= 0xD0 && c <= 0xD7) {
					i++
					continue
				}
				i-- // at the 0xFF before the marker that ends the scan
				break
			}
		}
	}
}

// isSOF reports whether m is a start-of-frame marker (SOF0–SOF15, which
// excludes DHT C4, JPG C8 and DAC CC).
func isSOF(m byte) bool {
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC
}

// checkPNG walks the chunks of a PNG up to IEND and returns the size from
// IHDR. CRCs are not checked; the decoder ignores them too.
func checkPNG(b []byte) (w, h int, err error) {
	i := len(magicPNG)
	idat := false
	for first := true; ; first = false {
		if i+8 > len(b) {
			return w, h, fmt.Errorf("%w: PNG ends before its IEND chunk (%d bytes)", ErrTruncated, len(b))
		}
		n := binary.BigEndian.Uint32(b[i:])
		typ := string(b[i+4 : i+8])
		if n > 1<<31-1 {
			return w, h, fmt.Errorf("%w: PNG chunk %q of length %d", ErrCorrupt, typ, n)
		}
		end := i + 12 + int(n)
		if end > len(b) {
			return w, h, fmt.Errorf("%w: PNG ends inside chunk %q (%d bytes)", ErrTruncated, typ, len(b))
		}
		data := b[i+8 : i+8+int(n)]
		switch {
		case first:
			if typ != "IHDR" || n < 13 {
				return w, h, fmt.Errorf("%w: PNG does not start with IHDR", ErrCorrupt)
			}
			w = int(binary.BigEndian.Uint32(data))
			h = int(binary.BigEndian.Uint32(data[4:]))
			if w <= 0 || h <= 0 || w > 1<<31-1 || h > 1<<31-1 {
				return w, h, fmt.Errorf("%w: PNG is %d×%d", ErrCorrupt, w, h)
			}
		case typ == "IDAT":
			idat = true
		case typ == "IEND":
			if !idat {
				return w, h, fmt.Errorf("%w: PNG has no image data", ErrCorrupt)
			}
			return w, h, nil
		}
		i = end
	}
}

// checkGIF walks the blocks of a GIF up to its trailer.
func checkGIF(b []byte) error {
	truncated := fmt.Errorf("%w: GIF ends before its trailer (%d bytes)", ErrTruncated, len(b))
	if len(b) < 13 {
		return truncated
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (b[10]&7 + 1)
	}
	images := 0
	// subBlocks skips a sequence of data sub-blocks and its terminator.
	subBlocks := func() bool {
		for {
			if i >= len(b) {
				return false
			}
			n := int(b[i])
			i += 1 + n
			if n == 0 {
				return true
			}
		}
	}
	for {
		if i >= len(b) {
			return truncated
		}
		switch b[i] {
		case 0x3B:
			if images == 0 {
				return fmt.Errorf("%w: GIF has no image", ErrCorrupt)
			}
			return nil
		case 0x21: // extension: label, then sub-blocks
			i += 2
		case 0x2C: // image descriptor, local colour table, LZW code size
			if i+10 > len(b) {
				return truncated
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++
			images++
		default:
			return fmt.Errorf("%w: GIF block 0x%02x at byte %d", ErrCorrupt, b[i], i)
		}
		if !subBlocks() {
			return truncated
		}
	}
}

// isBMP recognises a Windows bitmap by its magic and a known info header
// size, since "BM" alone also starts many text files.
func isBMP(b []byte) bool {
	if len(b) < 18 || b[0] != 'B' || b[1] != 'M' {
		return false
	}
	switch binary.LittleEndian.Uint32(b[14:]) {
	case 12, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// checkBMP compares the file size and pixel data offset in the header
// with the data.
func checkBMP(b []byte) error {
	if len(b) < 26 {
		return fmt.Errorf("%w: BMP header is cut short", ErrTruncated)
	}
	size := binary.LittleEndian.Uint32(b[2:])
	off := binary.LittleEndian.Uint32(b[10:])
	if uint64(off) >= uint64(len(b)) || (size != 0 && uint64(size) > uint64(len(b))) {
		return fmt.Errorf("%w: BMP has %d of %d bytes", ErrTruncated, len(b), size)
	}
	return nil
}

// checkTIFF reads the first image directory of a TIFF (the only image
// decoded) and checks that its strips or tiles lie inside the file.
func checkTIFF(b []byte) (w, h int, err error) {
	var bo binary.ByteOrder = binary.LittleEndian
	if b[0] == 'M' {
		bo = binary.BigEndian
	}
	truncated := func(what string) error {
		return fmt.Errorf("%w: TIFF ends inside its %s (%d bytes)", ErrTruncated, what, len(b))
	}
	if len(b) < 8 {
		return 0, 0, truncated("header")
	}
	ifd := uint64(bo.Uint32(b[4:]))
	if ifd+2 > uint64(len(b)) {
		return 0, 0, truncated("directory")
	}
	n := uint64(bo.Uint16(b[ifd:]))
	if ifd+2+12*n > uint64(len(b)) {
		return 0, 0, truncated("directory")
	}
	// values reads the SHORT or LONG array of an entry.
	values := func(e []byte) ([]uint64, error) {
		typ, count := bo.Uint16(e[2:]), uint64(bo.Uint32(e[4:]))
		var size uint64
		switch typ {
		case 3:
			size = 2
		case 4:
			size = 4
		default:
			return nil, fmt.Errorf("%w: TIFF tag %d has type %d", ErrCorrupt, bo.Uint16(e), typ)
		}
		if count > uint64(len(b)) {
			return nil, truncated("directory")
		}
		p := e[8:12]
		if count*size > 4 {
			off := uint64(bo.Uint32(e[8:]))
			if off+count*size > uint64(len(b)) {
				return nil, truncated("directory")
			}
			p = b[off : off+count*size]
		}
		v := make([]uint64, count)
		for k := range v {
			if size == 2 {
				v[k] = uint64(bo.Uint16(p[2*k:]))
			} else {
				v[k] = uint64(bo.Uint32(p[4*k:]))
			}
		}
		return v, nil
	}
	var offsets, counts []uint64
	for k := uint64(0); k < n; k++ {
		e := b[ifd+2+12*k : ifd+2+12*k+12]
		tag := bo.Uint16(e)
		switch tag {
		case 256, 257, 273, 279, 324, 325:
		default:
			continue
		}
		v, err := values(e)
		if err != nil {
			return w, h, err
		}
		switch {
		case len(v) == 0:
			return w, h, fmt.Errorf("%w: TIFF tag %d is empty", ErrCorrupt, tag)
		case tag == 256:
			w = int(min(v[0], 1<<31-1))
		case tag == 257:
			h = int(min(v[0], 1<<31-1))
		case tag == 273 || tag == 324:
			offsets = v
		default:
			counts = v
		}
	}
	if w == 0 || h == 0 || len(offsets) == 0 || len(offsets) != len(counts) {
		return w, h, fmt.Errorf("%w: TIFF directory lacks size or strips", ErrCorrupt)
	}
	for k := range offsets {
		if offsets[k]+counts[k] > uint64(len(b)) {
			return w, h, truncated("image data")
		}
	}
	return w, h, nil
}
