package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dinh/internal/testenv"
	"dinh/offline/agekey"
)

// TestRecoveryKeyOpens: a dossier sealed for central and the recovery key
// opens with either, so it is not lost with central's key.
func TestRecoveryKeyOpens(t *testing.T) {
	f := newFixture(t)
	sealed := f.seal(t)
	for name, k := range map[string]agekey.Private{"central": f.centralPriv, "recovery": f.recovery} {
		o, err := open(sealed, k)
		if err != nil {
			t.Fatalf("%s key: %v", name, err)
		}
		var got bytes.Buffer
		if err := o.Extract("dossier.json", &got); err != nil || !bytes.Equal(got.Bytes(), f.contents["dossier.json"]) {
			t.Fatalf("%s key: got %q, %v", name, got.Bytes(), err)
		}
	}
	// Sealed for central alone, the recovery key cannot open it.
	var buf bytes.Buffer
	if err := Seal(&buf, f.header, f.parts, []agekey.Public{f.centralPub}, f.dev, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := open(buf.Bytes(), f.recovery); !errors.Is(err, ErrNotForUs) {
		t.Fatalf("recovery key on a dossier sealed for central alone: got %v, want ErrNotForUs", err)
	}
}

// TestDevelopmentFormatRefused: a file of the first format, written by a
// development build's sealer (testdata), is refused as such, not as
// tampering, by Open and by ReadHeader.
func TestDevelopmentFormatRefused(t *testing.T) {
	b, err := os.ReadFile("testdata/development-format-v1.dseal")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	if _, err := open(b, f.centralPriv); !errors.Is(err, ErrOldFormat) || errors.Is(err, ErrTampered) {
		t.Errorf("Open: got %v, want ErrOldFormat", err)
	}
	if _, err := ReadHeader(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrOldFormat) {
		t.Errorf("ReadHeader: got %v, want ErrOldFormat", err)
	}
}

// payload returns the age payload of a sealed file.
func payload(t *testing.T, b []byte) []byte {
	t.Helper()
	hlen := int(binary.BigEndian.Uint32(b[len(magic):]))
	return b[len(magic)+4+hlen : len(b)-sigSize]
}

// TestStockAgeReadsPayload: the stock age tool decrypts a sealed file's
// payload with central's key file, and finds the index and the parts.
func TestStockAgeReadsPayload(t *testing.T) {
	ageTool := testenv.Tool(t, "age", "apt-get install age")
	f := newFixture(t)
	sealed := f.seal(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "central.key")
	in := filepath.Join(dir, "payload.age")
	if err := os.WriteFile(keyFile, []byte(f.centralPriv.File(f.header.Created)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, payload(t, sealed), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, err := exec.Command(ageTool, "-d", "-i", keyFile, in).Output()
	if err != nil {
		t.Fatalf("age -d: %v", err)
	}
	ilen := binary.BigEndian.Uint32(plain)
	var idx index
	if err := json.Unmarshal(plain[4:4+ilen], &idx); err != nil {
		t.Fatalf("index: %v", err)
	}
	off := 4 + int64(ilen)
	for _, p := range idx.Parts {
		if !bytes.Equal(plain[off:off+p.Size], f.contents[p.Name]) {
			t.Errorf("part %s: the stock tool's bytes differ", p.Name)
		}
		off += p.Size
	}
	if len(idx.Parts) != len(f.parts) || off != int64(len(plain)) {
		t.Errorf("got %d parts ending at %d of %d bytes, want %d parts filling the payload", len(idx.Parts), off, len(plain), len(f.parts))
	}
}

// TestOpenReadsStockAgePayload: a sealed file whose payload the stock age
// tool encrypted (age -e -r) opens, parts and all; so Open reads age as
// written by a tool it did not write itself.
func TestOpenReadsStockAgePayload(t *testing.T) {
	ageTool := testenv.Tool(t, "age", "apt-get install age")
	f := newFixture(t)
	hdr, err := json.Marshal(Header{Format: Format, DossierID: f.header.DossierID, Device: f.devPub, Created: f.header.Created})
	if err != nil {
		t.Fatal(err)
	}
	prelude := binary.BigEndian.AppendUint32([]byte(magic), uint32(len(hdr)))
	hs := sha256.Sum256(append(bytes.Clone(prelude), hdr...))
	idx := index{HeaderSum: hs[:]}
	var body bytes.Buffer
	for _, p := range f.parts {
		idx.Parts = append(idx.Parts, PartInfo{Name: p.Name, Size: p.Size})
		body.Write(f.contents[p.Name])
	}
	ib, _ := json.Marshal(idx)
	plain := append(binary.BigEndian.AppendUint32(nil, uint32(len(ib))), ib...)
	plain = append(plain, body.Bytes()...)

	cmd := exec.Command(ageTool, "-e", "-r", f.centralPub.String())
	cmd.Stdin = bytes.NewReader(plain)
	enc, err := cmd.Output()
	if err != nil {
		t.Fatalf("age -e: %v", err)
	}
	file := resign(append(append(append(prelude, hdr...), enc...), make([]byte, sigSize)...), f.dev)
	o, err := open(file, f.centralPriv)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, p := range o.Parts() {
		var got bytes.Buffer
		if err := o.Extract(p.Name, &got); err != nil || !bytes.Equal(got.Bytes(), f.contents[p.Name]) {
			t.Errorf("part %s: got %d bytes, %v", p.Name, got.Len(), err)
		}
	}
}
