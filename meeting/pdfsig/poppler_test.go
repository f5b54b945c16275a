package pdfsig

import (
	"bytes"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestPoppler compares the cryptographic part of the verdicts with
// poppler's pdfsig. Its certificate verdict is not compared: it would need
// the test root in an NSS database.
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
	}
	re := regexp.MustCompile(`Signature Validation: (.*)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "doc.pdf")
			if err := os.WriteFile(path, tt.pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(bin, "-nocert", path).CombinedOutput()
			var popplerValid []bool
			for _, m := range re.FindAllSubmatch(out, -1) {
				popplerValid = append(popplerValid, string(m[1]) == "Signature is Valid.")
			}
			r, err := Verify(tt.pdf, f.bothPool)
			if err != nil {
				t.Fatal(err)
			}
			if len(popplerValid) != len(r.Signatures) {
				t.Fatalf("got %d signatures, pdfsig found %d:\n%s", len(r.Signatures), len(popplerValid), out)
			}
			for i, s := range r.Signatures {
				if got := s.Verdict != Invalid; got != popplerValid[i] {
					t.Errorf("signature %d: got cryptographically valid %v (%v), pdfsig says %v:\n%s", i, got, s.Verdict, popplerValid[i], out)
				}
			}
		})
	}
}
