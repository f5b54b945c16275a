package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dinh/internal/testenv"

	"golang.org/x/crypto/ocsp"
)

// TestPoppler compares, on the whole corpus of signed test documents, the
// cryptographic part of our verdicts with poppler's pdfsig. Its certificate
// verdict is not compared: it would need the test root in an NSS database.
func TestPoppler(t *testing.T) {
	bin := testenv.Tool(t, "pdfsig", "poppler-utils; build/deps.sh test installs it")
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "doc.pdf")
			if err := os.WriteFile(path, tt.pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			pop, out := runPdfsig(bin, "-nocert", path)
			r, err := Verify(tt.pdf, f.bothPool)
			if err != nil {
				t.Fatal(err)
			}
			if len(pop) != len(r.Signatures) {
				t.Fatalf("got %d signatures, pdfsig found %d:\n%s", len(r.Signatures), len(pop), out)
			}
			for i, s := range r.Signatures {
				if pop[i].crypto == nil {
					t.Logf("signature %d: pdfsig gives no verdict; ours is %v", i, s.Verdict)
					continue
				}
				if got := s.Verdict != Invalid; got != *pop[i].crypto {
					t.Errorf("signature %d: got cryptographically valid %v (%v), pdfsig says %v:\n%s", i, got, s.Verdict, *pop[i].crypto, out)
				}
			}
		})
	}
}

// popplerSig is what pdfsig says of one signature.
type popplerSig struct {
	crypto *bool  // the signature verifies; nil when pdfsig gives no verdict
	cert   string // its certificate verdict, "" when it gives none
}

var (
	popplerSigRe  = regexp.MustCompile(`Signature Validation: (.*)`)
	popplerCertRe = regexp.MustCompile(`Certificate Validation: (.*)`)
)

// runPdfsig runs pdfsig with args and reads its verdicts, in file order.
// "Signature has not yet been verified." is its answer when it cannot verify
// a kind of signature (document timestamps in poppler 22): no verdict.
func runPdfsig(bin string, args ...string) ([]popplerSig, []byte) {
	out, _ := exec.Command(bin, args...).CombinedOutput()
	var sigs []popplerSig
	for _, block := range strings.Split(string(out), "Signature #")[1:] {
		var s popplerSig
		if m := popplerSigRe.FindStringSubmatch(block); m != nil && m[1] != "Signature has not yet been verified." {
			s.crypto = new(m[1] == "Signature is Valid.")
		}
		if m := popplerCertRe.FindStringSubmatch(block); m != nil {
			s.cert = m[1]
		}
		sigs = append(sigs, s)
	}
	return sigs, out
}
