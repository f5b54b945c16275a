// Package receipt is what the central server sends back for each dossier
// it ingested: a code a person can type, the time it was received, and the
// authority's status updates since. A receipt holds no personal data; it
// travels in the receipts folder, under the device's ID, as
// DEVICE/DOSSIER.json, written only by central.
package receipt

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
)

// Format names this version of the file.
const Format = "dinh-receipt/1"

// MaxSize bounds a receipt file.
const MaxSize = 64 << 10

// Statuses an administrator can set after the receipt.
const (
	Received    = "received"
	Processing  = "processing"
	ResultReady = "result-ready"
	Returned    = "returned"
)

// Settable lists the statuses `dinhd central status set` accepts.
var Settable = []string{Processing, ResultReady, Returned}

// Update is one status of a dossier.
type Update struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Receipt is central's answer for one dossier.
type Receipt struct {
	Format    string    `json:"format"`
	DossierID string    `json:"dossier_id"`
	Code      string    `json:"code"`
	Received  time.Time `json:"received"`
	History   []Update  `json:"history"`
}

// Path is where a device's receipt lives in the receipts folder.
func Path(device, dossier string) string { return path.Join(device, dossier+".json") }

// alphabet has no 0/O, 1/I/L or U, so a code read over the phone or typed
// at a kiosk comes out right.
const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCode returns a fresh receipt code like "DH-7K3M-9QXA" (about 39 bits).
func NewCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	var sb strings.Builder
	sb.WriteString("DH-")
	for i, c := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// NormalizeCode reads a code as a person typed it: any case, with spaces
// or dashes anywhere or none ("dh 7k3m 9qxa", "DH7K3M9QXA"). A code of the
// right length comes back in its printed form, "DH-7K3M-9QXA".
func NormalizeCode(s string) string {
	bare := strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
	if len(bare) == 10 && strings.HasPrefix(bare, "DH") {
		return bare[:2] + "-" + bare[2:6] + "-" + bare[6:]
	}
	return bare
}

// Parse reads and checks a receipt file.
func Parse(b []byte) (Receipt, error) {
	var r Receipt
	if len(b) > MaxSize {
		return r, errors.New("receipt: file too large")
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("receipt: %w", err)
	}
	if r.Format != Format {
		return r, fmt.Errorf("receipt: format %q, want %q", r.Format, Format)
	}
	if r.DossierID == "" || r.Code == "" || r.Received.IsZero() {
		return r, errors.New("receipt: missing dossier ID, code or time")
	}
	return r, nil
}

// Marshal writes a receipt file.
func (r Receipt) Marshal() []byte {
	r.Format = Format
	b, _ := json.MarshalIndent(r, "", "  ")
	return b
}
