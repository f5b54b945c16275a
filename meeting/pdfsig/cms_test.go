package pdfsig

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileCMS feeds the CMS decoder nesting that would overflow its
// stack (a fatal error that no recover catches): each is refused in words.
func TestHostileCMS(t *testing.T) {
	deep := func(prefix []byte, unit []byte, n int) []byte {
		return append(bytes.Clone(prefix), bytes.Repeat(unit, n)...)
	}
	tests := []struct {
		name string
		der  []byte
	}{
		{"indefinite nesting from the start", deep(nil, []byte{0x30, 0x80}, 2_000_000)},
		{"nesting after a primitive first child", deep([]byte{0x30, 0x80, 0x02, 0x01, 0x00}, []byte{0x31, 0x80}, 2_000_000)},
		{"definite lengths", deep([]byte{0x30, 0x84, 0x00, 0x3d, 0x09, 0x00}, []byte{0x30, 0x84, 0x00, 0x3d, 0x08, 0xfa}, 300_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifyCMS(tt.der, [][]byte{[]byte("x")}, oidData)
			if err == nil || !strings.Contains(err.Error(), "nested") {
				t.Fatalf("got %v, want the nesting refused", err)
			}
		})
	}
}

// TestBERDepthLimit: nesting of exactly the limit reaches the decoder
// (which refuses it for what it is), one level more is refused unread.
func TestBERDepthLimit(t *testing.T) {
	nested := func(n int) []byte {
		return append(bytes.Repeat([]byte{0x30, 0x80}, n), bytes.Repeat([]byte{0, 0}, n)...)
	}
	if d := berDepth(nested(maxBERDepth)); d != maxBERDepth {
		t.Errorf("got depth %d for %d levels", d, maxBERDepth)
	}
	if _, err := parseCMS(nested(maxBERDepth)); err == nil || strings.Contains(err.Error(), "nested") {
		t.Errorf("%d levels: got %v, want the decoder's own refusal", maxBERDepth, err)
	}
	if _, err := parseCMS(nested(maxBERDepth + 1)); err == nil || !strings.Contains(err.Error(), "nested 65 levels deep") {
		t.Errorf("%d levels: got %v, want the nesting refused", maxBERDepth+1, err)
	}
}

// TestBERDepth checks the nesting walk on what real signers write.
func TestBERDepth(t *testing.T) {
	files, _ := filepath.Glob("testdata/cms/*.p7s")
	if len(files) == 0 {
		t.Fatal("no CMS seeds in testdata/cms")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := berDepth(b); d < 5 || d > maxBERDepth {
			t.Errorf("%s: got depth %d, want between 5 and %d", f, d, maxBERDepth)
		}
		if _, err := parseCMS(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// FuzzCMS decodes and checks CMS values, seeded with BER written by NSS,
// BouncyCastle and node-forge, and with our own DER.
func FuzzCMS(f *testing.F) {
	files, _ := filepath.Glob("testdata/cms/*.p7s")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(buildCMS(f, [][]byte{[]byte("signed")}, rsaOpts()))
	f.Fuzz(func(t *testing.T, b []byte) {
		verifyCMS(b, [][]byte{[]byte("signed")}, oidData)
		verifyCMS(b, nil, oidTSTInfo)
		verifyToken(b, [][]byte{[]byte("signed")})
	})
}

// TestBERDepthExact: the nesting walk counts exactly, on small encodings
// made by hand for each rule it follows: values that end (by length or by
// end-of-contents) close their level before a sibling opens, primitive
// contents are skipped unread, long-form lengths and high tag numbers are
// read whole, and what cannot be read ends the walk.
func TestBERDepthExact(t *testing.T) {
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	nested := func(n int) []byte {
		return append(bytes.Repeat([]byte{0x30, 0x80}, n), bytes.Repeat([]byte{0, 0}, n)...)
	}
	tests := []struct {
		name string
		b    []byte
		want int
	}{
		{"nothing", nil, 0},
		{"a primitive", []byte{0x02, 0x01, 0x05}, 0},
		{"a sequence of one integer", []byte{0x30, 0x03, 0x02, 0x01, 0x05}, 1},
		{"a sequence in a sequence", []byte{0x30, 0x02, 0x30, 0x00}, 2},
		{"a sequence closed by its length before a sibling",
			cat([]byte{0x30, 0x02, 0x02, 0x00}, []byte{0x30, 0x02, 0x30, 0x00}), 2},
		{"two closed by length, one after the other",
			cat([]byte{0x30, 0x02, 0x30, 0x00}, []byte{0x30, 0x00}, []byte{0x30, 0x02, 0x30, 0x00}), 2},
		{"indefinite, closed by end-of-contents",
			cat([]byte{0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00}, []byte{0x30, 0x80, 0x00, 0x00}), 1},
		{"indefinite in indefinite", []byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00}, 2},
		{"long-form length of one octet", cat([]byte{0x30, 0x81, 0x02, 0x30, 0x00}, []byte{0x30, 0x00}), 2},
		{"long-form length of two octets", cat([]byte{0x30, 0x82, 0x00, 0x02, 0x30, 0x00}, []byte{0x30, 0x00}), 2},
		{"long-form length of four octets", cat([]byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x02, 0x30, 0x00}, []byte{0x30, 0x00}), 2},
		{"a length of five octets ends the walk", cat([]byte{0x30, 0x00}, []byte{0x30, 0x85, 0, 0, 0, 0, 2, 0x30, 0x00}), 1},
		{"a length cut short ends the walk", []byte{0x30, 0x00, 0x30, 0x82, 0x00}, 1},
		{"a primitive of indefinite length ends the walk", []byte{0x30, 0x80, 0x04, 0x80, 0x30, 0x80, 0x30, 0x80}, 1},
		{"a primitive's content is skipped", cat([]byte{0x04, 0x04, 0x30, 0x80, 0x30, 0x80}, []byte{0x30, 0x02, 0x30, 0x00}), 2},
		{"a high tag number read whole", []byte{0x3f, 0x81, 0x01, 0x02, 0x30, 0x00}, 2},
		{"a high tag number of one octet", []byte{0x3f, 0x05, 0x02, 0x30, 0x00}, 2},
		{"a tag without its length", []byte{0x30}, 0},
		{"deeper nesting after an end-of-contents",
			cat([]byte{0x30, 0x80, 0x00, 0x00}, []byte{0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00}), 2},
		{"an indefinite value holding more than one octet",
			[]byte{0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00}, 2},
		{"a high tag number cut short ends the walk", []byte{0x30, 0x00, 0x3f, 0x81}, 1},
		{"long-form length octets that end the data", []byte{0x30, 0x80, 0x30, 0x81, 0x05}, 2},
		{"exactly the limit", nested(maxBERDepth), maxBERDepth},
		{"past the limit, the walk stops one over", nested(maxBERDepth + 40), maxBERDepth + 1},
	}
	for _, tt := range tests {
		if got := berDepth(tt.b); got != tt.want {
			t.Errorf("%s: depth %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestCMSRules: what the CMS check refuses, each for its own reason: an
// RSA-PSS signature made by another key than the certificate's, signed
// attributes without a content type, and a CMS with neither encapsulated
// nor detached content.
func TestCMSRules(t *testing.T) {
	f := getFixture()
	parts := [][]byte{[]byte("signed")}
	pss := rsaOpts()
	pss.pss = true
	otherKey := pss
	otherKey.key = f.rsa.interKey
	noType := rsaOpts()
	noType.noContentType = true
	pssOtherHash := pss
	pssOtherHash.pssHash = crypto.SHA384 // the digest stays SHA-256
	pssDefaults := pss
	pssDefaults.pssNoParams = true
	tests := []struct {
		name  string
		der   []byte
		parts [][]byte
		want  string // in the error; "" for none
	}{
		{"rsa-pss by the certificate's key", buildCMS(t, parts, pss), parts, ""},
		{"rsa-pss by another key", buildCMS(t, parts, otherKey), parts, "rsa-pss signature does not verify"},
		{"rsa-pss naming another hash than the digest's", buildCMS(t, parts, pssOtherHash), parts, ""},
		{"rsa-pss with its parameters left out (SHA-1)", buildCMS(t, parts, pssDefaults), parts, ""},
		{"no content type among the signed attributes", buildCMS(t, parts, noType), parts, "lack message digest or content type"},
		{"neither encapsulated nor detached content", buildCMS(t, parts, rsaOpts()), nil, "no content to verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifyCMS(tt.der, tt.parts, oidData)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("got %v, want it verified", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestRevocationListsAreBounded: a CMS or an adbe attribute holding more
// CRLs or OCSP answers than any real signature does is read up to 64 of
// each, the rest left unread.
func TestRevocationListsAreBounded(t *testing.T) {
	f := getFixture()
	crl := f.revokedCRL
	many := bytes.Repeat(crl, 70)
	if n := len(parseCRLs(many)); n != 64 {
		t.Errorf("70 CRLs: read %d, want 64", n)
	}
	if n := len(parseCRLs(bytes.Repeat(crl, 3))); n != 3 {
		t.Errorf("3 CRLs: read %d, want 3", n)
	}
	if n := len(splitDER(many)); n != 64 {
		t.Errorf("70 OCSP answers: split %d, want 64", n)
	}
	if n := len(splitDER(append(bytes.Repeat(crl, 2), 0x30))); n != 2 {
		t.Errorf("2 answers and a cut one: split %d, want 2", n)
	}
}

// TestSecurityStoreIsBounded: a document security store's lists are read
// up to 256 streams each, the most an array may hold; a longer list is
// refused whole, so that a hostile store cannot make verification parse
// without end.
func TestSecurityStoreIsBounded(t *testing.T) {
	f := getFixture()
	for n, want := range map[int]int{256: 256, 257: 0} {
		objs := []obj{{1, "<< /Type /Catalog /Pages 2 0 R /DSS 3 0 R >>"}, {2, "<< /Type /Pages /Kids [] /Count 0 >>"}}
		var certs, crls strings.Builder
		for i := range n {
			fmt.Fprintf(&certs, "%d 0 R ", 10+2*i)
			fmt.Fprintf(&crls, "%d 0 R ", 11+2*i)
			objs = append(objs, streamObj(10+2*i, "", f.rsa.inter.Raw), streamObj(11+2*i, "", f.revokedCRL))
		}
		objs = append(objs, obj{3, "<< /Certs [" + certs.String() + "] /CRLs [" + crls.String() + "] >>"})
		pdf, _ := appendRevision(nil, objs, 10+2*n, 0)
		got, rev := dssData(scanObjects(pdf))
		if len(got) != want || len(rev.crls) != want {
			t.Errorf("a store of %d certificates and CRLs: read %d and %d, want %d of each", n, len(got), len(rev.crls), want)
		}
	}
}
