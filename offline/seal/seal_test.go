package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"dinh/internal/testenv"
	"dinh/offline/agekey"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const marker = "CCCD-079203001234-TRAN-THI-MARKER"

// noise is incompressible bytes that do not depend on crypto/rand, so
// failures can be replayed.
func noise(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	r.Read(b)
	return b
}

func bytesPart(name string, b []byte) Part {
	return Part{Name: name, Size: int64(len(b)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}}
}

type fixture struct {
	centralPub  agekey.Public
	centralPriv agekey.Private
	recovery    agekey.Private
	devPub      ed25519.PublicKey
	dev         ed25519.PrivateKey
	header      Header
	contents    map[string][]byte
	parts       []Part
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{contents: map[string][]byte{}}
	var err error
	if f.centralPub, f.centralPriv, err = agekey.Generate(); err != nil {
		t.Fatal(err)
	}
	if _, f.recovery, err = agekey.Generate(); err != nil {
		t.Fatal(err)
	}
	if f.devPub, f.dev, err = ed25519.GenerateKey(nil); err != nil {
		t.Fatal(err)
	}
	f.header = Header{
		DossierID: "HS-2025-000123",
		Created:   time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC),
		Summary:   map[string]string{"procedure": "1.001234", "commune": "26734"},
	}
	scan := noise(1, 5<<20)
	copy(scan[1000:], marker)
	f.add("dossier.json", []byte(`{"name":"Trần Thị B","id":"`+marker+`"}`))
	f.add("attachments/01.jpg", scan)
	f.add("attachments/empty.txt", nil)
	f.add("attachments/02.pdf", bytes.Repeat([]byte(marker), 3000)) // crosses chunks
	return f
}

func (f *fixture) add(name string, b []byte) {
	f.contents[name] = b
	f.parts = append(f.parts, bytesPart(name, b))
}

// to is the keys a device seals for: central's and the recovery key.
func (f *fixture) to() []agekey.Public {
	return []agekey.Public{f.centralPub, f.recovery.Public()}
}

func (f *fixture) seal(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Seal(&buf, f.header, f.parts, f.to(), f.dev, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(b []byte, k agekey.Private) (*Opened, error) {
	return Open(bytes.NewReader(b), int64(len(b)), k)
}

func TestRoundTrip(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	var calls, last, lastTotal int64
	progress := func(done, total int64) {
		calls++
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last, lastTotal = done, total
	}
	if err := Seal(&buf, f.header, f.parts, f.to(), f.dev, progress); err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, p := range f.parts {
		total += p.Size
	}
	if calls < 2 || last != total || lastTotal != total {
		t.Errorf("progress: got %d calls ending at %d/%d, want several ending at %d/%d", calls, last, lastTotal, total, total)
	}
	sealed := buf.Bytes()
	o, err := open(sealed, f.centralPriv)
	if err != nil {
		t.Fatal(err)
	}
	h := o.Header()
	if h.Format != Format || h.DossierID != f.header.DossierID || !h.Device.Equal(f.devPub) ||
		!h.Created.Equal(f.header.Created) || h.Summary["procedure"] != "1.001234" {
		t.Errorf("got header %+v, want the sealed one", h)
	}
	rh, err := ReadHeader(bytes.NewReader(sealed), int64(len(sealed)))
	if err != nil || rh.DossierID != h.DossierID || !rh.Device.Equal(f.devPub) {
		t.Errorf("ReadHeader: got %+v, %v, want the header", rh, err)
	}
	parts := o.Parts()
	if len(parts) != len(f.parts) {
		t.Fatalf("got %d parts, want %d", len(parts), len(f.parts))
	}
	for i, p := range parts {
		if p.Name != f.parts[i].Name || p.Size != f.parts[i].Size {
			t.Errorf("part %d: got %+v, want %s of %d bytes", i, p, f.parts[i].Name, f.parts[i].Size)
		}
		var got bytes.Buffer
		if err := o.Extract(p.Name, &got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), f.contents[p.Name]) {
			t.Errorf("part %s: got %d different bytes back", p.Name, got.Len())
		}
	}
	if err := o.Extract("missing.txt", io.Discard); !errors.Is(err, ErrNoPart) {
		t.Errorf("missing part: got %v, want ErrNoPart", err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := o.ExtractAll(dir); err != nil {
		t.Fatal(err)
	}
	for name, want := range f.contents {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("extracted %s: got %d bytes, %v, want %d bytes", name, len(got), err, len(want))
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "attachments"))
	if len(entries) != 3 {
		t.Errorf("got %d files in attachments, want 3 and no temporary file", len(entries))
	}
}

func TestNoParts(t *testing.T) {
	f := newFixture(t)
	f.parts = nil
	o, err := open(f.seal(t), f.centralPriv)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(o.Parts()); n != 0 {
		t.Errorf("got %d parts, want 0", n)
	}
}

// layout finds the regions of a sealed file from the clear header length,
// the end of the age header and the age chunk sizes.
type region struct {
	name       string
	start, end int
}

func layout(t *testing.T, b []byte) []region {
	t.Helper()
	hlen := int(binary.BigEndian.Uint32(b[len(magic):]))
	hdrAt := len(magic) + 4
	payloadAt := hdrAt + hlen
	mac := bytes.Index(b[payloadAt:], []byte("\n--- "))
	if mac < 0 {
		t.Fatal("no end of the age header")
	}
	ageEnd := payloadAt + mac + 1 + bytes.IndexByte(b[payloadAt+mac+1:], '\n') + 1
	end := len(b) - sigSize
	regions := []region{
		{"magic", 0, len(magic)},
		{"header length", len(magic), hdrAt},
		{"header", hdrAt, payloadAt},
		{"age header", payloadAt, ageEnd},
		{"age nonce", ageEnd, ageEnd + ageNonceSize},
	}
	const chunk = ageChunkSize + ageTagSize
	for i, off := 0, ageEnd+ageNonceSize; off < end; i, off = i+1, off+chunk {
		regions = append(regions, region{fmt.Sprintf("chunk %d", i), off, min(off+chunk, end)})
	}
	return append(regions, region{"trailer", end, len(b)})
}

func TestFlipEveryRegion(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	regions := layout(t, sealed)
	if len(regions) > 12 {
		// The first and the last chunks, and one in the middle.
		n := len(regions)
		regions = append(regions[:7], regions[n/2], regions[n-2], regions[n-1])
	}
	for _, r := range regions {
		t.Run(r.name, func(t *testing.T) {
			// Up to 12 offsets spread over the region, ends included.
			n := r.end - r.start
			step := max(1, (n-1)/11)
			for off := r.start; off < r.end; off += step {
				c := bytes.Clone(sealed)
				c[off] ^= 0x01
				if _, err := open(c, f.centralPriv); !errors.Is(err, ErrTampered) {
					t.Fatalf("byte %d flipped: Open got %v, want ErrTampered", off, err)
				}
				if _, err := ReadHeader(bytes.NewReader(c), int64(len(c))); !errors.Is(err, ErrTampered) {
					t.Fatalf("byte %d flipped: ReadHeader got %v, want ErrTampered", off, err)
				}
				if r.name == "trailer" {
					continue
				}
				// Signed again by the device key, the change must still be
				// caught, by the header's hash in the index or by age. A
				// change to a key's stanza in the age header is reported
				// as not for us.
				c = resign(c, f.dev)
				_, err := open(c, f.centralPriv)
				if !errors.Is(err, ErrTampered) && !(errors.Is(err, ErrNotForUs) && r.name == "age header") {
					t.Fatalf("byte %d flipped and signed again: Open got %v, want ErrTampered", off, err)
				}
			}
		})
	}
}

func TestTruncateAndExtend(t *testing.T) {
	f := newFixture(t)
	f.parts = f.parts[:1] // small, so every cut can be tried quickly
	f.add("attachments/03.jpg", noise(3, 200<<10))
	sealed := f.seal(t)
	var cuts []int
	for _, r := range layout(t, sealed) {
		cuts = append(cuts, r.start, r.start+1, r.end-1)
	}
	for i := 0; i < len(sealed); i += 997 {
		cuts = append(cuts, i)
	}
	for _, n := range cuts {
		if n >= len(sealed) {
			continue
		}
		if _, err := open(sealed[:n], f.centralPriv); !errors.Is(err, ErrTampered) {
			t.Fatalf("cut to %d bytes: got %v, want ErrTampered", n, err)
		}
	}
	for _, extra := range [][]byte{{0}, []byte("x"), sealed[len(sealed)-sigSize:], sealed} {
		c := append(bytes.Clone(sealed), extra...)
		if _, err := open(c, f.centralPriv); !errors.Is(err, ErrTampered) {
			t.Fatalf("%d bytes appended: got %v, want ErrTampered", len(extra), err)
		}
	}
	// A reader shorter than the size it is opened with.
	if _, err := Open(bytes.NewReader(sealed[:len(sealed)-10]), int64(len(sealed)), f.centralPriv); !errors.Is(err, ErrTampered) {
		t.Fatalf("short reader: got %v, want ErrTampered", err)
	}
}

func TestNotForUs(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	_, other, _ := agekey.Generate()
	if _, err := open(sealed, other); !errors.Is(err, ErrNotForUs) || errors.Is(err, ErrTampered) {
		t.Fatalf("got %v, want ErrNotForUs", err)
	}
	// A hub checks the device without any key.
	h, err := ReadHeader(bytes.NewReader(sealed), int64(len(sealed)))
	if err != nil || !h.Device.Equal(f.devPub) {
		t.Fatalf("got %v, %v, want the device key", h.Device, err)
	}
}

// TestReSignedByAnotherDevice checks a header cannot be relabelled: someone
// with their own device key rewrites the device field and signs again.
func TestReSignedByAnotherDevice(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	otherPub, other, _ := ed25519.GenerateKey(nil)
	old := []byte(base64.StdEncoding.EncodeToString(f.devPub))
	c := bytes.Replace(sealed, old, []byte(base64.StdEncoding.EncodeToString(otherPub)), 1)
	c = resign(c, other)
	if _, err := ReadHeader(bytes.NewReader(c), int64(len(c))); err != nil {
		t.Fatalf("ReadHeader: got %v, want the forged signature to verify", err)
	}
	if _, err := open(c, f.centralPriv); !errors.Is(err, ErrTampered) {
		t.Fatalf("Open: got %v, want ErrTampered from the index bound to the header", err)
	}
}

func TestDeviceCannotReadBack(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	for _, s := range []string{marker, marker[:12], "Trần Thị B"} {
		if bytes.Contains(sealed, []byte(s)) {
			t.Errorf("got %q in clear in the sealed file, want none", s)
		}
	}
	for _, p := range f.parts {
		if bytes.Contains(sealed, []byte(p.Name)) {
			t.Errorf("got part name %q in clear, want it only in the encrypted index", p.Name)
		}
	}
}

func TestSealRefuses(t *testing.T) {
	f := newFixture(t)
	small := func(name string) Part { return bytesPart(name, []byte("x")) }
	many := make([]Part, MaxParts+1)
	for i := range many {
		many[i] = small(fmt.Sprintf("p/%04d", i))
	}
	otherPub, _, _ := ed25519.GenerateKey(nil)
	long := strings.Repeat("a", MaxNameBytes+1)
	tests := []struct {
		name   string
		header func(h *Header)
		parts  []Part
		want   error  // the error it wraps, for the refusals callers tell apart
		msg    string // else what the error says, naming the check that refused
	}{
		{name: "dot dot", parts: []Part{small("../evil")}, want: ErrUnsafeName},
		{name: "dot dot inside", parts: []Part{small("a/../../evil")}, want: ErrUnsafeName},
		{name: "absolute", parts: []Part{small("/etc/passwd")}, want: ErrUnsafeName},
		{name: "backslash", parts: []Part{small(`a\b`)}, want: ErrUnsafeName},
		{name: "drive", parts: []Part{small("c:evil")}, want: ErrUnsafeName},
		{name: "empty", parts: []Part{small("")}, want: ErrUnsafeName},
		{name: "empty element", parts: []Part{small("a//b")}, want: ErrUnsafeName},
		{name: "trailing slash", parts: []Part{small("a/")}, want: ErrUnsafeName},
		{name: "dot", parts: []Part{small("./a")}, want: ErrUnsafeName},
		{name: "trailing dot", parts: []Part{small("a.")}, want: ErrUnsafeName},
		{name: "control character", parts: []Part{small("a\x00b")}, want: ErrUnsafeName},
		{name: "not utf-8", parts: []Part{small("a\xffb")}, want: ErrUnsafeName},
		{name: "too long", parts: []Part{small(long)}, want: ErrUnsafeName},
		{name: "twice", parts: []Part{small("a"), small("a")}, want: ErrUnsafeName},
		{name: "too many parts", parts: many, want: ErrTooLarge},
		{name: "part too large", parts: []Part{{Name: "big", Size: MaxPartSize + 1, Open: bytesPart("", nil).Open}}, want: ErrTooLarge},
		{name: "file too large", parts: []Part{
			{Name: "a", Size: MaxPartSize, Open: bytesPart("", nil).Open},
			{Name: "b", Size: MaxPartSize, Open: bytesPart("", nil).Open},
			{Name: "c", Size: MaxPartSize, Open: bytesPart("", nil).Open},
			{Name: "d", Size: MaxPartSize, Open: bytesPart("", nil).Open},
		}, want: ErrTooLarge},
		{name: "header too large", header: func(h *Header) { h.Summary["note"] = strings.Repeat("x", MaxHeaderSize) }, want: ErrTooLarge},
		{name: "shorter than Size", parts: []Part{{Name: "a", Size: 10, Open: bytesPart("", []byte("12345")).Open}}, msg: "read 5 bytes, want Size 10"},
		{name: "longer than Size", parts: []Part{{Name: "a", Size: 2, Open: bytesPart("", []byte("12345")).Open}}, msg: "read 3 bytes, want Size 2"},
		{name: "negative Size", parts: []Part{{Name: "a", Size: -1, Open: bytesPart("", nil).Open}}, msg: "negative size"},
		{name: "no Open", parts: []Part{{Name: "a"}}, msg: "has no Open"},
		{name: "other format", header: func(h *Header) { h.Format = "dinh-seal/1" }, msg: `format "dinh-seal/1"`},
		{name: "other device", header: func(h *Header) { h.Device = otherPub }, msg: "not the signing key"},
		{name: "no dossier ID", header: func(h *Header) { h.DossierID = "" }, msg: "missing dossier ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := f.header
			h.Summary = map[string]string{}
			if tt.header != nil {
				tt.header(&h)
			}
			parts := tt.parts
			if parts == nil {
				parts = f.parts[:1]
			}
			err := Seal(io.Discard, h, parts, f.to(), f.dev, nil)
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want an error saying %q", err, tt.msg)
			}
			if (tt.want == nil) == (tt.msg == "") {
				t.Fatal("the row must name its error by want or by msg")
			}
		})
	}
	for _, to := range [][]agekey.Public{nil, {{}}} {
		if err := Seal(io.Discard, f.header, f.parts, to, f.dev, nil); !errors.Is(err, ErrNoKey) {
			t.Errorf("sealed for %v: got %v, want ErrNoKey", to, err)
		}
	}
}

// sealUnchecked seals parts with names Seal would refuse, as a hostile or
// buggy device might.
func sealUnchecked(t *testing.T, f *fixture, names ...string) []byte {
	t.Helper()
	var parts []Part
	for _, n := range names {
		parts = append(parts, bytesPart(n, []byte("evil "+n)))
	}
	var buf bytes.Buffer
	if err := seal(&buf, f.header, parts, f.to(), f.dev, nil, sealHooks{skipChecks: true}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractAllRefusesUnsafe(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		names []string
	}{
		{"dot dot", []string{"ok.txt", "../evil.txt"}},
		{"deep dot dot", []string{"a/b/../../../evil.txt"}},
		{"absolute", []string{"/tmp/evil.txt"}},
		{"backslash", []string{`..\evil.txt`}},
		{"same name", []string{"a.txt", "a.txt"}},
		{"same name but case", []string{"Anh.jpg", "anh.JPG"}},
		{"file and folder", []string{"att", "att/01.jpg"}},
		{"empty", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := open(sealUnchecked(t, f, tt.names...), f.centralPriv)
			if err != nil {
				t.Fatal(err)
			}
			base := t.TempDir()
			dir := filepath.Join(base, "a", "b", "out")
			if err := o.ExtractAll(dir); !errors.Is(err, ErrUnsafeName) {
				t.Fatalf("got %v, want ErrUnsafeName", err)
			}
			var written []string
			filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					written = append(written, p)
				}
				return nil
			})
			if len(written) > 0 {
				t.Fatalf("got files written %v, want none", written)
			}
		})
	}
}

func TestExtractAllStaysInsideThroughSymlink(t *testing.T) {
	f := newFixture(t)
	o, err := open(sealUnchecked(t, f, "attachments/01.jpg"), f.centralPriv)
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	dir := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "attachments")); err != nil {
		testenv.Skip(t, "no symbolic links here: %v", err)
	}
	if err := o.ExtractAll(dir); err == nil {
		t.Fatal("got no error writing through a symbolic link out of the folder, want one")
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Fatalf("got %d files written outside the folder, want none", len(entries))
	}
}

// TestHostileIndex: a device that writes an index that does not match its
// parts (a hostile or buggy one, which can sign what it likes) is refused,
// and the refusal names the check.
func TestHostileIndex(t *testing.T) {
	f := newFixture(t)
	f.parts = f.parts[:2]
	files := f.parts[0].Size + f.parts[1].Size
	tests := []struct {
		name   string
		edit   func(*index)
		reason string // what the refusal says: which check refused
	}{
		{"size changed", func(x *index) { x.Parts[1].Size-- },
			fmt.Sprintf("parts take %d bytes, the payload has %d", files-1, files)},
		{"huge size", func(x *index) { x.Parts[1].Size = 1 << 62 }, "part 1 size 4611686018427387904 out of range"},
		{"size just over the limit", func(x *index) { x.Parts[1].Size = MaxPartSize + 1 }, "part 1 size 1073741825 out of range"},
		{"size at the limit", func(x *index) { x.Parts[1].Size = MaxPartSize }, "parts take"},
		{"negative size", func(x *index) { x.Parts[0].Size = -1 }, "part 0 size -1 out of range"},
		{"part dropped", func(x *index) { x.Parts = x.Parts[:1] },
			fmt.Sprintf("parts take %d bytes, the payload has %d", f.parts[0].Size, files)},
		{"too many parts", func(x *index) {
			for len(x.Parts) <= MaxParts {
				x.Parts = append(x.Parts, PartInfo{Name: "x", Size: 0})
			}
		}, "1001 parts, at most 1000"},
		{"another header's hash", func(x *index) { x.HeaderSum[0] ^= 1 }, "the clear header is not the one sealed"},
		{"no header hash", func(x *index) { x.HeaderSum = nil }, "the clear header is not the one sealed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := seal(&buf, f.header, f.parts, f.to(), f.dev, nil, sealHooks{editIndex: tt.edit}); err != nil {
				t.Fatal(err)
			}
			_, err := open(buf.Bytes(), f.centralPriv)
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("got %v, want ErrTampered saying %q", err, tt.reason)
			}
		})
	}
}

// resign signs data again with key, as someone holding a device key can.
func resign(data []byte, key ed25519.PrivateKey) []byte {
	body := bytes.Clone(data[:len(data)-sigSize])
	sum := sha256.Sum256(body)
	return append(body, ed25519.Sign(key, signedMessage(sum[:]))...)
}

// zeros is a huge file of zeros that costs no memory.
type zeros struct{}

func (zeros) ReadAt(p []byte, off int64) (int, error) { clear(p); return len(p), nil }

// prefixed is a file of size bytes: prefix, then zeros, costing no memory.
type prefixed struct{ prefix []byte }

func (p prefixed) ReadAt(b []byte, off int64) (int, error) {
	clear(b)
	if off < int64(len(p.prefix)) {
		copy(b, p.prefix[off:])
	}
	return len(b), nil
}

// TestHostileLengths: every length a file announces is checked against
// its limit and against the file's size before anything that size is
// read or allocated; the error says which length was refused.
func TestHostileLengths(t *testing.T) {
	f := newFixture(t)
	f.parts = f.parts[:1]
	sealed := f.seal(t)
	setLen := func(at int, v uint32) []byte {
		c := bytes.Clone(sealed)
		binary.BigEndian.PutUint32(c[at:], v)
		return resign(c, f.dev)
	}
	size := int64(len(sealed))
	headerAt := func(n uint32) []byte {
		b := append([]byte(magic), 0, 0, 0, 0)
		binary.BigEndian.PutUint32(b[len(magic):], n)
		return b
	}
	tests := []struct {
		name   string
		r      io.ReaderAt
		size   int64
		reason string
	}{
		{"header length 4 GiB", bytes.NewReader(setLen(len(magic), 0xffffffff)), size, "header length 4294967295 out of range"},
		{"header length just over the limit", prefixed{headerAt(MaxHeaderSize + 1)}, 1 << 20, "header length 65537 out of range"},
		{"header length at the limit", prefixed{headerAt(MaxHeaderSize)}, 1 << 20, "header:"},
		{"header length past the file", prefixed{headerAt(1000)}, minSize + 1000 - 2 - 1, "header length 1000 out of range"},
		{"header length that fits the file", prefixed{headerAt(1000)}, minSize + 1000 - 2, "header:"},
		{"size 1 TiB", zeros{}, 1 << 40, "1099511627776 bytes, at most 4294967296"},
		{"size just over the limit", zeros{}, MaxFileSize + 1, "4294967297 bytes, at most 4294967296"},
		{"size 4 GiB of zeros", zeros{}, MaxFileSize, "bad magic"},
		{"negative size", zeros{}, -1, "-1 bytes is too short"},
		{"just too short", zeros{}, minSize - 1, "is too short"},
		{"the smallest size", zeros{}, minSize, "bad magic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Open(tt.r, tt.size, f.centralPriv)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("got %v, want ErrTampered saying %q", err, tt.reason)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
				t.Fatalf("got %d bytes allocated, want under 1 MiB", got)
			}
		})
	}
}

// failingReader fails every read as a dying disk would.
type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("input/output error") }

// failingWriter takes n bytes, then fails as a full disk would.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestDiskErrorsAreNotTampering: a read or write that fails is reported as
// such, never as a changed dossier, which central would quarantine.
func TestDiskErrorsAreNotTampering(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	if _, err := Open(failingReader{}, int64(len(sealed)), f.centralPriv); err == nil || errors.Is(err, ErrTampered) {
		t.Errorf("a failing disk: got %v, want a read error that is not ErrTampered", err)
	}
	o, err := open(sealed, f.centralPriv)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range o.Parts() {
		if p.Size == 0 {
			continue
		}
		err := o.Extract(p.Name, &failingWriter{n: 10})
		if err == nil || errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("part %s to a full disk: got %v, want the write error, not ErrTampered", p.Name, err)
		}
	}
}

// TestExtractAllLeavesNoTemporaryFile: when a part fails its check half
// way (the file changed after it was opened), ExtractAll stops and leaves
// no temporary file behind.
func TestExtractAllLeavesNoTemporaryFile(t *testing.T) {
	f := newFixture(t)
	file := f.seal(t)
	o, err := open(file, f.centralPriv)
	if err != nil {
		t.Fatal(err)
	}
	// The opened file changes on the disk, in the middle of its payload:
	// inside the 5 MiB scan, the largest part.
	r := layout(t, file)
	mid := r[len(r)/2]
	file[mid.start+100] ^= 1
	dir := t.TempDir()
	if err := o.ExtractAll(dir); !errors.Is(err, ErrTampered) {
		t.Fatalf("got %v, want ErrTampered", err)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".dinh-extract-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func FuzzOpen(f *testing.F) {
	fx := newFixture(f)
	fx.parts = []Part{bytesPart("dossier.json", []byte(`{"a":1}`)), bytesPart("b", noise(2, 3000)), bytesPart("c", nil)}
	sealed := fx.seal(f)
	f.Add(sealed)
	f.Add(sealed[:200])
	f.Add([]byte(magic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, nil} {
			if d == nil {
				if len(data) < sigSize {
					return
				}
				// Signed again, a mutation gets past the signature to
				// the lengths, the key and the index.
				d = resign(data, fx.dev)
			}
			ReadHeader(bytes.NewReader(d), int64(len(d)))
			o, err := Open(bytes.NewReader(d), int64(len(d)), fx.centralPriv)
			if err != nil {
				if !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNotForUs) && !errors.Is(err, ErrOldFormat) {
					t.Fatalf("got %v, want ErrTampered, ErrNotForUs or ErrOldFormat", err)
				}
				continue
			}
			for _, p := range o.Parts() {
				if err := o.Extract(p.Name, io.Discard); err != nil {
					t.Fatalf("part %q of an opened seal: %v", p.Name, err)
				}
			}
		}
	})
}

func benchParts() ([]Part, int64) {
	parts := []Part{bytesPart("dossier.json", []byte(`{"procedure":"1.001234","fields":{"name":"Trần Thị B"}}`))}
	for i := range 10 {
		parts = append(parts, bytesPart(fmt.Sprintf("attachments/%02d.jpg", i), noise(uint64(i), 4<<20)))
	}
	var total int64
	for _, p := range parts {
		total += p.Size
	}
	return parts, total
}

func BenchmarkSeal10x4MB(b *testing.B) {
	f := newFixture(b)
	parts, total := benchParts()
	b.SetBytes(total)
	for b.Loop() {
		if err := Seal(io.Discard, f.header, parts, f.to(), f.dev, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

func BenchmarkOpen10x4MB(b *testing.B) {
	f := newFixture(b)
	parts, total := benchParts()
	var buf bytes.Buffer
	if err := Seal(&buf, f.header, parts, f.to(), f.dev, nil); err != nil {
		b.Fatal(err)
	}
	sealed := buf.Bytes()
	b.SetBytes(total)
	for b.Loop() {
		o, err := open(sealed, f.centralPriv)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range o.Parts() {
			if err := o.Extract(p.Name, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}
