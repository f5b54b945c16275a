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

// Format names this version of the file: /2 is signed by central.
const Format = "dinh-receipt/2"

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

// NewCode returns a fresh receipt code like "DH-7K3M-9QXA": seven random
// characters (about 34 bits) and a check character (Luhn mod 30), so that
// a code mistyped at a kiosk or read wrong over the phone is caught, not
// taken for another dossier's: every single wrong character, and every
// swap of two neighbours but 2 and Z.
func NewCode() string {
	b := make([]byte, 7)
	rand.Read(b)
	body := make([]byte, 7)
	for i, c := range b {
		body[i] = alphabet[int(c)%len(alphabet)]
	}
	return format(append(body, checkChar(body)))
}

func format(code []byte) string {
	return "DH-" + string(code[:4]) + "-" + string(code[4:])
}

// checkChar is the Luhn mod N check character of body over alphabet.
func checkChar(body []byte) byte {
	n := len(alphabet)
	sum, factor := 0, 2
	for i := len(body) - 1; i >= 0; i-- {
		add := factor * strings.IndexByte(alphabet, body[i])
		sum += add/n + add%n
		factor = 3 - factor
	}
	return alphabet[(n-sum%n)%n]
}

// Errors of CheckCode.
var (
	ErrNotCode  = errors.New("receipt: not a receipt code (DH- and eight letters and digits)")
	ErrCodeTypo = errors.New("receipt: the code's check character does not match: a character was typed wrong")
)

// CheckCode reads a code as a person typed it (NormalizeCode) and checks
// its form and its check character. It returns the code in its printed
// form.
func CheckCode(s string) (string, error) {
	code := NormalizeCode(s)
	if len(code) != 12 || !strings.HasPrefix(code, "DH-") || code[7] != '-' {
		return code, fmt.Errorf("%w: %q", ErrNotCode, s)
	}
	bare := []byte(code[3:7] + code[8:])
	for _, c := range bare {
		if strings.IndexByte(alphabet, c) < 0 {
			return code, fmt.Errorf("%w: %q", ErrNotCode, s)
		}
	}
	if checkChar(bare[:7]) != bare[7] {
		return code, fmt.Errorf("%w: %q", ErrCodeTypo, s)
	}
	return code, nil
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

// signedReceipt is the file: the receipt's bytes as signed (base64, so
// no re-indenting changes them), the certificate whose hash is central's
// device ID, and the signature.
type signedReceipt struct {
	Receipt []byte `json:"receipt"`
	Cert    []byte `json:"cert"`
	Sig     []byte `json:"sig"`
}

// Parse reads a receipt file and checks its signature with verify
// (central's device ID, through sync/mesh) before it reads what it says:
// a hub on the way can neither forge a receipt (which would let the
// device drop a dossier central never got) nor change one.
func Parse(b []byte, verify func(msg, cert, sig []byte) error) (Receipt, error) {
	var r Receipt
	if len(b) > MaxSize {
		return r, errors.New("receipt: file too large")
	}
	var s signedReceipt
	if err := json.Unmarshal(b, &s); err != nil {
		return r, fmt.Errorf("receipt: %w", err)
	}
	if err := verify(s.Receipt, s.Cert, s.Sig); err != nil {
		return r, fmt.Errorf("%w: %w", ErrNotSigned, err)
	}
	if err := json.Unmarshal(s.Receipt, &r); err != nil {
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

// Marshal writes the receipt file, signed by sign (central's node).
func (r Receipt) Marshal(sign func(msg []byte) (cert, sig []byte, err error)) ([]byte, error) {
	r.Format = Format
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	cert, sig, err := sign(body)
	if err != nil {
		return nil, fmt.Errorf("receipt: sign: %w", err)
	}
	return json.MarshalIndent(signedReceipt{Receipt: body, Cert: cert, Sig: sig}, "", "  ")
}
