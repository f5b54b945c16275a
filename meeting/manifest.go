package meeting

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Format is the manifest format this code writes and reads.
const Format = 1

// Errors a delegate shows as a warning of possible impersonation or
// tampering. They are distinct so the UI can say which.
var (
	ErrBadSignature = errors.New("manifest signature does not verify")
	ErrKeyMismatch  = errors.New("host key differs from the pinned fingerprint")
)

// Document is one file of a package, named and addressed by content.
type Document struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Verdict is the host's own verdict on the document's digital
	// signatures (a pdfsig verdict code such as "valid" or "unsigned").
	// Every delegate verifies for itself; a different verdict is flagged.
	Verdict string `json:"verdict,omitempty"`
}

// TrustFile is a root certificate or a CRL that the host bundles with the
// meeting, so that delegates can verify signatures with no internet.
type TrustFile struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Manifest describes one published revision of a meeting.
type Manifest struct {
	Format    int         `json:"format"`
	Version   int64       `json:"version"`
	Published time.Time   `json:"published"`
	Meeting   Meeting     `json:"meeting"`
	Documents []Document  `json:"documents"`
	Trust     []TrustFile `json:"trust,omitempty"`
}

// Package is the signed envelope that travels and is cached: the manifest's
// exact bytes, the host's public key and its signature over those bytes.
type Package struct {
	Payload   []byte `json:"payload"`
	Key       []byte `json:"key"`
	Signature []byte `json:"sig"`
}

// Fingerprint identifies a host key: the SHA-256 of the Ed25519 public key.
type Fingerprint [32]byte

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// FingerprintOf returns the fingerprint of key.
func FingerprintOf(key ed25519.PublicKey) Fingerprint { return sha256.Sum256(key) }

// String is the full fingerprint, 52 base32 characters.
func (f Fingerprint) String() string { return b32.EncodeToString(f[:]) }

// Short is the 16-character form a delegate compares with the room's screen,
// in groups of four: "K7QD-3MXA-PL2Z-0B9C". 80 bits is far beyond what a
// rogue laptop in the room could match by trial.
func (f Fingerprint) Short() string {
	s := f.String()[:16]
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// Matches reports whether s, a full or short fingerprint as a person might
// type it (any case, with or without dashes and spaces), names f.
func (f Fingerprint) Matches(s string) bool {
	n := normalizeFP(s)
	if len(n) < 16 {
		return false
	}
	return strings.HasPrefix(f.String(), n)
}

// ErrBadPin is a fingerprint typed to pin a host that cannot be one: fewer
// than 16 characters, or characters a fingerprint never has.
var ErrBadPin = errors.New("a fingerprint is at least 16 letters A–Z and digits 2–7, as the room's screen shows it (like K7QD-3MXA-PL2Z-5B6C)")

// CheckPin checks the form of a fingerprint a person typed, before it is
// compared with any host's.
func CheckPin(s string) error {
	n := normalizeFP(s)
	if len(n) < 16 || len(n) > 52 || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return fmt.Errorf("%q: %w", s, ErrBadPin)
	}
	return nil
}

func normalizeFP(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == ':' {
			return -1
		}
		return r
	}, s)
}

// ParseFingerprint decodes a full fingerprint as returned by String.
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	b, err := b32.DecodeString(normalizeFP(s))
	if err != nil || len(b) != len(f) {
		return f, fmt.Errorf("fingerprint %q is not a full 52-character fingerprint", s)
	}
	copy(f[:], b)
	return f, nil
}

// Build hashes every document of m in dir and returns the manifest of
// revision version.
func Build(m *Meeting, dir string, version int64, now time.Time) (*Manifest, error) {
	docs := map[string]Document{}
	for _, name := range m.DocumentNames() {
		if err := ValidName(name); err != nil {
			return nil, err
		}
		sum, size, err := HashFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("document %q: %w", name, err)
		}
		docs[name] = Document{Name: name, SHA256: sum, Size: size}
	}
	return Assemble(m, docs, version, now)
}

// Assemble builds the manifest of revision version from a meeting and its
// already hashed documents, keyed by name.
func Assemble(m *Meeting, docs map[string]Document, version int64, now time.Time) (*Manifest, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	man := &Manifest{Format: Format, Version: version, Published: now.UTC().Truncate(time.Second), Meeting: *m}
	for _, name := range m.DocumentNames() {
		d, ok := docs[name]
		if !ok {
			return nil, invalid("document %q has not been added", name)
		}
		man.Documents = append(man.Documents, d)
	}
	if err := man.Validate(); err != nil {
		return nil, err
	}
	return man, nil
}

// SameContent reports whether two manifests publish the same meeting and
// documents, ignoring version and time.
func SameContent(a, b *Manifest) bool {
	if a == nil || b == nil {
		return false
	}
	ja, _ := json.Marshal(a.Meeting)
	jb, _ := json.Marshal(b.Meeting)
	if string(ja) != string(jb) || len(a.Documents) != len(b.Documents) {
		return false
	}
	for i := range a.Documents {
		if a.Documents[i] != b.Documents[i] {
			return false
		}
	}
	if len(a.Trust) != len(b.Trust) {
		return false
	}
	for i := range a.Trust {
		if a.Trust[i].Name != b.Trust[i].Name || !bytes.Equal(a.Trust[i].Data, b.Trust[i].Data) {
			return false
		}
	}
	return true
}

// HashFile returns the hex SHA-256 and the size of a file.
func HashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// Validate checks a manifest's structure and limits: every agenda document
// is listed exactly once, with a safe name, a well-formed hash and a sane size.
func (man *Manifest) Validate() error {
	if man.Format != Format {
		return invalid("manifest format %d, this version reads %d", man.Format, Format)
	}
	if man.Version < 1 {
		return invalid("manifest version %d", man.Version)
	}
	if len(man.Documents) > MaxDocuments {
		return invalid("%d documents, at most %d allowed", len(man.Documents), MaxDocuments)
	}
	if err := man.Meeting.Validate(); err != nil {
		return err
	}
	listed := make(map[string]bool, len(man.Documents))
	var total int64
	for _, d := range man.Documents {
		if err := ValidName(d.Name); err != nil {
			return err
		}
		if listed[d.Name] {
			return invalid("document %q is listed twice", d.Name)
		}
		listed[d.Name] = true
		if b, err := hex.DecodeString(d.SHA256); err != nil || len(b) != sha256.Size || strings.ToLower(d.SHA256) != d.SHA256 {
			return invalid("document %q has a malformed hash", d.Name)
		}
		if len(d.Verdict) > 32 {
			return invalid("document %q has a malformed verdict", d.Name)
		}
		if d.Size < 0 || d.Size > MaxDocSize {
			return invalid("document %q has an absurd size of %d bytes", d.Name, d.Size)
		}
		total += d.Size
	}
	if total > MaxTotalSize {
		return invalid("documents total %d bytes, at most %d allowed", total, int64(MaxTotalSize))
	}
	if len(man.Trust) > MaxTrustFiles {
		return invalid("%d trust files, at most %d allowed", len(man.Trust), MaxTrustFiles)
	}
	var trust int
	for _, t := range man.Trust {
		if err := ValidFileName(t.Name); err != nil {
			return err
		}
		trust += len(t.Data)
	}
	if trust > MaxTrustSize {
		return invalid("trust files total %d bytes, at most %d allowed", trust, MaxTrustSize)
	}
	for _, name := range man.Meeting.DocumentNames() {
		if !listed[name] {
			return invalid("agenda names %q but the manifest does not list it", name)
		}
	}
	if len(listed) != len(man.Meeting.DocumentNames()) {
		return invalid("the manifest lists documents the agenda does not name")
	}
	return nil
}

// Document returns the listed document with that name.
func (man *Manifest) Document(name string) (Document, bool) {
	for _, d := range man.Documents {
		if d.Name == name {
			return d, true
		}
	}
	return Document{}, false
}

// TotalSize is the sum of the documents' sizes.
func (man *Manifest) TotalSize() int64 {
	var n int64
	for _, d := range man.Documents {
		n += d.Size
	}
	return n
}

// Sign encodes man and signs it with the host's key.
func Sign(man *Manifest, key ed25519.PrivateKey) ([]byte, error) {
	if err := man.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(man)
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	pkg := Package{
		Payload:   payload,
		Key:       key.Public().(ed25519.PublicKey),
		Signature: ed25519.Sign(key, payload),
	}
	b, err := json.Marshal(pkg)
	if err != nil {
		return nil, fmt.Errorf("encode package: %w", err)
	}
	return b, nil
}

// Open decodes and verifies a signed package. When pin is non-nil the host
// key must match it; otherwise the caller shows the returned fingerprint to
// the delegate to compare before pinning. Nothing is trusted before the
// signature verifies, and the manifest is validated against every limit.
func Open(raw []byte, pin *Fingerprint) (*Manifest, Fingerprint, error) {
	var fp Fingerprint
	if len(raw) > 2*MaxJSONSize {
		return nil, fp, invalid("package is %d bytes, at most %d allowed", len(raw), 2*MaxJSONSize)
	}
	var pkg Package
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pkg); err != nil {
		return nil, fp, fmt.Errorf("%w: decode package: %v", ErrInvalid, err)
	}
	if len(pkg.Key) != ed25519.PublicKeySize {
		return nil, fp, fmt.Errorf("%w: host key has %d bytes", ErrBadSignature, len(pkg.Key))
	}
	fp = FingerprintOf(pkg.Key)
	if pin != nil && *pin != fp {
		return nil, fp, fmt.Errorf("%w: pinned %s, offered %s", ErrKeyMismatch, pin.Short(), fp.Short())
	}
	if !ed25519.Verify(pkg.Key, pkg.Payload, pkg.Signature) {
		return nil, fp, ErrBadSignature
	}
	var man Manifest
	dec = json.NewDecoder(bytes.NewReader(pkg.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&man); err != nil {
		return nil, fp, fmt.Errorf("%w: decode manifest: %v", ErrInvalid, err)
	}
	if err := man.Validate(); err != nil {
		return nil, fp, err
	}
	return &man, fp, nil
}
