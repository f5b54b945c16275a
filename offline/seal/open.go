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

	"filippo.io/age"

	"dinh/offline/agekey"
)

const (
	preludeSize = int64(len(magic) + 4)
	// minSize is the smallest file that could be valid: an empty header
	// object, an age payload of one recipient and the signature.
	minSize = preludeSize + 2 + 200 + sigSize
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
	h         Header
	headerSum []byte // SHA-256 of magic, header length and header
	payloadAt int64  // offset of the age payload
	end       int64  // offset of the trailer
}

// verify reads the clear header and checks the device signature over the
// whole file.
func verify(r io.ReaderAt, size int64) (*verified, error) {
	pre := make([]byte, preludeSize)
	if size >= preludeSize {
		if err := readAt(r, pre, 0); err != nil {
			return nil, err
		}
		if string(pre[:len(magicV1)]) == magicV1 {
			return nil, ErrOldFormat
		}
	}
	if size < minSize {
		return nil, tampered("%d bytes is too short", size)
	}
	if size > MaxFileSize {
		return nil, fmt.Errorf("%w: %w: %d bytes, at most %d", ErrTampered, ErrTooLarge, size, int64(MaxFileSize))
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
	v := &verified{payloadAt: preludeSize + hlen, end: size - sigSize}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v.h); err != nil {
		return nil, tampered("header: %v", err)
	}
	if dec.InputOffset() != hlen {
		return nil, tampered("header: data after the JSON")
	}
	if err := validate(v.h); err != nil {
		return nil, err
	}

	sum := sha256.New()
	sum.Write(pre)
	sum.Write(hdr)
	v.headerSum = sum.Sum(nil)
	n, err := io.Copy(sum, io.NewSectionReader(r, v.payloadAt, v.end-v.payloadAt))
	if err != nil {
		return nil, fmt.Errorf("seal: read: %w", err)
	}
	if n != v.end-v.payloadAt {
		return nil, tampered("file shorter than its size")
	}
	sig := make([]byte, sigSize)
	if err := readAt(r, sig, v.end); err != nil {
		return nil, err
	}
	if !ed25519.Verify(v.h.Device, signedMessage(sum.Sum(nil)), sig) {
		return nil, tampered("device signature does not verify")
	}
	return v, nil
}

func validate(h Header) error {
	if h.Format != Format {
		return tampered("format %q, want %q", h.Format, Format)
	}
	if h.DossierID == "" {
		return tampered("missing dossier ID")
	}
	if len(h.Device) != ed25519.PublicKeySize {
		return tampered("device key is %d bytes, want %d", len(h.Device), ed25519.PublicKeySize)
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
	return v.h, nil
}

// Opened is a sealed dossier whose signature and encryption have been
// verified. Its methods read the file again, and report ErrTampered if it
// changed since Open.
type Opened struct {
	plain   io.ReaderAt // the decrypted payload
	header  Header
	parts   []PartInfo
	offsets []int64 // start of each part in plain
}

// Open verifies a sealed dossier of size bytes and decrypts it with key:
// central's, or the administrator's recovery key. It checks the device
// signature over the whole file first, then that the whole payload
// decrypts, so a caller never sees a byte of a changed file. Errors:
// ErrTampered for any change or cut, ErrNotForUs when it was sealed for
// other keys, ErrOldFormat for a file of the development format.
func Open(r io.ReaderAt, size int64, key agekey.Private) (*Opened, error) {
	if key.IsZero() {
		return nil, ErrNoKey
	}
	v, err := verify(r, size)
	if err != nil {
		return nil, err
	}
	plain, plainSize, err := age.DecryptReaderAt(io.NewSectionReader(markedReaderAt{r}, v.payloadAt, v.end-v.payloadAt), v.end-v.payloadAt, key.Identity())
	if err != nil {
		if _, ok := errors.AsType[*age.NoIdentityMatchError](err); ok {
			return nil, ErrNotForUs
		}
		return nil, ageError(err)
	}
	o := &Opened{plain: plain, header: v.h}
	if err := o.readIndex(v.headerSum, plainSize); err != nil {
		return nil, err
	}
	// Every chunk is decrypted once, whole, before a part is handed out.
	buf := make([]byte, ageChunkSize)
	for off := int64(0); off < plainSize; off += ageChunkSize {
		if err := o.readPlain(buf[:min(ageChunkSize, plainSize-off)], off); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// readError marks an error of reading the file itself, so that it is not
// taken for a payload that does not decrypt.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

type markedReaderAt struct{ r io.ReaderAt }

func (m markedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := m.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &readError{err}
	}
	return n, err
}

// ageError tells a read error of the file apart from a payload that does
// not decrypt.
func ageError(err error) error {
	if _, ok := errors.AsType[*readError](err); ok {
		return fmt.Errorf("seal: read: %w", err)
	}
	return tampered("payload: %v", err)
}

// readPlain fills p from the payload at off.
func (o *Opened) readPlain(p []byte, off int64) error {
	n, err := o.plain.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return tampered("payload shorter than its index")
	}
	return ageError(err)
}

func (o *Opened) readIndex(headerSum []byte, plainSize int64) error {
	var lb [4]byte
	if plainSize < 4 {
		return tampered("payload of %d bytes", plainSize)
	}
	if err := o.readPlain(lb[:], 0); err != nil {
		return err
	}
	ilen := int64(binary.BigEndian.Uint32(lb[:]))
	if ilen > maxIndexSize || ilen > plainSize-4 {
		return tampered("index length %d out of range", ilen)
	}
	plainIdx := make([]byte, ilen)
	if err := o.readPlain(plainIdx, 4); err != nil {
		return err
	}
	var idx index
	dec := json.NewDecoder(bytes.NewReader(plainIdx))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return tampered("index: %v", err)
	}
	if dec.InputOffset() != ilen {
		return tampered("index: data after the JSON")
	}
	if subtle.ConstantTimeCompare(idx.HeaderSum, headerSum) != 1 {
		return tampered("the clear header is not the one sealed")
	}
	if len(idx.Parts) > MaxParts {
		return tampered("%d parts, at most %d", len(idx.Parts), MaxParts)
	}
	off := 4 + ilen
	o.offsets = make([]int64, len(idx.Parts))
	for i, p := range idx.Parts {
		if p.Size < 0 || p.Size > MaxPartSize {
			return tampered("part %d size %d out of range", i, p.Size)
		}
		o.offsets[i] = off
		off += p.Size
	}
	if off != plainSize {
		return tampered("parts take %d bytes, the payload has %d", off-4-ilen, plainSize-4-ilen)
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
	buf := make([]byte, ageChunkSize)
	// Reads follow age's chunks, so each chunk is decrypted once.
	for off, end := o.offsets[i], o.offsets[i]+p.Size; off < end; {
		n := min(ageChunkSize-off%ageChunkSize, end-off)
		if err := o.readPlain(buf[:n], off); err != nil {
			return fmt.Errorf("seal: part %d %q: %w", i, p.Name, err)
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return fmt.Errorf("seal: part %q: %w", p.Name, err)
		}
		off += n
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
