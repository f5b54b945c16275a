package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"golang.org/x/crypto/ocsp"
)

// TestPoppler compares, on the whole corpus of signed test documents, the
// cryptographic part of our verdicts with poppler's pdfsig. Its certificate
// verdict is not compared: it would need the test root in an NSS database.
func TestPoppler(t *testing.T) {
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		t.Skip("pdfsig (poppler-utils) is not installed")
	}
	f := getFixture()
	tampered := signedPDF(t, rsaOpts())
	tampered[bytes.Index(tampered, []byte("Nghi quyet"))] = 'X'
	o := rsaOpts()
	o.pss = true
	withTimestamp := rsaOpts()
	withTimestamp.timestamp = true
	withOCSP := rsaOpts()
	withOCSP.adbeOCSPs = [][]byte{ocspResponse(t, ocsp.Good)}
	revoked := rsaOpts()
	revoked.cert, revoked.crls = f.revoked, [][]byte{f.revokedCRL}
	sha1 := rsaOpts()
	sha1.hash = crypto.SHA1
	tests := []struct {
		name string
		pdf  []byte
	}{
		{"rsa", signedPDF(t, rsaOpts())},
		{"rsa pss", signedPDF(t, o)},
		{"ecdsa", signedPDF(t, signOpts{cert: f.ec.signer, key: f.ec.signerKey, chain: []*x509.Certificate{f.ec.inter}})},
		{"two signatures", twoSignatures(t)},
		{"appended", appendedPDF(t)},
		{"tampered", tampered},
		{"annotation added", revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), annotation(9))},
		{"annotation in an object stream", revise(t, rsaOpts(), objStm(10, pageWithAnnots("4 0 R 9 0 R"), annotation(9)))},
		{"document timestamp", docTimestamped(t)},
		{"signature timestamp", signedPDF(t, withTimestamp)},
		{"adbe ocsp", signedPDF(t, withOCSP)},
		{"revoked with embedded crl", signedPDF(t, revoked)},
		{"sha1", signedPDF(t, sha1)},
	}
	re := regexp.MustCompile(`Signature Validation: (.*)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "doc.pdf")
			if err := os.WriteFile(path, tt.pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(bin, "-nocert", path).CombinedOutput()
			// "Signature has not yet been verified." is pdfsig's answer
			// when it cannot verify a kind of signature (document
			// timestamps in poppler 22): no verdict to compare.
			var popplerValid []*bool
			for _, m := range re.FindAllSubmatch(out, -1) {
				msg := string(m[1])
				var v *bool
				if msg != "Signature has not yet been verified." {
					v = new(msg == "Signature is Valid.")
				}
				popplerValid = append(popplerValid, v)
			}
			r, err := Verify(tt.pdf, f.bothPool)
			if err != nil {
				t.Fatal(err)
			}
			if len(popplerValid) != len(r.Signatures) {
				t.Fatalf("got %d signatures, pdfsig found %d:\n%s", len(r.Signatures), len(popplerValid), out)
			}
			for i, s := range r.Signatures {
				if popplerValid[i] == nil {
					t.Logf("signature %d: pdfsig gives no verdict; ours is %v", i, s.Verdict)
					continue
				}
				if got := s.Verdict != Invalid; got != *popplerValid[i] {
					t.Errorf("signature %d: got cryptographically valid %v (%v), pdfsig says %v:\n%s", i, got, s.Verdict, *popplerValid[i], out)
				}
			}
		})
	}
}
