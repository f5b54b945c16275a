package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	f := getFixture()
	tampered := func() []byte {
		b := signedPDF(t, rsaOpts())
		i := bytes.Index(b, []byte("Nghi quyet so 01"))
		b[i] = 'X'
		return b
	}
	rewriteRange := func(b []byte, fn func(r [4]int64) [4]int64) []byte {
		b = bytes.Clone(b)
		fields, _ := Parse(b)
		r := fn(fields[0].ByteRange)
		i := bytes.Index(b, []byte("/ByteRange [")) + len("/ByteRange ")
		j := i + bytes.IndexByte(b[i:], ']') + 1
		s := fmt.Sprintf("[%d %d %d %d]", r[0], r[1], r[2], r[3])
		copy(b[i:j], s+strings.Repeat(" ", j-i-len(s)))
		return b
	}
	ecOpts := signOpts{cert: f.ec.signer, key: f.ec.signerKey, chain: []*x509.Certificate{f.ec.inter}}
	tests := []struct {
		name  string
		pdf   func() []byte
		roots *Trust
		want  []Verdict
	}{
		{"rsa sha256", func() []byte { return signedPDF(t, rsaOpts()) }, f.rsaPool, []Verdict{Valid}},
		{"rsa sha1", func() []byte { o := rsaOpts(); o.hash = crypto.SHA1; return signedPDF(t, o) }, f.rsaPool, []Verdict{Valid}},
		{"rsa sha512", func() []byte { o := rsaOpts(); o.hash = crypto.SHA512; return signedPDF(t, o) }, f.rsaPool, []Verdict{Valid}},
		{"rsa pss", func() []byte { o := rsaOpts(); o.pss = true; return signedPDF(t, o) }, f.rsaPool, []Verdict{Valid}},
		{"ecdsa", func() []byte { return signedPDF(t, ecOpts) }, f.ecPool, []Verdict{Valid}},
		{"untrusted root", func() []byte { return signedPDF(t, rsaOpts()) }, f.ecPool, []Verdict{UntrustedRoot}},
		{"nil roots", func() []byte { return signedPDF(t, rsaOpts()) }, nil, []Verdict{UntrustedRoot}},
		{"intermediate not embedded", func() []byte { o := rsaOpts(); o.chain = nil; return signedPDF(t, o) }, f.rsaPool, []Verdict{UntrustedRoot}},
		{"byte changed inside range", tampered, f.rsaPool, []Verdict{Invalid}},
		{"appended after signing", func() []byte { return appendedPDF(t) }, f.rsaPool, []Verdict{Modified}},
		{"two signatures", func() []byte { return twoSignatures(t) }, f.bothPool, []Verdict{Valid, Valid}},
		{"expired signer", func() []byte { o := rsaOpts(); o.cert = f.expired; return signedPDF(t, o) }, f.rsaPool, []Verdict{Expired}},
		{"revoked signer", func() []byte {
			o := rsaOpts()
			o.cert, o.crls = f.revoked, [][]byte{f.revokedCRL}
			return signedPDF(t, o)
		}, f.rsaPool, []Verdict{Revoked}},
		{"crl without the signer", func() []byte { o := rsaOpts(); o.crls = [][]byte{f.revokedCRL}; return signedPDF(t, o) }, f.rsaPool, []Verdict{Valid}},
		{"wrong signer key", func() []byte { o := rsaOpts(); o.key = f.ec.signerKey; return signedPDF(t, o) }, f.rsaPool, []Verdict{Invalid}},
		{"range not from zero", func() []byte {
			return rewriteRange(signedPDF(t, rsaOpts()), func(r [4]int64) [4]int64 { r[0], r[1] = 1, r[1]-1; return r })
		}, f.rsaPool, []Verdict{Invalid}},
		{"gap off contents", func() []byte {
			return rewriteRange(signedPDF(t, rsaOpts()), func(r [4]int64) [4]int64 { r[1]--; return r })
		}, f.rsaPool, []Verdict{Invalid}},
		{"range past end", func() []byte {
			return rewriteRange(signedPDF(t, rsaOpts()), func(r [4]int64) [4]int64 { r[3] += 100; return r })
		}, f.rsaPool, []Verdict{Invalid}},
		{"range shorter than file", func() []byte {
			return rewriteRange(signedPDF(t, rsaOpts()), func(r [4]int64) [4]int64 { r[3] -= 20; return r })
		}, f.rsaPool, []Verdict{Invalid}},
		{"truncated in contents", func() []byte { b := signedPDF(t, rsaOpts()); return b[:len(b)/2] }, f.rsaPool, []Verdict{Invalid}},
		{"truncated at end", func() []byte { b := signedPDF(t, rsaOpts()); return b[:len(b)-10] }, f.rsaPool, []Verdict{Invalid}},
		{"unsupported sub-filter", func() []byte {
			return bytes.Replace(signedPDF(t, rsaOpts()), []byte("/adbe.pkcs7.detached"), []byte("/adbe.x509.rsa.sha1"), 1)
		}, f.rsaPool, []Verdict{Invalid}},
		{"unsigned", unsignedPDF, f.rsaPool, nil},
		{"empty", func() []byte { return nil }, f.rsaPool, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.pdf(), tt.roots)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			var got []Verdict
			for _, s := range r.Signatures {
				got = append(got, s.Verdict)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
				for _, s := range r.Signatures {
					t.Logf("detail: %s", s.Detail)
				}
			}
			if len(tt.want) == 0 && r.Verdict() != Unsigned {
				t.Errorf("got report verdict %v, want %v", r.Verdict(), Unsigned)
			}
		})
	}
}

func TestVerifyDetails(t *testing.T) {
	f := getFixture()
	o := rsaOpts()
	o.timestamp = true
	r, err := Verify(signedPDF(t, o), f.rsaPool)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Signatures[0]
	checks := []struct{ what, got, want string }{
		{"verdict", s.Verdict.String(), Valid.String()},
		{"signer cn", s.SignerCN, "Nguyễn Văn An"},
		{"signer o", s.SignerOrg, "UBND Phường Bến Nghé"},
		{"issuer cn", s.IssuerCN, "Test RSA Sub CA"},
		{"reason", s.Reason, "Phê duyệt"},
		{"name", s.Name, "Nguyen Van An"},
		{"location", s.Location, "Ha Noi"},
		{"sub-filter", s.SubFilter, "adbe.pkcs7.detached"},
		{"timestamp", fmt.Sprint(s.Timestamp), fmt.Sprint(TimestampVerified)},
		{"time source", s.TimeSource, "timestamp"},
		{"signing time", s.SigningTime.UTC().Format(time.RFC3339), testNow.Add(-time.Minute).Format(time.RFC3339)},
		{"covers whole file", fmt.Sprint(s.CoversWholeFile), "true"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q (detail %s)", c.what, c.got, c.want, s.Detail)
		}
	}

	// Without a timestamp the signed signing-time attribute is used.
	r, _ = Verify(signedPDF(t, rsaOpts()), f.rsaPool)
	if got := r.Signatures[0]; got.TimeSource != "signing-time attribute" || !got.SigningTime.Equal(testNow) || got.Timestamp != NoTimestamp {
		t.Errorf("got time %v from %q (timestamp %v), want %v from the signing-time attribute", got.SigningTime, got.TimeSource, got.Timestamp, testNow)
	}

	// A token over other bytes makes the timestamp invalid, whether a good
	// one follows it or comes before it.
	for _, first := range []bool{true, false} {
		twoTokens := o
		twoTokens.badTimestamp, twoTokens.badTimestampLast = first, !first
		r, _ = Verify(signedPDF(t, twoTokens), f.rsaPool)
		if got := r.Signatures[0]; got.Timestamp != TimestampInvalid || got.TimeSource != "signing-time attribute" || !got.SigningTime.Equal(testNow) {
			t.Errorf("a bad token (first: %v) and a good one: got timestamp %v, time %v from %q; want %v, the signing-time attribute",
				first, got.Timestamp, got.SigningTime, got.TimeSource, TimestampInvalid)
		}
	}

	// A timestamp whose TSA is not trusted is reported, not fatal.
	r, _ = Verify(signedPDF(t, o), f.bothPool)
	if got := r.Signatures[0].Timestamp; got != TimestampVerified {
		t.Errorf("got timestamp %v with both roots, want %v", got, TimestampVerified)
	}
	r, _ = Verify(signedPDF(t, o), f.ecPool)
	if got := r.Signatures[0]; got.Timestamp != TimestampInvalid || got.Verdict != UntrustedRoot {
		t.Errorf("got timestamp %v, verdict %v, want %v, %v", got.Timestamp, got.Verdict, TimestampInvalid, UntrustedRoot)
	}
	detail := func(s Signature, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(s.Detail, w) {
				t.Errorf("the detail lacks %q: %s", w, s.Detail)
			}
		}
	}
	// The detail tells everything found, the timestamp's fault first.
	detail(r.Signatures[0], "timestamp ignored: ", "; chain: ")
	// A trusted signer keeps its verdict when only its timestamp's TSA is
	// untrusted: the time falls back to the signer's claim.
	ec := signOpts{cert: f.ec.signer, key: f.ec.signerKey, chain: []*x509.Certificate{f.ec.inter}, timestamp: true}
	r, _ = Verify(signedPDF(t, ec), f.ecPool)
	if got := r.Signatures[0]; got.Timestamp != TimestampInvalid || got.Verdict != Valid || got.TimeSource != "signing-time attribute" {
		t.Errorf("trusted signer, untrusted TSA: got timestamp %v, verdict %v, time from %q; want %v, %v, the signing-time attribute",
			got.Timestamp, got.Verdict, got.TimeSource, TimestampInvalid, Valid)
	}
	detail(r.Signatures[0], "timestamp ignored: ", "; signature and chain verify")

	// The first of two signatures is covered by the second.
	r, _ = Verify(twoSignatures(t), f.bothPool)
	if a, b := r.Signatures[0], r.Signatures[1]; !a.LaterSignature || a.CoversWholeFile || !b.CoversWholeFile || b.SignerCN != "Nguyễn Văn An" || b.SubFilter != "ETSI.CAdES.detached" {
		t.Errorf("got first later=%v whole=%v, second whole=%v cn=%q sub-filter=%q", a.LaterSignature, a.CoversWholeFile, b.CoversWholeFile, b.SignerCN, b.SubFilter)
	}
	detail(r.Signatures[0], "signature and chain verify; changed after signing, as allowed: ")
	if strings.Contains(r.Signatures[1].Detail, "changed after signing") {
		t.Errorf("the last signature is said changed after it: %s", r.Signatures[1].Detail)
	}

	// Bytes appended that change the content: how many, after the rest.
	pdf := appendedPDF(t)
	r, _ = Verify(pdf, f.rsaPool)
	fields, _ := Parse(pdf)
	br := fields[0].ByteRange
	detail(r.Signatures[0], fmt.Sprintf("signature and chain verify; %d bytes were appended after signing and change the content: ", int64(len(pdf))-(br[2]+br[3])))
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, "" for an error
	}{
		{"D:20250102030405+07'00'", "2025-01-02T03:04:05+07:00"},
		{"D:20250102030405Z", "2025-01-02T03:04:05Z"},
		{"D:2025", "2025-01-01T00:00:00Z"},
		{"20250102030405-05'30", "2025-01-02T03:04:05-05:30"},
		{"D:20251302", ""},
		{"D:", ""},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		s := ""
		if err == nil {
			s = got.Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("ParseDate(%q): got %q (%v), want %q", tt.in, s, err, tt.want)
		}
	}
}

func TestParseTextAndNesting(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<< /Type /Sig /Reason <FEFF0050006800EA00200064007500791EC70074> /Name (a \\(b\\) << c) " +
		"/Prop_Build << /App << /Name /Dinh >> >> /ByteRange [0 10 20 5] /Contents <0102> >>\nendobj\n")
	fields, err := Parse(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 1 {
		t.Fatalf("got %d fields, want 1", len(fields))
	}
	f := fields[0]
	if f.Reason != "Phê duyệt" || f.Name != "a (b) << c" || f.Problem == nil {
		t.Errorf("got reason %q, name %q, problem %v, want %q, %q and a byte range problem", f.Reason, f.Name, f.Problem, "Phê duyệt", "a (b) << c")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(signedPDF(f, rsaOpts()))
	f.Add(twoSignatures(f))
	f.Add(docTimestamped(f))
	f.Add(revise(f, rsaOpts(), objStm(10, pageWithAnnots("4 0 R 9 0 R"), annotation(9))))
	f.Add([]byte("<< /ByteRange [0 1 2 3] /Contents <00> >>"))
	f.Add([]byte("<</ByteRange"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := Parse(b)
		if err != nil {
			return
		}
		for _, fl := range fields {
			if fl.Problem == nil && fl.End() > int64(len(b)) {
				t.Fatalf("got accepted byte range ending at %d, past %d", fl.End(), len(b))
			}
		}
		Verify(b, nil)
		// The object reader and the change classifier see every byte.
		of := scanObjects(b)
		classifyChanges(of, int64(len(b)/2))
		dssData(of)
	})
}

func BenchmarkVerify20MB(b *testing.B) {
	f := getFixture()
	pdf, _ := basePDF(20<<20, "adbe.pkcs7.detached")
	pdf = signPDF(b, pdf, rsaOpts())
	b.SetBytes(int64(len(pdf)))
	b.ResetTimer()
	for b.Loop() {
		r, err := Verify(pdf, f.rsaPool)
		if err != nil || r.Verdict() != Valid {
			b.Fatalf("got %v, %v, want valid", r.Verdict(), err)
		}
	}
}

func TestIsPDF(t *testing.T) {
	for _, tt := range []struct {
		b    string
		want bool
	}{
		{"%PDF-1.7\n", true},
		{"\xef\xbb\xbf%PDF-1.4", true}, // junk before the header, as readers allow
		{strings.Repeat(" ", 1019) + "%PDF-", true},
		{strings.Repeat(" ", 1020) + "%PDF-", false},
		{"", false},
		{"PK\x03\x04", false},
		{"%PDF", false},
	} {
		if got := IsPDF([]byte(tt.b)); got != tt.want {
			t.Errorf("IsPDF(%.20q) = %v", tt.b, got)
		}
	}
}

// TestVerifyFileTooLarge: a file over the size limit is refused by its
// size, before it is read; a missing file is an error naming it; a file
// within the limit is read whole and verified.
func TestVerifyFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pdf")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: no disk and no memory is used for its zeros.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := VerifyFile(big, nil); !errors.Is(err, errTooLarge) {
		t.Fatalf("a file of %d bytes: got %v, want it refused as too large", MaxFileSize+1, err)
	}
	if _, err := VerifyFile(filepath.Join(dir, "none.pdf"), nil); err == nil || !strings.Contains(err.Error(), "none.pdf") {
		t.Fatalf("a missing file: got %v", err)
	}
	small := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(small, signedPDF(t, rsaOpts()), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err := VerifyFile(small, getFixture().rsaPool); err != nil || len(r.Signatures) != 1 || r.Signatures[0].Verdict != Valid {
		t.Fatalf("a signed file: got %+v, %v; want one valid signature", r.Signatures, err)
	}
}
