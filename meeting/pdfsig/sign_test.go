package pdfsig

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dinh/internal/testenv"
)

func TestSign(t *testing.T) {
	f := getFixture()
	person := Signer{Key: f.rsa.signerKey, Cert: f.rsa.signer, Chain: []*x509.Certificate{f.rsa.inter}, Reason: "Phê duyệt", Location: "Tuyên Quang", Time: testNow}
	org := Signer{Key: f.ec.signerKey, Cert: f.ec.signer, Chain: []*x509.Certificate{f.ec.inter}, Reason: "Ban hành", Time: testNow}
	tests := []struct {
		name string
		base []byte
	}{
		{"inline form", func() []byte { b, _ := basePDF(0, "adbe.pkcs7.detached"); return signPDF(t, b, rsaOpts()) }()},
		{"no form", unsignedPDF()},
		{"indirect form", func() []byte {
			b, _ := appendRevision(nil, []obj{
				{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>"},
				{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
				{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots 5 0 R >>"},
				{4, "<< /Fields [] /DA (/Helv 0 Tf 0 g) >>"},
				{5, "[]"},
			}, 6, 0)
			return b
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			one, err := person.Sign(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			two, err := org.Sign(one)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Verify(two, f.bothPool)
			if err != nil {
				t.Fatal(err)
			}
			n := len(r.Signatures)
			if n < 2 {
				t.Fatalf("got %d signatures, want at least 2", n)
			}
			for i, s := range r.Signatures {
				if s.Verdict != Valid {
					t.Errorf("signature %d: got %v, want %v (%s)", i, s.Verdict, Valid, s.Detail)
				}
			}
			// Every signature field stays listed in the form, and the
			// trailer counts every object.
			of := scanObjects(two)
			state := of.state(1 << 62)
			root, _ := of.root(1 << 62)
			cat, _ := resolve(state, root)
			form, _ := resolve(state, cat.(*dict).m["AcroForm"])
			listed, _ := resolve(state, form.(*dict).m["Fields"])
			if got := len(listed.(array)); got != n {
				t.Errorf("the form lists %d fields, want %d", got, n)
			}
			highest := int64(0)
			for _, o := range of.objs {
				highest = max(highest, o.num)
			}
			i := bytes.LastIndex(two, []byte("/Size "))
			var size int64
			fmt.Sscanf(string(two[i:]), "/Size %d", &size)
			if size != highest+1 {
				t.Errorf("the last trailer says /Size %d, want %d", size, highest+1)
			}
			first, last := r.Signatures[n-2], r.Signatures[n-1]
			if !slices.Equal(first.Changes, []Change{ChangeSignature}) || !last.CoversWholeFile {
				t.Errorf("got changes %v after the first and whole-file %v for the last, want [signature] and true", first.Changes, last.CoversWholeFile)
			}
			if first.Reason != "Phê duyệt" || first.Location != "Tuyên Quang" || last.SignerOrg != "UBND Phường Bến Nghé" {
				t.Errorf("got reason %q, location %q, organisation %q", first.Reason, first.Location, last.SignerOrg)
			}
			popplerAgrees(t, two, n)
		})
	}
}

// popplerAgrees checks that pdfsig finds n signatures and calls each valid.
func popplerAgrees(t *testing.T, pdf []byte, n int) {
	t.Helper()
	bin := testenv.Tool(t, "pdfsig", "poppler-utils; build/deps.sh test installs it")
	path := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	sigs, out := runPdfsig(bin, "-nocert", path)
	valid := 0
	for _, s := range sigs {
		if s.crypto != nil && *s.crypto {
			valid++
		}
	}
	if valid != n {
		t.Errorf("pdfsig: got %d valid signatures, want %d:\n%s", valid, n, out)
	}
}

// TestSignatureFillsItsRoom: a signature whose CMS fills the room left for
// it to the last byte is written; one byte more is refused, and nothing
// half-written is returned.
func TestSignatureFillsItsRoom(t *testing.T) {
	f := getFixture()
	// pad is a certificate of the chain with an extension of n bytes: the
	// CMS grows by exactly n while every length keeps its size.
	pad := func(n int) *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "pad"},
			NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour),
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Value: make([]byte, n)}}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, f.rsa.signerKey.Public(), f.rsa.signerKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	signer := func(n int) Signer {
		return Signer{Key: f.rsa.signerKey, Cert: f.rsa.signer, Chain: []*x509.Certificate{f.rsa.inter, pad(n)}, Time: testNow}
	}
	der, err := signer(1000).cms([][]byte{[]byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	exact := 1000 + signHexLen/2 - len(der)
	if der, _ := signer(exact).cms([][]byte{[]byte("x")}); len(der) != signHexLen/2 {
		t.Fatalf("the padded CMS has %d bytes, want %d", len(der), signHexLen/2)
	}
	out, err := signer(exact).Sign(unsignedPDF())
	if err != nil {
		t.Fatalf("a CMS that fills its room: %v", err)
	}
	if r, err := Verify(out, f.rsaPool); err != nil || len(r.Signatures) != 1 || r.Signatures[0].Verdict != Valid {
		t.Fatalf("got %+v, %v; want one valid signature", r.Signatures, err)
	}
	if out, err := signer(exact + 1).Sign(unsignedPDF()); err == nil || out != nil || !strings.Contains(err.Error(), "does not fit") {
		t.Fatalf("a CMS one byte too long: got %d bytes, %v", len(out), err)
	}
}

// TestLastStartXref: the offset named after the last startxref, wherever
// that keyword is, the first byte of the file included.
func TestLastStartXref(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"startxref\n9\n%%EOF\n", 9, false},
		{"%PDF\nstartxref\n9\n%%EOF\nstartxref\n42\n%%EOF\n", 42, false},
		{"%PDF\n%%EOF\n", 0, true},
		{"startxref\nnine\n", 0, true},
	}
	for _, tt := range tests {
		got, err := lastStartXref([]byte(tt.in))
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("%q: got %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
