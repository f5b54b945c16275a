package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"

	"dinh/offline/internal/stream"
)

const (
	preludeSize = int64(len(magic) + 4)
	wrappedSize = chacha20poly1305.KeySize + chacha20poly1305.Overhead
	// minSize is the smallest file that could be valid: an empty header
	// object, an empty index and the signature.
	minSize = preludeSize + 2 + 4 + nonceSize + chacha20poly1305.Overhead + sigSize
)

func tampered(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrTampered}, args...)...)
}

// readAt fills p from r at off. A reader shorter than the size it was
// given is a cut file.
func readAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return tampered("file shorter than its size")
	}
	return fmt.Errorf("seal: read: %w", err)
}

// verified is a file whose signature checks.
type verified struct {
	wh        wireHeader
	headerSum []byte // SHA-256 of magic, header length and header
	indexAt   int64  // offset of the index length
	end       int64  // offset of the trailer
}

// verify reads the clear header and checks the device signature over the
// whole file.
func verify(r io.ReaderAt, size int64) (*verified, error) {
	if size < minSize {
		return nil, tampered("%d bytes is too short", size)
	}
	if size > MaxFileSize {
		return nil, fmt.Errorf("%w: %w: %d bytes, at most %d", ErrTampered, ErrTooLarge, size, int64(MaxFileSize))
	}
	pre := make([]byte, preludeSize)
	if err := readAt(r, pre, 0); err != nil {
		return nil, err
	}
	if string(pre[:len(magic)]) != magic {
		return nil, tampered("not a sealed dossier (bad magic)")
	}
	hlen := int64(binary.BigEndian.Uint32(pre[len(magic):]))
	if hlen > MaxHeaderSize || hlen > size-minSize+2 {
		return nil, tampered("header length %d out of range", hlen)
	}
	hdr := make([]byte, hlen)
	if err := readAt(r, hdr, preludeSize); err != nil {
		return nil, err
	}
	v := &verified{indexAt: preludeSize + hlen, end: size - sigSize}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v.wh); err != nil {
		return nil, tampered("header: %v", err)
	}
	if dec.More() {
		return nil, tampered("header: data after the JSON")
	}
	if err := v.wh.validate(); err != nil {
		return nil, err
	}

	sum := sha256.New()
	sum.Write(pre)
	sum.Write(hdr)
	v.headerSum = sum.Sum(nil)
	n, err := io.Copy(sum, io.NewSectionReader(r, v.indexAt, v.end-v.indexAt))
	if err != nil {
		return nil, fmt.Errorf("seal: read: %w", err)
	}
	if n != v.end-v.indexAt {
		return nil, tampered("file shorter than its size")
	}
	sig := make([]byte, sigSize)
	if err := readAt(r, sig, v.end); err != nil {
		return nil, err
	}
	if !ed25519.Verify(v.wh.Device, signedMessage(sum.Sum(nil)), sig) {
		return nil, tampered("device signature does not verify")
	}
	return v, nil
}

func (wh *wireHeader) validate() error {
	if wh.Format != Format {
		return tampered("format %q, want %q", wh.Format, Format)
	}
	if wh.DossierID == "" {
		return tampered("missing dossier ID")
	}
	for _, f := range []struct {
		name string
		b    []byte
		n    int
	}{
		{"device key", wh.Device, ed25519.PublicKeySize},
		{"recipient", wh.Recipient, 32},
		{"ephemeral key", wh.Ephemeral, 32},
		{"wrap nonce", wh.WrapNonce, nonceSize},
		{"wrapped key", wh.WrappedKey, wrappedSize},
	} {
		if len(f.b) != f.n {
			return tampered("%s is %d bytes, want %d", f.name, len(f.b), f.n)
		}
	}
	return nil
}

// ReadHeader checks the device signature over the whole file and returns
// the clear header, without any key. It reads the whole file.
func ReadHeader(r io.ReaderAt, size int64) (Header, error) {
	v, err := verify(r, size)
	if err != nil {
		return Header{}, err
	}
	return v.wh.Header, nil
}

// Opened is a sealed dossier whose signature and encryption have been
// verified. Its methods read the file again, and report ErrTampered if it
// changed since Open.
type Opened struct {
	r         io.ReaderAt
	header    Header
	parts     []PartInfo
	offsets   []int64 // start of each part's stream
	key       []byte
	headerSum []byte
}

// Open verifies a sealed dossier of size bytes and decrypts its index with
// the central key. It checks the device signature over the whole file
// first, then that every part decrypts, so a caller never sees a byte of a
// changed file. Errors: ErrTampered for any change or cut, ErrNotForUs when
// it was sealed for another central key.
func Open(r io.ReaderAt, size int64, central CentralPrivateKey) (*Opened, error) {
	v, err := verify(r, size)
	if err != nil {
		return nil, err
	}
	pub := central.Public()
	if subtle.ConstantTimeCompare(pub[:], v.wh.Recipient) != 1 {
		return nil, ErrNotForUs
	}
	key, err := unwrapKey(central, v.wh.Ephemeral, v.wh.WrapNonce, v.wh.WrappedKey)
	if err != nil {
		return nil, err
	}
	o := &Opened{r: r, header: v.wh.Header, key: key, headerSum: v.headerSum}
	if err := o.readIndex(v); err != nil {
		return nil, err
	}
	for i := range o.parts {
		if err := o.extract(i, io.Discard); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (o *Opened) readIndex(v *verified) error {
	var lb [4]byte
	if err := readAt(o.r, lb[:], v.indexAt); err != nil {
		return err
	}
	ilen := int64(binary.BigEndian.Uint32(lb[:]))
	start := v.indexAt + 4
	if ilen < nonceSize+chacha20poly1305.Overhead || ilen > maxIndexSize || ilen > v.end-start {
		return tampered("index length %d out of range", ilen)
	}
	enc := make([]byte, ilen)
	if err := readAt(o.r, enc, start); err != nil {
		return err
	}
	aead, err := chacha20poly1305.NewX(o.key)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	plain, err := aead.Open(nil, enc[:nonceSize], enc[nonceSize:], indexAAD(o.headerSum))
	if err != nil {
		return tampered("index does not decrypt")
	}
	var idx index
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return tampered("index: %v", err)
	}
	if len(idx.Parts) > MaxParts {
		return tampered("%d parts, at most %d", len(idx.Parts), MaxParts)
	}
	off := start + ilen
	o.offsets = make([]int64, len(idx.Parts))
	for i, p := range idx.Parts {
		if p.Size < 0 || p.Size > MaxPartSize {
			return tampered("part %d size %d out of range", i, p.Size)
		}
		o.offsets[i] = off
		off += stream.EncryptedSize(p.Size)
	}
	if off != v.end {
		return tampered("parts take %d bytes, the file has %d", off-start-ilen, v.end-start-ilen)
	}
	o.parts = idx.Parts
	return nil
}

// Header returns the clear header.
func (o *Opened) Header() Header {
	h := o.header
	h.Device = slices.Clone(h.Device)
	h.Summary = maps.Clone(h.Summary)
	return h
}

// Parts lists the parts in the order they were sealed.
func (o *Opened) Parts() []PartInfo { return slices.Clone(o.parts) }

func (o *Opened) extract(i int, w io.Writer) error {
	p := o.parts[i]
	size := stream.EncryptedSize(p.Size)
	sr, err := stream.NewReader(io.NewSectionReader(o.r, o.offsets[i], size), o.key, partAAD(o.headerSum, i))
	var n int64
	if err == nil {
		n, err = io.Copy(w, sr)
	}
	switch {
	case errors.Is(err, stream.ErrAuth):
		return fmt.Errorf("%w: part %d %q: %w", ErrTampered, i, p.Name, err)
	case err != nil:
		return fmt.Errorf("seal: part %q: %w", p.Name, err)
	case n != p.Size:
		return tampered("part %d %q: %d bytes, want %d", i, p.Name, n, p.Size)
	}
	return nil
}

// Extract writes the part called name to w. If it returns an error, w may
// have received the start of the part and must be discarded.
func (o *Opened) Extract(name string, w io.Writer) error {
	for i, p := range o.parts {
		if p.Name == name {
			return o.extract(i, w)
		}
	}
	return fmt.Errorf("%w: %q", ErrNoPart, name)
}

// checkExtractNames refuses the whole set before anything is written: a
// name Seal would refuse, one that is not local on this system, two names
// that one case-insensitive file system would merge, or a name that is
// both a file and a folder.
func checkExtractNames(parts []PartInfo) error {
	files := make(map[string]string, len(parts))
	dirs := make(map[string]string)
	for _, p := range parts {
		if err := checkName(p.Name); err != nil {
			return err
		}
		if !filepath.IsLocal(filepath.FromSlash(p.Name)) {
			return fmt.Errorf("%w %q: not a local name on this system", ErrUnsafeName, p.Name)
		}
		key := strings.ToLower(p.Name)
		if other, ok := files[key]; ok {
			return fmt.Errorf("%w %q: same file as %q", ErrUnsafeName, p.Name, other)
		}
		files[key] = p.Name
		for d := key; strings.Contains(d, "/"); {
			d = d[:strings.LastIndex(d, "/")]
			dirs[d] = p.Name
		}
	}
	for key, name := range files {
		if other, ok := dirs[key]; ok {
			return fmt.Errorf("%w %q: also a folder of %q", ErrUnsafeName, name, other)
		}
	}
	return nil
}

// ExtractAll writes every part under dir, creating it and the folders the
// names need. It refuses unsafe names before writing anything, and cannot
// write outside dir even through a symbolic link already in it. Each part
// is written to a temporary file and renamed, replacing a file of the same
// name.
func (o *Opened) ExtractAll(dir string) error {
	if err := checkExtractNames(o.parts); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	defer root.Close()
	for i, p := range o.parts {
		if err := o.extractFile(root, i, filepath.FromSlash(p.Name)); err != nil {
			return err
		}
	}
	return nil
}

func (o *Opened) extractFile(root *os.Root, i int, name string) (err error) {
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("seal: extract: %w", err)
		}
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(filepath.Dir(name), ".dinh-extract-"+hex.EncodeToString(rnd[:]))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	if err := o.extract(i, f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	if err := root.Rename(tmp, name); err != nil {
		return fmt.Errorf("seal: extract: %w", err)
	}
	return nil
}
