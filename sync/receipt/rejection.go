package receipt

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"time"
)

// RejectionFormat names this version of a rejection file.
const RejectionFormat = "dinh-rejection/1"

// Why central refuses a sealed dossier. The first two can be mended by a
// fresh copy of the same sealed file; the others need a person.
const (
	Damaged       = "damaged"         // the bytes central got are not a sound sealed file
	NotFromDevice = "not-from-device" // someone else (the hub) wrote the file central got
	OtherKey      = "other-key"       // sealed for a key central does not hold
	OldFormat     = "old-format"      // sealed by a development build
	OtherDossier  = "other-dossier"   // the sealed header names another dossier
	OtherDevice   = "other-device"    // this dossier ID came from another device first
)

// Mendable reports whether a fresh copy of the sealed file can mend the
// refusal: the device's own copy was sound, the one central got was not.
func Mendable(reason string) bool { return reason == Damaged || reason == NotFromDevice }

// Rejection is central's answer for a sealed file it cannot accept. It
// travels back to the device beside the receipts, signed with central's
// device key, so a hub on the way can neither forge one nor change it.
type Rejection struct {
	Format    string `json:"format"`
	DossierID string `json:"dossier_id"`
	Reason    string `json:"reason"`
	// SHA256 is the lowercase hex SHA-256 of the file central refused:
	// the device compares it with the file it sealed.
	SHA256 string `json:"sha256"`
	// CentralKey is the public key central opens dossiers with, for a
	// dossier sealed for another (OtherKey).
	CentralKey string    `json:"central_key,omitempty"`
	At         time.Time `json:"at"`
}

// signedRejection is the file: the rejection's bytes as signed (base64,
// so no re-indenting changes them), the certificate whose hash is
// central's device ID, and the signature.
type signedRejection struct {
	Rejection []byte `json:"rejection"`
	Cert      []byte `json:"cert"`
	Sig       []byte `json:"sig"`
}

// RejectionPath is where a device's rejection lives in the receipts
// folder, beside where its receipt would be.
func RejectionPath(device, dossier string) string {
	return path.Join(device, dossier+".rejected.json")
}

// ErrNotSigned is a receipt or rejection file whose signature does not
// check: not central's.
var ErrNotSigned = errors.New("receipt: not signed by central")

// Marshal writes the rejection file, signed by sign (central's node).
func (r Rejection) Marshal(sign func(msg []byte) (cert, sig []byte, err error)) ([]byte, error) {
	r.Format = RejectionFormat
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	cert, sig, err := sign(body)
	if err != nil {
		return nil, fmt.Errorf("receipt: sign rejection: %w", err)
	}
	return json.MarshalIndent(signedRejection{Rejection: body, Cert: cert, Sig: sig}, "", "  ")
}

// ParseRejection reads a rejection file and checks its signature with
// verify (central's device ID, through sync/mesh) before it reads what it
// says.
func ParseRejection(b []byte, verify func(msg, cert, sig []byte) error) (Rejection, error) {
	var r Rejection
	if len(b) > MaxSize {
		return r, errors.New("receipt: rejection too large")
	}
	var s signedRejection
	if err := json.Unmarshal(b, &s); err != nil {
		return r, fmt.Errorf("receipt: rejection: %w", err)
	}
	if err := verify(s.Rejection, s.Cert, s.Sig); err != nil {
		return r, fmt.Errorf("%w: %w", ErrNotSigned, err)
	}
	if err := json.Unmarshal(s.Rejection, &r); err != nil {
		return r, fmt.Errorf("receipt: rejection: %w", err)
	}
	if r.Format != RejectionFormat {
		return r, fmt.Errorf("receipt: format %q, want %q", r.Format, RejectionFormat)
	}
	if r.DossierID == "" || r.Reason == "" || r.At.IsZero() {
		return r, errors.New("receipt: rejection without dossier ID, reason or time")
	}
	return r, nil
}
