package pdfsig

import (
	"crypto/sha1"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
)

// withSigDict is basePDF with the signature dictionary given.
func withSigDict(dict string) []byte {
	b, _ := withSigDictX(dict)
	return b
}

// withSigDictX is withSigDict, with the offset of its cross-reference
// table for an update to name.
func withSigDictX(dict string) ([]byte, int) {
	objs := []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>"},
		{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [4 0 R] >>"},
		{4, "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{5, dict},
		{6, pageStream("Nghi quyet so 01")},
	}
	return appendRevision(nil, objs, 7, 0)
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

// TestCertifiedThenChanged: what a certification of level 1 (no changes)
// says of what came after it. A document timestamp may follow it, whether
// its dictionary names its type or only its sub-filter; any other
// signature is named once among the forbidden changes, after what was
// found of the signature itself.
func TestCertifiedThenChanged(t *testing.T) {
	f := getFixture()
	certified := strings.Replace(sigDict("adbe.pkcs7.detached"), " /M (",
		" /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>] /M (", 1)
	// later appends unsigned signature fields holding the dictionaries
	// given, as a later signer's tool does before it signs.
	later := func(dicts ...string) []byte {
		b, x := withSigDictX(certified)
		b = signPDF(t, b, rsaOpts())
		fields, annots := "4 0 R", "4 0 R"
		var objs []obj
		for i, d := range dicts {
			w, v := 7+2*i, 8+2*i
			fields += fmt.Sprintf(" %d 0 R", w)
			annots += fmt.Sprintf(" %d 0 R", w)
			objs = append(objs,
				obj{w, fmt.Sprintf("<< /FT /Sig /T (Signature%d) /V %d 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>", i+2, v)},
				obj{v, d})
		}
		objs = append(objs,
			obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + fields + "] /SigFlags 3 >> >>"},
			pageWithAnnots(annots))
		b, _ = appendRevision(b, objs, 7+2*len(dicts), x)
		return b
	}
	docTimestamp := strings.Replace(sigDict("ETSI.RFC3161"), "/Type /Sig ", "", 1)
	tests := []struct {
		name    string
		pdf     []byte
		want    Verdict
		further int // times "a further signature" is named
	}{
		{"a document timestamp without /Type", later(docTimestamp), Valid, 0},
		{"a document timestamp typed as such", later(strings.Replace(sigDict("adbe.pkcs7.detached"), "/Type /Sig", "/Type /DocTimeStamp", 1)), Valid, 0},
		{"another signature", later(sigDict("adbe.pkcs7.detached")), Modified, 1},
		// Two fields of their own (another placeholder each, as two
		// signers' tools would write), not a copy of one.
		{"two other signatures", later(sigDict("adbe.pkcs7.detached"), strings.Replace(sigDict("ETSI.CAdES.detached"), "/Contents <0", "/Contents <1", 1)), Modified, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.pdf, f.rsaPool)
			if err != nil {
				t.Fatal(err)
			}
			s := r.Signatures[0]
			if s.Verdict != tt.want || s.Certification != 1 {
				t.Fatalf("got %v, certification %d, want %v and 1 (%s)", s.Verdict, s.Certification, tt.want, s.Detail)
			}
			if n := strings.Count(s.Detail, "a further signature"); n != tt.further {
				t.Errorf("the detail names a further signature %d times, want %d: %s", n, tt.further, s.Detail)
			}
			if !strings.HasPrefix(s.Detail, "signature and chain verify") {
				t.Errorf("the detail lost what was found of the signature: %s", s.Detail)
			}
		})
	}
}

// TestDetailSaysOnlyWhatHappened: a signature whose later revision
// rewrites objects as they were says nothing of changes; an invalid
// signature is not judged by what came after it; a revoked signature's
// detail keeps its timestamp's fault.
func TestDetailSaysOnlyWhatHappened(t *testing.T) {
	f := getFixture()
	r, err := Verify(revise(t, rsaOpts(), obj{2, "<< /Count 1 /Kids [3 0 R] /Type /Pages >>"}), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Signatures[0]; s.Verdict != Valid || strings.Contains(s.Detail, "changed after signing") {
		t.Errorf("same objects rewritten: got %v, %q", s.Verdict, s.Detail)
	}

	otherKey := rsaOpts()
	otherKey.key = f.rsa.interKey
	r, err = Verify(revise(t, otherKey, obj{6, pageStream("Noi dung khac")}), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Signatures[0]; s.Verdict != Invalid || s.Changes != nil || strings.Contains(s.Detail, "appended") {
		t.Errorf("invalid, then changed: got %v, changes %v, %q; want invalid and no changes judged", s.Verdict, s.Changes, s.Detail)
	}

	o := rsaOpts()
	o.cert = f.revoked
	o.crls = [][]byte{f.revokedCRL}
	o.badTimestamp = true
	r, err = Verify(signedPDF(t, o), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Signatures[0]; s.Verdict != Revoked || !strings.HasPrefix(s.Detail, "timestamp ignored: ") || !strings.Contains(s.Detail, "revoked on ") {
		t.Errorf("revoked, with a timestamp over other bytes: got %v, %q", s.Verdict, s.Detail)
	}
}
