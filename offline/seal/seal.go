package seal

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"filippo.io/age"

	"dinh/offline/agekey"
)

// Format is the only Header.Format this version writes and reads.
const Format = "dinh-seal/2"

// Ext is the extension of a sealed dossier's file, in a device's outbox
// and in every folder it travels through.
const Ext = ".dseal"

// Limits of a sealed file, checked by Seal and by Open.
const (
	MaxHeaderSize = 64 << 10
	MaxParts      = 1000
	MaxPartSize   = 1 << 30
	MaxFileSize   = 4 << 30
	MaxNameBytes  = 255

	maxIndexSize = 1 << 20
)

const (
	magic          = "DINHSEAL2\n"
	magicV1        = "DINHSEAL1\n"
	sigSize        = ed25519.SignatureSize
	labelSignature = "dinh seal v2 signature"

	// An age payload is its header, a 16-byte nonce, then the plaintext
	// in chunks of 64 KiB, each with a 16-byte tag; an empty plaintext
	// is one empty chunk.
	ageNonceSize = 16
	ageChunkSize = 64 << 10
	ageTagSize   = 16
)

// Errors of sealing and opening; test them with errors.Is.
var (
	ErrTampered   = errors.New("seal: sealed dossier was changed or is damaged")
	ErrNotForUs   = errors.New("seal: sealed for another key")
	ErrOldFormat  = errors.New("seal: sealed in the format of a development build before the first release")
	ErrTooLarge   = errors.New("seal: over a size limit")
	ErrUnsafeName = errors.New("seal: unsafe part name")
	ErrNoPart     = errors.New("seal: no such part")
	ErrNoKey      = errors.New("seal: no key to seal for")
)

// Part is one file of a dossier. Size must be exact: it is written in the
// index before the bytes.
type Part struct {
	Name string // slash-separated, like "attachments/01.jpg"
	Size int64
	Open func() (io.ReadCloser, error)
}

// PartInfo describes a part of an opened seal.
type PartInfo struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Header travels in clear. Summary must hold nothing personal: a
// procedure code, a commune code, a count of pages.
type Header struct {
	Format    string            `json:"format"`
	DossierID string            `json:"dossier_id"`
	Device    ed25519.PublicKey `json:"device"` // base64 in JSON
	Created   time.Time         `json:"created"`
	Summary   map[string]string `json:"summary,omitempty"`
}

// index opens the encrypted payload.
type index struct {
	HeaderSum []byte     `json:"header_sha256"` // base64 in JSON
	Parts     []PartInfo `json:"parts"`
}

// checkName refuses names that could escape a folder or mean different
// files on different systems.
func checkName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrUnsafeName, name, why) }
	switch {
	case name == "":
		return bad("empty")
	case len(name) > MaxNameBytes:
		return bad(fmt.Sprintf("longer than %d bytes", MaxNameBytes))
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	case strings.HasPrefix(name, "/"):
		return bad("absolute")
	case strings.ContainsAny(name, `\:`):
		return bad(`contains \ or :`)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad("contains a control character")
		}
	}
	for _, el := range strings.Split(name, "/") {
		switch {
		case el == "":
			return bad("empty path element")
		case el == "." || el == "..":
			return bad("contains . or ..")
		case strings.HasSuffix(el, ".") || strings.HasSuffix(el, " "):
			// Windows drops these, so "a." would overwrite "a".
			return bad("path element ends in a dot or space")
		}
	}
	return nil
}

func checkParts(parts []PartInfo) error {
	if len(parts) > MaxParts {
		return fmt.Errorf("%w: %d parts, at most %d", ErrTooLarge, len(parts), MaxParts)
	}
	seen := make(map[string]bool, len(parts))
	for _, p := range parts {
		if err := checkName(p.Name); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("%w %q: used twice", ErrUnsafeName, p.Name)
		}
		seen[p.Name] = true
		if p.Size < 0 {
			return fmt.Errorf("seal: part %q: negative size", p.Name)
		}
		if p.Size > MaxPartSize {
			return fmt.Errorf("%w: part %q is %d bytes, at most %d", ErrTooLarge, p.Name, p.Size, MaxPartSize)
		}
	}
	return nil
}

func signedMessage(sum []byte) []byte {
	return append([]byte(labelSignature+"\x00"), sum...)
}

// payloadSize is the size of an age payload of plain bytes whose header
// is ageHeader bytes.
func payloadSize(ageHeader, plain int64) int64 {
	chunks := max(1, (plain+ageChunkSize-1)/ageChunkSize)
	return ageHeader + ageNonceSize + plain + chunks*ageTagSize
}

// ageHeaderSize measures the age header for recipients by encrypting
// nothing to them: it does not depend on the plaintext.
func ageHeaderSize(recipients []age.Recipient) (int64, error) {
	var cw countWriter
	w, err := age.Encrypt(&cw, recipients...)
	if err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return cw.n - payloadSize(0, 0), nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// sealHooks let tests write files Seal refuses to write, and see the size
// Seal computes before writing.
type sealHooks struct {
	skipChecks bool
	editIndex  func(*index)
	indexLen   func(uint32) uint32
	sized      func(int64)
}

// Seal writes the dossier made of h and parts to w, readable only with the
// private keys of the public keys in to (central's, and the recovery
// key's when the device has it) and signed by device. Seal fills in
// h.Format, h.Device (from device) and h.Created (now) when they are
// empty. progress, if not nil, is called with the bytes of parts read so
// far and the total. On error, what was written to w is garbage and must
// be removed.
func Seal(w io.Writer, h Header, parts []Part, to []agekey.Public, device ed25519.PrivateKey, progress func(done, total int64)) error {
	return seal(w, h, parts, to, device, progress, sealHooks{})
}

func seal(w io.Writer, h Header, parts []Part, to []agekey.Public, device ed25519.PrivateKey, progress func(done, total int64), hooks sealHooks) error {
	if len(device) != ed25519.PrivateKeySize {
		return fmt.Errorf("seal: device key is %d bytes, want %d", len(device), ed25519.PrivateKeySize)
	}
	var recipients []age.Recipient
	for _, k := range to {
		if !k.IsZero() {
			recipients = append(recipients, k.Recipient())
		}
	}
	if len(recipients) == 0 {
		return ErrNoKey
	}
	devPub := device.Public().(ed25519.PublicKey)
	switch {
	case h.Format == "":
		h.Format = Format
	case h.Format != Format:
		return fmt.Errorf("seal: format %q, want %q", h.Format, Format)
	}
	switch {
	case h.Device == nil:
		h.Device = devPub
	case !devPub.Equal(h.Device):
		return errors.New("seal: header device key is not the signing key's")
	}
	if h.DossierID == "" {
		return errors.New("seal: missing dossier ID")
	}
	if h.Created.IsZero() {
		h.Created = time.Now().UTC()
	}
	idx := index{Parts: make([]PartInfo, len(parts))}
	var total int64
	for i, p := range parts {
		if p.Open == nil {
			return fmt.Errorf("seal: part %q has no Open", p.Name)
		}
		idx.Parts[i] = PartInfo{Name: p.Name, Size: p.Size}
		total += max(p.Size, 0)
	}
	if !hooks.skipChecks {
		if err := checkParts(idx.Parts); err != nil {
			return err
		}
	}

	hdr, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("seal: encode header: %w", err)
	}
	if len(hdr) > MaxHeaderSize {
		return fmt.Errorf("%w: header is %d bytes, at most %d", ErrTooLarge, len(hdr), MaxHeaderSize)
	}
	sum := sha256.New()
	prelude := append([]byte(magic), binary.BigEndian.AppendUint32(nil, uint32(len(hdr)))...)
	sum.Write(prelude)
	sum.Write(hdr)
	idx.HeaderSum = sum.Sum(nil)

	if hooks.editIndex != nil {
		hooks.editIndex(&idx)
	}
	plainIdx, err := json.Marshal(idx)
	if err != nil {
		return fmt.Errorf("seal: encode index: %w", err)
	}
	if len(plainIdx) > maxIndexSize {
		return fmt.Errorf("%w: index is %d bytes, at most %d", ErrTooLarge, len(plainIdx), maxIndexSize)
	}

	ageHeader, err := ageHeaderSize(recipients)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	size := int64(len(prelude)+len(hdr)) + payloadSize(ageHeader, int64(4+len(plainIdx))+total) + sigSize
	if hooks.sized != nil {
		hooks.sized(size)
	}
	if size > MaxFileSize {
		return fmt.Errorf("%w: sealed file would be %d bytes, at most %d", ErrTooLarge, size, int64(MaxFileSize))
	}

	// The prelude and header are already hashed; the payload is hashed as
	// it is written.
	if _, err := w.Write(prelude); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	aw, err := age.Encrypt(&hashWriter{w: w, h: sum}, recipients...)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	ilen := uint32(len(plainIdx))
	if hooks.indexLen != nil {
		ilen = hooks.indexLen(ilen)
	}
	if _, err := aw.Write(binary.BigEndian.AppendUint32(nil, ilen)); err != nil {
		return err
	}
	if _, err := aw.Write(plainIdx); err != nil {
		return err
	}
	var done int64
	report := func(n int64) {
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	report(0)
	for _, p := range parts {
		if err := sealPart(aw, p, report); err != nil {
			return err
		}
	}
	if err := aw.Close(); err != nil {
		return err
	}
	sig := ed25519.Sign(device, signedMessage(sum.Sum(nil)))
	if _, err := w.Write(sig); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	return nil
}

func sealPart(out io.Writer, p Part, report func(int64)) error {
	rc, err := p.Open()
	if err != nil {
		return fmt.Errorf("seal: open part %q: %w", p.Name, err)
	}
	defer rc.Close()
	// One byte more than announced is read to catch a part that grew.
	n, err := io.Copy(out, &progressReader{r: io.LimitReader(rc, p.Size+1), report: report})
	if err != nil {
		return fmt.Errorf("seal: part %q: %w", p.Name, err)
	}
	if n != p.Size {
		return fmt.Errorf("seal: part %q: read %d bytes, want Size %d", p.Name, n, p.Size)
	}
	return nil
}

// hashWriter writes to w and hashes what was written.
type hashWriter struct {
	w io.Writer
	h hash.Hash
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	if err != nil {
		return n, fmt.Errorf("seal: write: %w", err)
	}
	return n, nil
}

type progressReader struct {
	r      io.Reader
	report func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.report(int64(n))
	}
	return n, err
}
