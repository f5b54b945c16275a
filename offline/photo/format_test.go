package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

// TestCheckJPEG runs the JPEG walker over hand-made marker sequences: the
// cases camera files contain but image/jpeg never writes.
func TestCheckJPEG(t *testing.T) {
	sof := []byte{0xFF, 0xC0, 0, 11, 8, 0, 16, 0, 32, 1, 1, 0x11, 0}
	sos := []byte{0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0}
	app := []byte{0xFF, 0xE1, 0, 6, 'E', 'x', 'i', 'f'}
	soi, eoi := []byte{0xFF, 0xD8}, []byte{0xFF, 0xD9}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"minimal", cat(soi, sof, sos, []byte{1, 2, 3}, eoi), nil},
		{"stuffing, restarts and fill bytes", cat(soi, app, sof, sos,
			[]byte{1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3, 0xFF, 0xFF, 0xD1, 4, 0xFF, 0xFF, 0x00, 5}, eoi), nil},
		{"progressive scans with tables between", cat(soi, sof, sos, []byte{1, 0xFF, 0}, []byte{0xFF, 0xC4, 0, 3, 0},
			sos, []byte{2}, sos, []byte{3}, eoi), nil},
		{"fill bytes and stray data between segments", cat(soi, []byte{0xFF, 0xFF}, app, []byte{0, 0}, sof, sos, []byte{1}, eoi), nil},
		{"trailing data after EOI", cat(soi, sof, sos, []byte{1}, eoi, []byte{0xFF, 0xD8, 0xFF, 0xE1, 9, 9}), nil},
		{"EOI inside a segment is not the end", cat(soi, []byte{0xFF, 0xE2, 0, 4, 0xFF, 0xD9}, sof, sos, []byte{1}), ErrTruncated},
		{"cut after stuffing 0xFF", cat(soi, sof, sos, []byte{1, 0xFF}), ErrTruncated},
		{"cut in fill bytes", cat(soi, sof, sos, []byte{1, 0xFF, 0xFF}), ErrTruncated},
		{"cut after a restart", cat(soi, sof, sos, []byte{1, 0xFF, 0xD3}), ErrTruncated},
		{"cut in segment length", cat(soi, sof[:3]), ErrTruncated},
		{"segment longer than the file", cat(soi, []byte{0xFF, 0xE1, 0xFF, 0xFF, 1, 2}), ErrTruncated},
		{"no EOI", cat(soi, sof, sos, []byte{1, 2, 3}), ErrTruncated},
		{"no frame", cat(soi, app, eoi), ErrCorrupt},
		{"scan before frame", cat(soi, sos, []byte{1}, sof, eoi), ErrCorrupt},
		{"two frames", cat(soi, sof, sof, sos, []byte{1}, eoi), ErrCorrupt},
		{"zero height (DNL)", cat(soi, []byte{0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 32, 1, 1, 0x11, 0}, sos, []byte{1}, eoi), ErrCorrupt},
		{"short frame header", cat(soi, []byte{0xFF, 0xC0, 0, 8, 8, 0, 16, 0, 32, 3}, sos, []byte{1}, eoi), ErrCorrupt},
		{"length below 2", cat(soi, []byte{0xFF, 0xE0, 0, 1}, sof, sos, eoi), ErrCorrupt},
		{"second SOI", cat(soi, soi, sof, sos, eoi), ErrCorrupt},
	}
	for _, tt := range tests {
		w, h, err := checkJPEG(tt.data)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want == nil && (w != 32 || h != 16):
			t.Errorf("%s: size %dx%d, want 32x16", tt.name, w, h)
		case tt.want != nil && !errors.Is(err, tt.want):
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCheckTIFF(t *testing.T) {
	var buf bytes.Buffer
	if err := tiff.Encode(&buf, quadrants(64, 48), nil); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if w, h, err := checkTIFF(good); err != nil || w != 64 || h != 48 {
		t.Fatalf("got %dx%d, %v", w, h, err)
	}
	// Make the strip byte count run past the end of the file, with the
	// directory intact.
	bad := append([]byte{}, good...)
	bo := binary.LittleEndian
	ifd := bo.Uint32(bad[4:])
	n := int(bo.Uint16(bad[ifd:]))
	found := false
	for k := 0; k < n; k++ {
		e := bad[int(ifd)+2+12*k:]
		if bo.Uint16(e) == 279 && bo.Uint32(e[4:]) == 1 {
			if bo.Uint16(e[2:]) == 3 {
				bo.PutUint16(e[8:], 0xFFFF)
			} else {
				bo.PutUint32(e[8:], uint32(len(bad)))
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no single StripByteCounts in the test TIFF")
	}
	if _, _, err := checkTIFF(bad); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "image data") {
		t.Errorf("strip past the end: got %v, want ErrTruncated", err)
	}
	if _, err := Prepare(bg, bad, Options{}); !errors.Is(err, ErrTruncated) {
		t.Errorf("Prepare: got %v, want ErrTruncated", err)
	}
}

func TestCheckGIFAndBMP(t *testing.T) {
	gif := []byte("GIF89a\x02\x00\x02\x00\x00\x00\x00" + // no global colour table
		"\x21\xF9\x04\x00\x00\x00\x00\x00" + // graphic control extension
		"\x2C\x00\x00\x00\x00\x02\x00\x02\x00\x80" + "\x00\x00\x00\xFF\xFF\xFF" + // descriptor, local table
		"\x02\x02\x44\x01\x00" + ";")
	if err := checkGIF(gif); err != nil {
		t.Errorf("GIF: %v", err)
	}
	for n := 6; n < len(gif); n++ {
		if err := checkGIF(gif[:n]); !errors.Is(err, ErrTruncated) {
			t.Errorf("GIF cut at %d: got %v", n, err)
		}
	}
	if err := checkGIF([]byte("GIF89a\x02\x00\x02\x00\x00\x00\x00;")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("GIF without image: got %v", err)
	}
	if err := checkGIF([]byte("GIF89a\x02\x00\x02\x00\x00\x00\x00\x99;")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("GIF with unknown block: got %v", err)
	}

	bmp := make([]byte, 60)
	copy(bmp, "BM")
	binary.LittleEndian.PutUint32(bmp[2:], 60)
	binary.LittleEndian.PutUint32(bmp[10:], 54)
	binary.LittleEndian.PutUint32(bmp[14:], 40)
	if !isBMP(bmp) || checkBMP(bmp) != nil {
		t.Errorf("BMP: %v %v", isBMP(bmp), checkBMP(bmp))
	}
	if err := checkBMP(bmp[:56]); !errors.Is(err, ErrTruncated) {
		t.Errorf("BMP cut: got %v", err)
	}
}

// TestCorrupt feeds MuPDF files that are complete but wrong inside, and
// checks that its error comes back as ErrCorrupt with its message.
func TestCorrupt(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(64, 64), 90)
	badHuff := append([]byte{}, jpg...)
	dht := bytes.Index(badHuff, []byte{0xFF, 0xC4})
	for i := 0; i < 16; i++ {
		badHuff[dht+5+i] = 0xFF // 16 × 255 codes: more than 256
	}
	badComp := append([]byte{}, jpg...)
	sof := bytes.Index(badComp, []byte{0xFF, 0xC0})
	badComp[sof+4] = 3 // precision 3 bits
	for name, data := range map[string][]byte{"Huffman table": badHuff, "precision": badComp} {
		_, err := Prepare(bg, data, Options{})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "mupdf") {
			t.Errorf("%s: got %v, want ErrCorrupt from MuPDF", name, err)
		} else {
			t.Log(err)
		}
	}
}
