package pdfsig

import (
	"bytes"
	"compress/zlib"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Builders of documents changed after signing.

// revise signs the base document, then appends one revision of objs.
func revise(tb testing.TB, o signOpts, objs ...obj) []byte {
	b, x := basePDF(0, "adbe.pkcs7.detached")
	b = signPDF(tb, b, o)
	b, _ = appendRevision(b, objs, 12, x)
	return b
}

func annotation(num int) obj {
	return obj{num, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Y kien dai bieu) /P 3 0 R >>"}
}

func pageWithAnnots(annots string) obj {
	return obj{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [" + annots + "] >>"}
}

func flate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func streamObj(num int, extra string, data []byte) obj {
	return obj{num, fmt.Sprintf("<< /Length %d%s >>\nstream\n%s\nendstream", len(data), extra, data)}
}

// objStm returns an object stream holding objs, compressed.
func objStm(num int, objs ...obj) obj {
	var head, body bytes.Buffer
	for _, o := range objs {
		fmt.Fprintf(&head, "%d %d ", o.num, body.Len())
		body.WriteString(o.body + "\n")
	}
	data := append(head.Bytes(), body.Bytes()...)
	return streamObj(num, fmt.Sprintf(" /Type /ObjStm /N %d /First %d /Filter /FlateDecode", len(objs), head.Len()), flate(data))
}

// docTimestamped returns a signed document with a document timestamp
// added in a later revision.
func docTimestamped(tb testing.TB) []byte {
	b, x := basePDF(0, "adbe.pkcs7.detached")
	b = signPDF(tb, b, rsaOpts())
	ts := bytes.Replace([]byte(sigDict("ETSI.RFC3161")), []byte("/Type /Sig"), []byte("/Type /DocTimeStamp"), 1)
	b, _ = appendRevision(b, []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R] /SigFlags 3 >> >>"},
		pageWithAnnots("4 0 R 7 0 R"),
		{7, "<< /FT /Sig /T (Timestamp1) /V 8 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{8, string(ts)},
	}, 9, x)
	return fillPlaceholder(tb, b, func(parts [][]byte) []byte { return timestampToken(tb, parts...) })
}

func ocspResponse(tb testing.TB, status int) []byte {
	f := getFixture()
	cert := f.rsa.signer
	if status == ocsp.Revoked {
		cert = f.revoked
	}
	resp, err := ocsp.CreateResponse(f.rsa.inter, f.rsa.inter, ocsp.Response{
		Status: status, SerialNumber: cert.SerialNumber,
		ThisUpdate: testNow.Add(-time.Hour), NextUpdate: testNow.Add(time.Hour),
		RevokedAt: testNow.Add(-30 * time.Minute),
	}, f.rsa.interKey)
	if err != nil {
		tb.Fatalf("create ocsp response: %v", err)
	}
	return resp
}

func TestChangesAfterSigning(t *testing.T) {
	f := getFixture()
	revokedOpts := rsaOpts()
	revokedOpts.cert = f.revoked
	tests := []struct {
		name    string
		pdf     func() []byte
		want    []Verdict
		changes []Change // of the first signature
	}{
		{"annotation added", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), annotation(9))
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"annotation and content", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), annotation(9), obj{6, pageStream("Noi dung khac")})
		}, []Verdict{Modified}, []Change{ChangeAnnotation, ChangeContent}},
		{"content stream replaced", func() []byte {
			return revise(t, rsaOpts(), obj{6, pageStream("Noi dung khac")})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"page points at new content", func() []byte {
			return revise(t, rsaOpts(), obj{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 9 0 R /Annots [4 0 R] >>"}, obj{9, pageStream("Trang gia")})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"page added", func() []byte {
			return revise(t, rsaOpts(), obj{2, "<< /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >>"}, obj{9, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"catalog replaced through the trailer", func() []byte {
			b := revise(t, rsaOpts(), obj{9, "<< /Type /Catalog /Pages 10 0 R >>"}, obj{10, "<< /Type /Pages /Kids [] /Count 0 >>"})
			i := bytes.LastIndex(b, []byte("/Root 1 0 R"))
			copy(b[i:], "/Root 9 0 R")
			return b
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"same objects rewritten", func() []byte {
			return revise(t, rsaOpts(), obj{2, "<< /Count 1 /Kids [3 0 R] /Type /Pages >>"})
		}, []Verdict{Valid}, nil},
		{"annotation in an object stream", func() []byte {
			return revise(t, rsaOpts(), objStm(10, pageWithAnnots("4 0 R 9 0 R"), annotation(9)))
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"content change in an object stream", func() []byte {
			return revise(t, rsaOpts(), objStm(10, obj{2, "<< /Type /Pages /Kids [] /Count 0 >>"}))
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"unreadable object stream", func() []byte {
			return revise(t, rsaOpts(), streamObj(10, " /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode", []byte("garbage")))
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"content replaced by a signature dictionary", func() []byte {
			return revise(t, rsaOpts(), obj{6, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"content replaced by an annotation", func() []byte {
			return revise(t, rsaOpts(), obj{6, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (che) >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"a new page nobody lists", func() []byte {
			return revise(t, rsaOpts(), obj{9, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"annotation removed", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots(""))
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"catalog entry changed", func() []byte {
			return revise(t, rsaOpts(), obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> /OpenAction [3 0 R /Fit] >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"catalog rewritten the same", func() []byte {
			return revise(t, rsaOpts(), obj{1, "<< /Pages 2 0 R /Type /Catalog /AcroForm << /SigFlags 3 /Fields [4 0 R] >> >>"})
		}, []Verdict{Valid}, nil},
		{"a field added to the form", func() []byte {
			return revise(t, rsaOpts(),
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 9 0 R] /SigFlags 3 >> >>"},
				obj{9, "<< /FT /Tx /T (Ghi chu) /V (them) >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"later signature", func() []byte { return twoSignatures(t) }, []Verdict{Valid, Valid}, []Change{ChangeSignature}},
		{"document timestamp", func() []byte { return docTimestamped(t) }, []Verdict{Valid, Valid}, []Change{ChangeSignature}},
		{"revoked through a later security store", func() []byte {
			return revise(t, revokedOpts,
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> /DSS 9 0 R >>"},
				obj{9, "<< /CRLs [10 0 R] >>"},
				streamObj(10, " /Filter /FlateDecode", flate(f.revokedCRL)))
		}, []Verdict{Revoked}, []Change{ChangeValidation}},
		{"the content stream rewritten with the same bytes", func() []byte {
			return revise(t, rsaOpts(), obj{6, pageStream("Nghi quyet so 01")})
		}, []Verdict{Valid}, nil},
		{"the content stream rewritten, as long, with other bytes", func() []byte {
			return revise(t, rsaOpts(), obj{6, pageStream("Nghi quyet so 02")})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"a new text field's widget on the page", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), obj{9, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Ghi chu) /Rect [0 0 10 10] /P 3 0 R >>"})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"an annotation written without /Type", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), obj{9, "<< /Subtype /Text /Rect [10 10 30 30] /Contents (Y kien) >>"})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"content replaced by an annotation without /Type", func() []byte {
			return revise(t, rsaOpts(), obj{6, "<< /Subtype /Text /Rect [10 10 30 30] /Contents (che) >>"})
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"intermediate only in a later security store", func() []byte {
			// The CMS carries no intermediate: the chain is complete only
			// with the store's second certificate (after a direct
			// dictionary and another CA's certificate, which are passed by).
			o := rsaOpts()
			o.chain = nil
			return revise(t, o,
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> /DSS 9 0 R >>"},
				obj{9, "<< /Certs [<< /Length 0 >> 10 0 R 11 0 R] >>"},
				streamObj(10, "", f.ec.inter.Raw),
				streamObj(11, " /Filter /FlateDecode", flate(f.rsa.inter.Raw)))
		}, []Verdict{Valid}, []Change{ChangeValidation}},
		{"intermediate in no security store", func() []byte {
			o := rsaOpts()
			o.chain = nil
			return revise(t, o,
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> /DSS 9 0 R >>"},
				obj{9, "<< /Certs [10 0 R] >>"},
				streamObj(10, "", f.ec.inter.Raw))
		}, []Verdict{UntrustedRoot}, []Change{ChangeValidation}},
		// What a later signer, a form filler or an annotator does, at the
		// edges of the classifier and the object reader.
		{"a signature widget written without /Type is a later signature", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), obj{9, "<< /FT /Sig /T (Signature2) /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R >>"})
		}, []Verdict{Valid}, []Change{ChangeSignature}},
		{"a signature field that is no annotation, listed among a page's annotations, is an annotation change", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), obj{9, "<< /FT /Sig /T (Signature2) >>"})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"a signature field with a subtype no annotation has, listed among a page's annotations, is an annotation change", func() []byte {
			return revise(t, rsaOpts(), pageWithAnnots("4 0 R 9 0 R"), obj{9, "<< /FT /Sig /T (Signature2) /Subtype /Sig /Rect [0 0 0 0] >>"})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"a check box's widget (its field holds the type) switched on is a form change", func() []byte {
			widget := func(state string) obj {
				return obj{9, "<< /Type /Annot /Subtype /Widget /Parent 10 0 R /Rect [10 10 20 20] /AS /" + state + " /P 3 0 R >>"}
			}
			field := func(state string) obj {
				return obj{10, "<< /FT /Btn /T (Dong y) /Kids [9 0 R] /V /" + state + " >>"}
			}
			return signedThen(t, baseObjects(
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 10 0 R] /SigFlags 3 >> >>"},
				pageWithAnnots("4 0 R 9 0 R"), widget("Off"), field("Off"),
			), []obj{widget("On"), field("On")})
		}, []Verdict{Valid}, []Change{ChangeForm}},
		{"a note edited is an annotation change, not a form change", func() []byte {
			return signedThen(t, baseObjects(pageWithAnnots("4 0 R 9 0 R"), annotation(9)),
				[]obj{{9, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Y kien khac) /P 3 0 R >>"}})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"an unreadable object stream in the signed document does not make a later note a content change", func() []byte {
			return signedThen(t, baseObjects(unreadableObjStm(10)), []obj{pageWithAnnots("4 0 R 9 0 R"), annotation(9)})
		}, []Verdict{Valid}, []Change{ChangeAnnotation}},
		{"the trailer alone pointing at another catalog of the signed document is a content change", func() []byte {
			return withRoot(t, signedThen(t, baseObjects(secondCatalog), nil), 9)
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"an update that starts with its cross-reference stream, pointing at another catalog, is a content change", func() []byte {
			b, _ := appendRevision(nil, baseObjects(secondCatalog), 10, 0)
			b = signPDF(t, b, rsaOpts())
			// The update's first byte is its cross-reference stream's.
			at := len(b)
			b = append(b, "12 0 obj\n<< /Type /XRef /Root 9 0 R /Size 13 /W [1 2 1] /Length 0 >>\nstream\n\nendstream\nendobj\n"...)
			return fmt.Appendf(b, "startxref\n%d\n%%%%EOF\n", at)
		}, []Verdict{Modified}, []Change{ChangeContent}},
		{"a second signer's dictionary, prepared before the first signature and filled in after it, is a later signature", func() []byte {
			b := signedThen(t, baseObjects(
				obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R] /SigFlags 3 >> >>"},
				pageWithAnnots("4 0 R 7 0 R"), sigWidget(7, 8),
				obj{8, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>"},
			), []obj{{8, sigDict("ETSI.CAdES.detached")}})
			return signPDF(t, b, rsaOpts())
		}, []Verdict{Valid, Valid}, []Change{ChangeSignature}},
		{"a form dictionary added after a signature made without one, to hold a later signature, is a later signature", func() []byte {
			b := signedThen(t, baseObjects(obj{1, "<< /Type /Catalog /Pages 2 0 R >>"}), []obj{
				{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R] /SigFlags 3 >> >>"},
				pageWithAnnots("4 0 R 7 0 R"), sigWidget(7, 8), {8, sigDict("ETSI.CAdES.detached")},
			})
			return signPDF(t, b, rsaOpts())
		}, []Verdict{Valid, Valid}, []Change{ChangeSignature}},
		// The form's objects are found by a walk bounded to maxReach
		// objects; past them an object is no longer known as the form's.
		{"a text field filled in, the last of the form's first maxReach objects, is a form change", func() []byte {
			return signedThen(t, baseObjects(bigForm(maxReach-1), textField("a")), []obj{textField("b")})
		}, []Verdict{Valid}, []Change{ChangeForm}},
		{"a text field filled in, past the form's first maxReach objects, is a content change", func() []byte {
			return signedThen(t, baseObjects(bigForm(maxReach), textField("a")), []obj{textField("b")})
		}, []Verdict{Modified}, []Change{ChangeContent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.pdf(), f.bothPool)
			if err != nil {
				t.Fatal(err)
			}
			var got []Verdict
			for _, s := range r.Signatures {
				got = append(got, s.Verdict)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got verdicts %v, want %v", got, tt.want)
			}
			if len(r.Signatures) == 0 {
				return
			}
			s := r.Signatures[0]
			if !slices.Equal(s.Changes, tt.changes) {
				t.Errorf("got changes %v, want %v (detail %s)", s.Changes, tt.changes, s.Detail)
			}
			if s.CoversWholeFile != (tt.changes == nil && len(r.Signatures) == 1 && tt.name != "same objects rewritten" && tt.name != "catalog rewritten the same" && tt.name != "the content stream rewritten with the same bytes") {
				t.Errorf("got covers whole file %v", s.CoversWholeFile)
			}
		})
	}
}

func TestDocumentTimestamp(t *testing.T) {
	f := getFixture()
	r, err := Verify(docTimestamped(t), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Signatures) != 2 {
		t.Fatalf("got %d signatures, want 2", len(r.Signatures))
	}
	ts := r.Signatures[1]
	if !ts.DocTimestamp || ts.SignerCN != "Test TSA" || ts.TimeSource != "timestamp" || !ts.SigningTime.Equal(testNow.Add(-time.Minute)) || ts.Verdict != Valid {
		t.Errorf("got timestamp=%v signer %q time %v from %q verdict %v, want a valid document timestamp by Test TSA at %v",
			ts.DocTimestamp, ts.SignerCN, ts.SigningTime, ts.TimeSource, ts.Verdict, testNow.Add(-time.Minute))
	}
	// A timestamp over other bytes is invalid.
	b := docTimestamped(t)
	b[bytes.Index(b, []byte("Nghi quyet"))] = 'X'
	r, _ = Verify(b, f.rsaPool)
	if got := r.Signatures[1].Verdict; got != Invalid {
		t.Errorf("tampered: got %v, want %v", got, Invalid)
	}
}

func TestRevocationSources(t *testing.T) {
	f := getFixture()
	crlPEM := pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: f.revokedCRL})
	withCRL := NewTrust()
	withCRL.AddCert(f.rsa.root)
	if _, n := withCRL.Add(crlPEM); n != 1 {
		t.Fatalf("got %d crls from a PEM file, want 1", n)
	}
	revoked := rsaOpts()
	revoked.cert = f.revoked
	tests := []struct {
		name  string
		o     func() signOpts
		trust *Trust
		want  Verdict
		how   Revocation
	}{
		{"no data", rsaOpts, f.rsaPool, Valid, RevocationUnknown},
		{"adbe crl revokes", func() signOpts { o := revoked; o.adbeCRLs = [][]byte{f.revokedCRL}; return o }, f.rsaPool, Revoked, RevocationCRL},
		{"adbe crl clears", func() signOpts { o := rsaOpts(); o.adbeCRLs = [][]byte{f.revokedCRL}; return o }, f.rsaPool, Valid, RevocationCRL},
		{"adbe ocsp revokes", func() signOpts { o := revoked; o.adbeOCSPs = [][]byte{ocspResponse(t, ocsp.Revoked)}; return o }, f.rsaPool, Revoked, RevocationOCSP},
		{"adbe ocsp good", func() signOpts { o := rsaOpts(); o.adbeOCSPs = [][]byte{ocspResponse(t, ocsp.Good)}; return o }, f.rsaPool, Valid, RevocationOCSP},
		{"ocsp for another certificate", func() signOpts { o := revoked; o.adbeOCSPs = [][]byte{ocspResponse(t, ocsp.Good)}; return o }, f.rsaPool, Valid, RevocationUnknown},
		{"crl in the trust store", func() signOpts { return revoked }, withCRL, Revoked, RevocationCRL},
		{"revoked before a trusted timestamp", func() signOpts {
			o := revoked
			o.adbeCRLs = [][]byte{f.revokedCRL}
			o.timestamp = true // at testNow-1m; the CRL revokes at testNow-30m
			return o
		}, f.rsaPool, Revoked, RevocationCRL},
		{"revoked after a trusted timestamp", func() signOpts {
			o := revoked
			o.adbeCRLs = [][]byte{f.laterCRL}
			o.timestamp = true // at testNow-1m; the CRL revokes at testNow
			return o
		}, f.rsaPool, Valid, RevocationCRL},
		{"revoked after a time only claimed", func() signOpts {
			o := revoked
			o.adbeCRLs = [][]byte{f.laterCRL} // the signing-time attribute is only the signer's word
			return o
		}, f.rsaPool, Revoked, RevocationCRL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(signedPDF(t, tt.o()), tt.trust)
			if err != nil {
				t.Fatal(err)
			}
			s := r.Signatures[0]
			if s.Verdict != tt.want || s.Revocation != tt.how {
				t.Errorf("got %v checked by %v, want %v checked by %v (detail %s)", s.Verdict, s.Revocation, tt.want, tt.how, s.Detail)
			}
		})
	}
}

func TestLoadTrust(t *testing.T) {
	f := getFixture()
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("rsa.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.rsa.root.Raw}))
	write("ec.cer", f.ec.root.Raw)
	write("sub.crl", f.revokedCRL)
	write("README.txt", []byte("not a certificate"))
	tr, err := LoadTrust(dir)
	if err != nil {
		t.Fatal(err)
	}
	if roots, crls := tr.Counts(); roots != 2 || crls != 1 {
		t.Errorf("got %d roots and %d crls, want 2 and 1", roots, crls)
	}
	r, _ := Verify(twoSignatures(t), tr)
	if got := r.Verdict(); got != Valid {
		t.Errorf("got %v, want %v", got, Valid)
	}
	o := rsaOpts()
	o.cert = f.revoked
	r, _ = Verify(signedPDF(t, o), tr)
	if got := r.Verdict(); got != Revoked {
		t.Errorf("revoked signer with the crl in the store: got %v, want %v", got, Revoked)
	}
	if _, err := LoadTrust(t.TempDir()); err == nil {
		t.Error("got no error for an empty directory, want one")
	}
}

// TestChangeReasonsAreBounded: a revision that changes many objects names
// eight of them, not all, in the signature's detail.
func TestChangeReasonsAreBounded(t *testing.T) {
	var objs []obj
	kids := ""
	for n := 9; n < 21; n++ {
		objs = append(objs, obj{n, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"})
		kids += fmt.Sprintf(" %d 0 R", n)
	}
	objs = append(objs, obj{2, "<< /Type /Pages /Kids [3 0 R" + kids + "] /Count 13 >>"})
	r, err := Verify(revise(t, rsaOpts(), objs...), getFixture().rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Signatures[0]
	if n := strings.Count(s.Detail, "a new Page object"); s.Verdict != Modified || n != 8 {
		t.Fatalf("got %v naming %d new pages, want Modified naming 8: %s", s.Verdict, n, s.Detail)
	}
}
