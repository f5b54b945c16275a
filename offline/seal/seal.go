package seal

import (
	"crypto/ed25519"
	"crypto/rand"
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

	"golang.org/x/crypto/chacha20poly1305"

	"dinh/offline/internal/stream"
)

// Format is the only Header.Format this version writes and reads.
const Format = "dinh-seal/1"

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
	magic          = "DINHSEAL1\n"
	sigSize        = ed25519.SignatureSize
	nonceSize      = chacha20poly1305.NonceSizeX
	labelIndex     = "dinh seal v1 index"
	labelPart      = "dinh seal v1 part"
	labelSignature = "dinh seal v1 signature"
)

// Errors of sealing and opening; test them with errors.Is.
var (
	ErrTampered   = errors.New("seal: sealed dossier was changed or is damaged")
	ErrNotForUs   = errors.New("seal: sealed for another central key")
	ErrTooLarge   = errors.New("seal: over a size limit")
	ErrUnsafeName = errors.New("seal: unsafe part name")
	ErrNoPart     = errors.New("seal: no such part")
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

// wireHeader is the header as written: Header and the wrapped key.
type wireHeader struct {
	Header
	Recipient  []byte `json:"recipient"` // central public key
	Ephemeral  []byte `json:"ephemeral"`
	WrapNonce  []byte `json:"wrap_nonce"`
	WrappedKey []byte `json:"wrapped_key"`
}

type index struct {
	Parts []PartInfo `json:"parts"`
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

func indexAAD(headerSum []byte) []byte { return append([]byte(labelIndex), headerSum...) }

func partAAD(headerSum []byte, i int) []byte {
	b := append([]byte(labelPart), headerSum...)
	return binary.BigEndian.AppendUint32(b, uint32(i))
}

func signedMessage(sum []byte) []byte {
	return append([]byte(labelSignature+"\x00"), sum...)
}

// sealHooks let tests write files Seal refuses to write, and see the size
// Seal computes before writing.
type sealHooks struct {
	skipChecks bool
	editIndex  func([]PartInfo) []PartInfo
	sized      func(int64)
}

// Seal writes the dossier made of h and parts to w, readable only with the
// private key of central and signed by device. Seal fills in h.Format,
// h.Device (from device) and h.Created (now) when they are empty. progress,
// if not nil, is called with the bytes of parts read so far and the total.
// On error, what was written to w is garbage and must be removed.
func Seal(w io.Writer, h Header, parts []Part, central CentralPublicKey, device ed25519.PrivateKey, progress func(done, total int64)) error {
	return seal(w, h, parts, central, device, progress, sealHooks{})
}

func seal(w io.Writer, h Header, parts []Part, central CentralPublicKey, device ed25519.PrivateKey, progress func(done, total int64), hooks sealHooks) error {
	if len(device) != ed25519.PrivateKeySize {
		return fmt.Errorf("seal: device key is %d bytes, want %d", len(device), ed25519.PrivateKeySize)
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

	contentKey := make([]byte, chacha20poly1305.KeySize)
	defer clear(contentKey)
	if _, err := rand.Read(contentKey); err != nil {
		return fmt.Errorf("seal: random content key: %w", err)
	}
	wh := wireHeader{Header: h, Recipient: central[:]}
	var err error
	if wh.Ephemeral, wh.WrapNonce, wh.WrappedKey, err = wrapKey(contentKey, central); err != nil {
		return err
	}
	hdr, err := json.Marshal(wh)
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
	headerSum := sum.Sum(nil)

	if hooks.editIndex != nil {
		idx.Parts = hooks.editIndex(idx.Parts)
	}
	plainIdx, err := json.Marshal(idx)
	if err != nil {
		return fmt.Errorf("seal: encode index: %w", err)
	}
	aead, err := chacha20poly1305.NewX(contentKey)
	if err != nil {
		return fmt.Errorf("seal: %w", err)
	}
	encIdx := make([]byte, nonceSize, nonceSize+len(plainIdx)+aead.Overhead())
	if _, err := rand.Read(encIdx); err != nil {
		return fmt.Errorf("seal: random nonce: %w", err)
	}
	encIdx = aead.Seal(encIdx, encIdx, plainIdx, indexAAD(headerSum))
	if len(encIdx) > maxIndexSize {
		return fmt.Errorf("%w: index is %d bytes, at most %d", ErrTooLarge, len(encIdx), maxIndexSize)
	}

	size := int64(len(prelude)+len(hdr)+4+len(encIdx)) + sigSize
	for _, p := range parts {
		size += stream.EncryptedSize(max(p.Size, 0))
	}
	if hooks.sized != nil {
		hooks.sized(size)
	}
	if size > MaxFileSize {
		return fmt.Errorf("%w: sealed file would be %d bytes, at most %d", ErrTooLarge, size, int64(MaxFileSize))
	}

	out := &hashWriter{w: w, h: sum}
	// The prelude and header are already hashed; the rest is hashed as
	// it is written.
	if _, err := w.Write(prelude); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	if _, err := out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(encIdx)))); err != nil {
		return err
	}
	if _, err := out.Write(encIdx); err != nil {
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
	for i, p := range parts {
		if err := sealPart(out, p, contentKey, partAAD(headerSum, i), report); err != nil {
			return err
		}
	}
	sig := ed25519.Sign(device, signedMessage(sum.Sum(nil)))
	if _, err := w.Write(sig); err != nil {
		return fmt.Errorf("seal: write: %w", err)
	}
	return nil
}

func sealPart(out io.Writer, p Part, key, aad []byte, report func(int64)) error {
	rc, err := p.Open()
	if err != nil {
		return fmt.Errorf("seal: open part %q: %w", p.Name, err)
	}
	defer rc.Close()
	sw, err := stream.NewWriter(out, key, aad)
	if err != nil {
		return fmt.Errorf("seal: part %q: %w", p.Name, err)
	}
	// One byte more than announced is read to catch a part that grew.
	n, err := io.Copy(sw, &progressReader{r: io.LimitReader(rc, p.Size+1), report: report})
	if err != nil {
		return fmt.Errorf("seal: part %q: %w", p.Name, err)
	}
	if n != p.Size {
		return fmt.Errorf("seal: part %q: read %d bytes, want Size %d", p.Name, n, p.Size)
	}
	if err := sw.Close(); err != nil {
		return fmt.Errorf("seal: part %q: %w", p.Name, err)
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
