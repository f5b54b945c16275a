package pdfsig

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
