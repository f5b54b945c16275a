package seal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// zeroPart is a part of n zero bytes, read without holding them.
func zeroPart(name string, n int64) Part {
	return Part{Name: name, Size: n, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.LimitReader(zeroReader{}, n)), nil
	}}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSealedSizeIsExact: the size Seal checks against MaxFileSize before
// writing is the size it then writes, whatever the parts.
func TestSealedSizeIsExact(t *testing.T) {
	f := newFixture(t)
	for _, parts := range [][]Part{
		f.parts,
		{bytesPart("a", nil)},
		{bytesPart("a", []byte("x")), zeroPart("b", 64<<10), zeroPart("c", 64<<10+1)},
	} {
		var buf bytes.Buffer
		var announced int64
		if err := seal(&buf, f.header, parts, f.to(), f.dev, nil, sealHooks{sized: func(n int64) { announced = n }}); err != nil {
			t.Fatal(err)
		}
		if announced != int64(buf.Len()) {
			t.Errorf("%d parts: Seal checked %d bytes and wrote %d", len(parts), announced, buf.Len())
		}
	}
	// Around a whole number of payload chunks, where a chunk more or less
	// changes the size: one part of every size from 1 KiB under the
	// chunk to the chunk, so that the payload (its length, the index and
	// the part) is a whole number of chunks for one of them.
	for n := int64(ageChunkSize - 1024); n <= ageChunkSize; n++ {
		var buf bytes.Buffer
		var announced int64
		if err := seal(&buf, f.header, []Part{zeroPart("a", n)}, f.to(), f.dev, nil, sealHooks{sized: func(n int64) { announced = n }}); err != nil {
			t.Fatal(err)
		}
		if announced != int64(buf.Len()) {
			t.Fatalf("a part of %d bytes: Seal checked %d bytes and wrote %d", n, announced, buf.Len())
		}
	}
}

// TestSealLimitsAtTheirEdges: what is exactly at a limit is sealed, and
// one more is refused.
func TestSealLimitsAtTheirEdges(t *testing.T) {
	f := newFixture(t)
	small := func(name string) Part { return bytesPart(name, []byte("x")) }

	// MaxParts parts are sealed; one more is refused.
	parts := make([]Part, MaxParts)
	for i := range parts {
		parts[i] = small(fmt.Sprintf("p/%04d", i))
	}
	var many bytes.Buffer
	if err := Seal(&many, f.header, parts, f.to(), f.dev, nil); err != nil {
		t.Errorf("%d parts: %v", MaxParts, err)
	}
	if o, err := open(many.Bytes(), f.centralPriv); err != nil || len(o.Parts()) != MaxParts {
		t.Errorf("opening %d parts: %v", MaxParts, err)
	}

	// A part of MaxPartSize is sealed (1 GiB of zeros, streamed).
	if testing.Short() {
		t.Log("the 1 GiB part is left out under -short")
	} else if err := Seal(io.Discard, f.header, []Part{zeroPart("big", MaxPartSize)}, f.to(), f.dev, nil); err != nil {
		t.Errorf("a part of %d bytes: %v", MaxPartSize, err)
	}

	// A header of exactly MaxHeaderSize bytes is sealed; one more byte is
	// refused. The header's length is read from the file's prelude.
	headerLen := func(note string) (int, error) {
		h := f.header
		h.Summary = map[string]string{"note": note}
		var buf bytes.Buffer
		err := Seal(&buf, h, []Part{small("a")}, f.to(), f.dev, nil)
		if err != nil {
			return 0, err
		}
		return int(binary.BigEndian.Uint32(buf.Bytes()[len(magic):])), nil
	}
	n, err := headerLen("x")
	if err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("x", 1+MaxHeaderSize-n)
	if got, err := headerLen(note); err != nil || got != MaxHeaderSize {
		t.Errorf("a header of %d bytes: got %d, %v", MaxHeaderSize, got, err)
	}
	if _, err := headerLen(note + "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a header of %d bytes: got %v, want ErrTooLarge", MaxHeaderSize+1, err)
	}

	// A space is a printable character in a part name.
	if err := Seal(io.Discard, f.header, []Part{small("giấy tờ.pdf")}, f.to(), f.dev, nil); err != nil {
		t.Errorf("a name with a space: %v", err)
	}
}

// TestHostileIndexLength: the index length a device writes inside the
// payload is checked against its limit and the payload's size before the
// index is read; the error says which length was refused.
func TestHostileIndexLength(t *testing.T) {
	f := newFixture(t)
	f.parts = f.parts[:2] // the 5 MiB scan: room for a 1 MiB index
	var plain int64 = 4
	for _, p := range f.parts {
		plain += p.Size
	}
	for _, tt := range []struct {
		edit func(n uint32) uint32
		want string
	}{
		{func(uint32) uint32 { return maxIndexSize }, "index:"},
		{func(uint32) uint32 { return maxIndexSize + 1 }, "index length 1048577 out of range"},
		{func(uint32) uint32 { return 0xffffffff }, "index length 4294967295 out of range"},
		{func(n uint32) uint32 { return n - 1 }, "index:"},
		{func(n uint32) uint32 { return n + 1 }, "index:"},
		{func(uint32) uint32 { return 0 }, "index: EOF"},
	} {
		var buf bytes.Buffer
		var got uint32
		err := seal(&buf, f.header, f.parts, f.to(), f.dev, nil, sealHooks{indexLen: func(n uint32) uint32 { got = tt.edit(n); return got }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := open(buf.Bytes(), f.centralPriv); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("index length %d: got %v, want %q", got, err, tt.want)
		}
	}
}
