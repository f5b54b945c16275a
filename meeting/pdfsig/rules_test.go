package pdfsig

import (
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/pem"
	"strings"
	"testing"
)

// withSigDict is basePDF with the signature dictionary given.
func withSigDict(dict string) []byte {
	objs := []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>"},
		{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [4 0 R] >>"},
		{4, "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{5, dict},
		{6, pageStream("Nghi quyet so 01")},
	}
	b, _ := appendRevision(nil, objs, 7, 0)
	return b
}

// TestCertificationLevel: a certification signature's level is read from
// its DocMDP reference: 1 to 3 as written, 2 when it is absent or out of
// range; a signature without a DocMDP reference certifies nothing.
func TestCertificationLevel(t *testing.T) {
	ref := func(refs string) string {
		return strings.Replace(sigDict("adbe.pkcs7.detached"), " /M (", " /Reference ["+refs+"] /M (", 1)
	}
	docMDP := func(params string) string {
		return "<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams " + params + " /V /1.2 >> >>"
	}
	tests := []struct {
		name string
		dict string
		want int
	}{
		{"no reference", sigDict("adbe.pkcs7.detached"), 0},
		{"no changes allowed", ref(docMDP("/P 1")), 1},
		{"forms and signatures", ref(docMDP("/P 2")), 2},
		{"annotations too", ref(docMDP("/P 3")), 3},
		{"no level written", ref(docMDP("")), 2},
		{"level 0", ref(docMDP("/P 0")), 2},
		{"level 5", ref(docMDP("/P 5")), 2},
		{"a field lock only", ref("<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << /Action /All >> >>"), 0},
		{"a field lock, then DocMDP", ref("<< /Type /SigRef /TransformMethod /FieldMDP >> " + docMDP("/P 1")), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(signPDF(t, withSigDict(tt.dict), rsaOpts()), getFixture().rsaPool)
			if err != nil {
				t.Fatal(err)
			}
			s := r.Signatures[0]
			if s.Verdict != Valid || s.Certification != tt.want {
				t.Fatalf("got %v, certification %d, want valid and %d (%s)", s.Verdict, s.Certification, tt.want, s.Detail)
			}
		})
	}
}

// TestSHA1SubFilter: an adbe.pkcs7.sha1 signature holds the SHA-1 digest
// of the signed bytes inside its CMS: it is valid only when that digest
// is of these bytes.
func TestSHA1SubFilter(t *testing.T) {
	sign := func(digestOf func(parts [][]byte) []byte) []byte {
		b, _ := basePDF(0, "adbe.pkcs7.sha1")
		return fillPlaceholder(t, b, func(parts [][]byte) []byte {
			return buildCMSContent(t, nil, digestOf(parts), oidData, rsaOpts())
		})
	}
	sum := func(parts [][]byte) []byte {
		h := sha1.New()
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	}
	tests := []struct {
		name string
		pdf  []byte
		want Verdict
	}{
		{"the digest of the signed bytes", sign(sum), Valid},
		{"the digest of other bytes", sign(func([][]byte) []byte { return sum([][]byte{[]byte("khác")}) }), Invalid},
	}
	for _, tt := range tests {
		r, err := Verify(tt.pdf, getFixture().rsaPool)
		if err != nil {
			t.Fatal(err)
		}
		if s := r.Signatures[0]; s.Verdict != tt.want {
			t.Errorf("%s: got %v, want %v (%s)", tt.name, s.Verdict, tt.want, s.Detail)
		}
	}
}

// TestSignerWithoutOrganisation: a signer certificate that names no
// organisation verifies, with the organisation left empty.
func TestSignerWithoutOrganisation(t *testing.T) {
	f := getFixture()
	o := rsaOpts()
	tmpl := leafTmpl("Nguyễn Văn An", testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	tmpl.Subject = pkix.Name{CommonName: "Nguyễn Văn An"}
	o.cert = issue(tmpl, f.rsa.inter, f.rsa.signerKey.Public(), f.rsa.interKey)
	r, err := Verify(signedPDF(t, o), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Signatures[0]; s.Verdict != Valid || s.SignerOrg != "" || s.SignerCN != "Nguyễn Văn An" {
		t.Fatalf("got %v, signer %q of %q (%s)", s.Verdict, s.SignerCN, s.SignerOrg, s.Detail)
	}
}

// TestRevokedSaysWhen: a revoked signature's detail names the certificate
// and the day it was revoked.
func TestRevokedSaysWhen(t *testing.T) {
	f := getFixture()
	o := rsaOpts()
	o.cert = f.revoked
	o.crls = [][]byte{f.revokedCRL}
	r, err := Verify(signedPDF(t, o), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Signatures[0]
	if s.Verdict != Revoked || !strings.Contains(s.Detail, "revoked on ") || !strings.Contains(s.Detail, "(crl)") ||
		!strings.Contains(s.Detail, f.revoked.Subject.CommonName) {
		t.Fatalf("got %v with detail %q", s.Verdict, s.Detail)
	}
}

// TestTrustFileCounts: a PEM file of a trust folder may hold CRLs and
// certificates in any order, as openssl and the CAs' portals write them;
// every certificate and CRL is read, and counted for the person who added
// the file.
func TestTrustFileCounts(t *testing.T) {
	f := getFixture()
	file := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: f.revokedCRL})
	file = append(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.rsa.root.Raw})...)
	file = append(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.ec.root.Raw})...)
	tr := NewTrust()
	if certs, crls := tr.Add(file); certs != 2 || crls != 1 {
		t.Fatalf("read %d certificates and %d CRLs, want 2 and 1", certs, crls)
	}
	r, err := Verify(signedPDF(t, rsaOpts()), tr)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Signatures[0]; s.Verdict != Valid {
		t.Fatalf("a root read after a CRL: got %v (%s)", s.Verdict, s.Detail)
	}
}
