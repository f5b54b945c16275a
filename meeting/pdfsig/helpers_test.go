package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file builds what the tests verify: a CA hierarchy, minimal PDFs
// with correct cross-reference tables, and CMS signatures written with
// encoding/asn1, so the verifier is checked against an independent encoder.

var testNow = time.Now().UTC().Truncate(time.Second)

type pki struct {
	root, inter       *x509.Certificate
	rootKey, interKey crypto.Signer
	signer            *x509.Certificate
	signerKey         crypto.Signer
}

type fixture struct {
	rsa, ec    pki
	expired    *x509.Certificate // RSA chain, expired before testNow
	revoked    *x509.Certificate // RSA chain, revoked by revokedCRL
	revokedCRL []byte
	// laterCRL revokes the same certificate at testNow, after the
	// fixture's timestamps (testNow-1m).
	laterCRL []byte
	tsa      *x509.Certificate // RSA chain, time-stamping usage
	rsaPool  *Trust
	ecPool   *Trust
	bothPool *Trust
}

var serial int64 = 100

// issue panics on error: it runs inside the shared fixture.
func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) *x509.Certificate {
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		panic(fmt.Sprintf("create certificate %s: %v", tmpl.Subject.CommonName, err))
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return c
}

func caTmpl(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn, Organization: []string{"Test CA"}, Country: []string{"VN"}},
		NotBefore: testNow.Add(-10 * 365 * 24 * time.Hour), NotAfter: testNow.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

func leafTmpl(cn string, from, to time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:   pkix.Name{CommonName: cn, Organization: []string{"UBND Phường Bến Nghé"}, Country: []string{"VN"}},
		NotBefore: from, NotAfter: to,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
}

func newPKI(caKey, leafKey crypto.Signer, name string) pki {
	var p pki
	p.rootKey, p.interKey, p.signerKey = caKey, caKey, leafKey
	p.root = issue(caTmpl(name+" Root"), nil, caKey.Public(), caKey)
	p.inter = issue(caTmpl(name+" Sub CA"), p.root, caKey.Public(), caKey)
	p.signer = issue(leafTmpl("Nguyễn Văn An", testNow.Add(-time.Hour), testNow.Add(365*24*time.Hour)), p.inter, leafKey.Public(), caKey)
	return p
}

var getFixture = sync.OnceValue(func() *fixture {
	f := &fixture{}
	rsaCA, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaLeaf, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecCA, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ecLeaf, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	f.rsa = newPKI(rsaCA, rsaLeaf, "Test RSA")
	f.ec = newPKI(ecCA, ecLeaf, "Test ECDSA")
	f.expired = issue(leafTmpl("Expired Signer", testNow.Add(-3*365*24*time.Hour), testNow.Add(-2*365*24*time.Hour)), f.rsa.inter, rsaLeaf.Public(), rsaCA)
	f.revoked = issue(leafTmpl("Revoked Signer", testNow.Add(-time.Hour), testNow.Add(365*24*time.Hour)), f.rsa.inter, rsaLeaf.Public(), rsaCA)
	tsaT := leafTmpl("Test TSA", testNow.Add(-time.Hour), testNow.Add(365*24*time.Hour))
	tsaT.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}
	f.tsa = issue(tsaT, f.rsa.inter, rsaLeaf.Public(), rsaCA)
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: testNow.Add(-time.Hour), NextUpdate: testNow.Add(24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: f.revoked.SerialNumber, RevocationTime: testNow.Add(-30 * time.Minute)}},
	}, f.rsa.inter, rsaCA)
	if err != nil {
		panic(err)
	}
	f.revokedCRL = crl
	f.laterCRL, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(2), ThisUpdate: testNow, NextUpdate: testNow.Add(24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: f.revoked.SerialNumber, RevocationTime: testNow}},
	}, f.rsa.inter, rsaCA)
	if err != nil {
		panic(err)
	}
	f.rsaPool, f.ecPool, f.bothPool = NewTrust(), NewTrust(), NewTrust()
	f.rsaPool.AddCert(f.rsa.root)
	f.ecPool.AddCert(f.ec.root)
	f.bothPool.AddCert(f.rsa.root)
	f.bothPool.AddCert(f.ec.root)
	return f
})

// PDF writing.

type obj struct {
	num  int
	body string
}

// appendRevision appends objs, a cross-reference section and a trailer to
// base (empty for the first revision). prev is the previous startxref.
func appendRevision(base []byte, objs []obj, size, prev int) ([]byte, int) {
	var b bytes.Buffer
	b.Write(base)
	if len(base) == 0 {
		b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	}
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", o.num, o.body)
	}
	xref := b.Len()
	b.WriteString("xref\n")
	if len(base) == 0 {
		b.WriteString("0 1\n0000000000 65535 f \n")
	}
	for i, o := range objs {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", o.num, offs[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R", size)
	if prev > 0 {
		fmt.Fprintf(&b, " /Prev %d", prev)
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes(), xref
}

const (
	brPlaceholder  = "[0 0000000000 0000000000 0000000000]"
	contentsHexLen = 24000
)

func sigDict(subFilter string) string {
	return "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /" + subFilter +
		" /ByteRange " + brPlaceholder + " /Contents <" + strings.Repeat("0", contentsHexLen) + ">" +
		" /M (D:20250102030405+07'00') /Reason <FEFF0050006800EA00200064007500791EC70074> /Name (Nguyen Van An) /Location (Ha Noi) >>"
}

func pageStream(text string) string {
	s := "BT /F1 12 Tf 20 100 Td (" + text + ") Tj ET"
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s)
}

// unsignedPDF is a one-page document with an empty signature field when
// withField is true.
func basePDF(pad int, subFilter string) ([]byte, int) {
	content := pageStream("Nghi quyet so 01")
	if pad > 0 {
		content = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", pad, bytes.Repeat([]byte("A"), pad))
	}
	objs := []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>"},
		{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [4 0 R] >>"},
		{4, "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{5, sigDict(subFilter)},
		{6, content},
	}
	return appendRevision(nil, objs, 7, 0)
}

func unsignedPDF() []byte {
	b, _ := appendRevision(nil, []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R >>"},
		{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"},
	}, 4, 0)
	return b
}

// signOpts says how to sign.
type signOpts struct {
	cert      *x509.Certificate
	key       crypto.Signer
	chain     []*x509.Certificate // extra certificates to embed
	hash      crypto.Hash
	pss       bool
	time      time.Time
	crls      [][]byte
	timestamp bool // add an RFC 3161 token signed by the fixture's TSA
	// adbeCRLs and adbeOCSPs go into a signed adbe-revocationInfoArchival
	// attribute.
	adbeCRLs, adbeOCSPs [][]byte
	// noContentType leaves the content-type attribute out.
	noContentType bool
	// pssHash is the hash an RSA-PSS signature names in its parameters
	// and signs the attributes with (0: hash); pssNoParams leaves the
	// parameters out, which means RFC 4055's defaults (SHA-1).
	pssHash     crypto.Hash
	pssNoParams bool
	// badTimestamp puts a token over other bytes before any other;
	// badTimestampLast after them.
	badTimestamp, badTimestampLast bool
}

// signPDF fills the last placeholder of pdf and returns the signed file.
func signPDF(tb testing.TB, pdf []byte, o signOpts) []byte {
	tb.Helper()
	if !bytes.Contains(pdf, []byte(brPlaceholder)) {
		tb.Fatal("no byte range placeholder")
	}
	return fillPlaceholder(tb, pdf, func(parts [][]byte) []byte { return buildCMS(tb, parts, o) })
}

// fillPlaceholder fills the last signature placeholder of pdf with the DER
// that fill returns for the signed parts.
func fillPlaceholder(tb testing.TB, pdf []byte, fill func(parts [][]byte) []byte) []byte {
	tb.Helper()
	pdf = bytes.Clone(pdf)
	br := bytes.LastIndex(pdf, []byte(brPlaceholder))
	lt := br + bytes.Index(pdf[br:], []byte("/Contents <")) + len("/Contents ")
	gt := lt + 1 + contentsHexLen
	b, c := lt, gt+1
	d := len(pdf) - c
	r := fmt.Sprintf("[0 %d %d %d]", b, c, d)
	copy(pdf[br:], r+strings.Repeat(" ", len(brPlaceholder)-len(r)))
	der := fill([][]byte{pdf[:b], pdf[c:]})
	h := hex.EncodeToString(der)
	if pdf[gt] != '>' {
		tb.Fatal("contents placeholder not found")
	}
	if len(h) > contentsHexLen {
		tb.Fatalf("cms of %d bytes does not fit the placeholder", len(der))
	}
	copy(pdf[lt+1:], h)
	return pdf
}

type tAttr struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

type tSignerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional"`
}

type tEncap struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"optional"`
}

type tSignedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	Encap            tEncap
	Certificates     asn1.RawValue `asn1:"optional"`
	CRLs             asn1.RawValue `asn1:"optional"`
	SignerInfos      []tSignerInfo `asn1:"set"`
}

type tContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue
}

func mustMarshal(tb testing.TB, v any, params string) []byte {
	tb.Helper()
	b, err := asn1.MarshalWithParams(v, params)
	if err != nil {
		tb.Fatalf("marshal %T: %v", v, err)
	}
	return b
}

// tagged wraps content in a constructed context-specific tag.
func tagged(tb testing.TB, tag int, content []byte) asn1.RawValue {
	b := mustMarshal(tb, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, IsCompound: true, Bytes: content}, "")
	return asn1.RawValue{FullBytes: b}
}

func raw(tb testing.TB, v any) asn1.RawValue {
	return asn1.RawValue{FullBytes: mustMarshal(tb, v, "")}
}

var nullParams = asn1.RawValue{Tag: asn1.TagNull}

// buildCMS returns a ContentInfo with SignedData over parts (detached), or
// encapsulating econtent of type ctype when parts is nil.
func buildCMS(tb testing.TB, parts [][]byte, o signOpts) []byte {
	return buildCMSContent(tb, parts, nil, oidData, o)
}

func buildCMSContent(tb testing.TB, parts [][]byte, econtent []byte, ctype asn1.ObjectIdentifier, o signOpts) []byte {
	tb.Helper()
	if o.hash == 0 {
		o.hash = crypto.SHA256
	}
	if o.time.IsZero() {
		o.time = testNow
	}
	digestOIDs := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA1: oidSHA1, crypto.SHA256: oidSHA256, crypto.SHA384: oidSHA384, crypto.SHA512: oidSHA512}
	digestOID := digestOIDs[o.hash]
	hw := o.hash.New()
	if econtent != nil {
		hw.Write(econtent)
	}
	for _, p := range parts {
		hw.Write(p)
	}
	attrs := []tAttr{
		{oidAttrContentType, []asn1.RawValue{raw(tb, ctype)}},
		{oidAttrSigningTime, []asn1.RawValue{raw(tb, o.time)}},
		{oidAttrMessageDigest, []asn1.RawValue{raw(tb, hw.Sum(nil))}},
	}
	if o.noContentType {
		attrs = attrs[1:]
	}
	if len(o.adbeCRLs)+len(o.adbeOCSPs) > 0 {
		var items []byte
		if len(o.adbeCRLs) > 0 {
			items = append(items, tagged(tb, 0, mustMarshal(tb, asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(o.adbeCRLs, nil)}, "")).FullBytes...)
		}
		if len(o.adbeOCSPs) > 0 {
			items = append(items, tagged(tb, 1, mustMarshal(tb, asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(o.adbeOCSPs, nil)}, "")).FullBytes...)
		}
		attrs = append(attrs, tAttr{oidAdbeRevocationInfo, []asn1.RawValue{raw(tb, asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: items})}})
	}
	set := mustMarshal(tb, attrs, "set")
	ah := o.hash.New()
	ah.Write(set)
	var sig []byte
	var err error
	var sigAlg pkix.AlgorithmIdentifier
	switch {
	case o.pss:
		ph := o.hash
		if o.pssHash != 0 {
			ph = o.pssHash
		}
		if o.pssNoParams {
			ph = crypto.SHA1
		}
		ph2 := ph.New()
		ph2.Write(set)
		sig, err = o.key.Sign(rand.Reader, ph2.Sum(nil), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: ph})
		type pssParams struct {
			Hash pkix.AlgorithmIdentifier `asn1:"explicit,tag:0"`
			MGF  pkix.AlgorithmIdentifier `asn1:"explicit,tag:1"`
			Salt int                      `asn1:"explicit,tag:2"`
		}
		mgf := pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}, Parameters: raw(tb, pkix.AlgorithmIdentifier{Algorithm: digestOIDs[ph], Parameters: nullParams})}
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidRSAPSS, Parameters: raw(tb, pssParams{pkix.AlgorithmIdentifier{Algorithm: digestOIDs[ph], Parameters: nullParams}, mgf, ph.Size()})}
		if o.pssNoParams {
			sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidRSAPSS}
		}
	default:
		sig, err = o.key.Sign(rand.Reader, ah.Sum(nil), o.hash)
		if _, ok := o.key.(*ecdsa.PrivateKey); ok {
			sigAlg = pkix.AlgorithmIdentifier{Algorithm: map[crypto.Hash]asn1.ObjectIdentifier{
				crypto.SHA1: {1, 2, 840, 10045, 4, 1}, crypto.SHA256: {1, 2, 840, 10045, 4, 3, 2},
				crypto.SHA384: {1, 2, 840, 10045, 4, 3, 3}, crypto.SHA512: {1, 2, 840, 10045, 4, 3, 4}}[o.hash]}
		} else {
			sigAlg = pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, Parameters: nullParams}
		}
	}
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	si := tSignerInfo{
		Version: 1,
		SID: raw(tb, struct {
			Issuer asn1.RawValue
			Serial *big.Int
		}{asn1.RawValue{FullBytes: o.cert.RawIssuer}, o.cert.SerialNumber}),
		DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: digestOID, Parameters: nullParams},
		SignedAttrs:        asn1.RawValue{FullBytes: append([]byte{0xA0}, set[1:]...)},
		SignatureAlgorithm: sigAlg,
		Signature:          sig,
	}
	var unsigned []tAttr
	if o.badTimestamp {
		unsigned = append(unsigned, tAttr{oidAttrTimeStampToken, []asn1.RawValue{{FullBytes: timestampToken(tb, []byte("other bytes"))}}})
	}
	if o.timestamp {
		unsigned = append(unsigned, tAttr{oidAttrTimeStampToken, []asn1.RawValue{{FullBytes: timestampToken(tb, sig)}}})
	}
	if o.badTimestampLast {
		unsigned = append(unsigned, tAttr{oidAttrTimeStampToken, []asn1.RawValue{{FullBytes: timestampToken(tb, []byte("other bytes"))}}})
	}
	if len(unsigned) > 0 {
		// In the order given, not DER's: a verifier meets them as written.
		var items []byte
		for _, a := range unsigned {
			items = append(items, mustMarshal(tb, a, "")...)
		}
		si.UnsignedAttrs = asn1.RawValue{FullBytes: mustMarshal(tb, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: items}, "")}
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{o.cert}, o.chain...) {
		certs = append(certs, c.Raw...)
	}
	sd := tSignedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: digestOID, Parameters: nullParams}},
		Encap:            tEncap{ContentType: ctype},
		Certificates:     tagged(tb, 0, certs),
		SignerInfos:      []tSignerInfo{si},
	}
	if econtent != nil {
		sd.Encap.Content = tagged(tb, 0, mustMarshal(tb, econtent, ""))
	}
	if len(o.crls) > 0 {
		sd.CRLs = tagged(tb, 1, bytes.Join(o.crls, nil))
	}
	return mustMarshal(tb, tContentInfo{oidSignedData, tagged(tb, 0, mustMarshal(tb, sd, ""))}, "")
}

// timestampToken returns an RFC 3161 token over sig, signed by the TSA.
func timestampToken(tb testing.TB, sig ...[]byte) []byte {
	f := getFixture()
	d := crypto.SHA256.New()
	for _, p := range sig {
		d.Write(p)
	}
	info := struct {
		Version        int
		Policy         asn1.ObjectIdentifier
		MessageImprint struct {
			HashAlgorithm pkix.AlgorithmIdentifier
			HashedMessage []byte
		}
		Serial  *big.Int
		GenTime time.Time `asn1:"generalized"`
	}{Version: 1, Policy: asn1.ObjectIdentifier{1, 2, 3, 4}, Serial: big.NewInt(7), GenTime: testNow.Add(-time.Minute)}
	info.MessageImprint.HashAlgorithm = pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: nullParams}
	info.MessageImprint.HashedMessage = d.Sum(nil)
	return buildCMSContent(tb, nil, mustMarshal(tb, info, ""), oidTSTInfo, signOpts{
		cert: f.tsa, key: f.rsa.signerKey, chain: []*x509.Certificate{f.rsa.inter},
	})
}

func rsaOpts() signOpts {
	f := getFixture()
	return signOpts{cert: f.rsa.signer, key: f.rsa.signerKey, chain: []*x509.Certificate{f.rsa.inter}}
}

// signedPDF returns a one-signature document.
func signedPDF(tb testing.TB, o signOpts) []byte {
	b, _ := basePDF(0, "adbe.pkcs7.detached")
	return signPDF(tb, b, o)
}

// twoSignatures returns a document signed twice: the second signature
// covers an incremental update that adds its field.
func twoSignatures(tb testing.TB) []byte {
	f := getFixture()
	b, x := basePDF(0, "adbe.pkcs7.detached")
	b = signPDF(tb, b, rsaOpts())
	b, _ = appendRevision(b, []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R] /SigFlags 3 >> >>"},
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 6 0 R /Annots [4 0 R 7 0 R] >>"},
		{7, "<< /FT /Sig /T (Signature2) /V 8 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{8, sigDict("ETSI.CAdES.detached")},
	}, 9, x)
	return signPDF(tb, b, signOpts{cert: f.ec.signer, key: f.ec.signerKey, chain: []*x509.Certificate{f.ec.inter}, hash: crypto.SHA384})
}

// appendedPDF returns a signed document with a later unsigned revision.
func appendedPDF(tb testing.TB) []byte {
	b, x := basePDF(0, "adbe.pkcs7.detached")
	b = signPDF(tb, b, rsaOpts())
	b, _ = appendRevision(b, []obj{{6, pageStream("Noi dung da bi thay doi")}}, 7, x)
	return b
}
