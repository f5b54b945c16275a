package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Signer signs PDFs: an approval signature in a new invisible field,
// appended as an incremental update (adbe.pkcs7.detached, SHA-256).
type Signer struct {
	Key   crypto.Signer // RSA or ECDSA
	Cert  *x509.Certificate
	Chain []*x509.Certificate // intermediates to embed
	// Reason, Location and Name go into the signature dictionary.
	Reason, Location, Name string
	Time                   time.Time // zero means now
}

const signHexLen = 16384 // room for the CMS, in hex digits

// Sign returns pdf with one more signature. Earlier signatures stay valid:
// the update only adds a signature field.
func (s Signer) Sign(pdf []byte) ([]byte, error) {
	if s.Key == nil || s.Cert == nil {
		return nil, errors.New("sign: no key or certificate")
	}
	if s.Time.IsZero() {
		s.Time = time.Now()
	}
	of := scanObjects(pdf)
	state := of.state(1 << 62)
	root, ok := of.root(1 << 62)
	if !ok {
		return nil, errors.New("sign: no document catalog")
	}
	cv, _ := resolve(state, root)
	cat, ok := cv.(*dict)
	if !ok {
		return nil, errors.New("sign: document catalog is not a dictionary")
	}
	pageRef, page, err := firstPage(state, cat)
	if err != nil {
		return nil, err
	}
	next := int64(0)
	for _, o := range of.objs {
		next = max(next, o.num+1)
	}
	prev, err := lastStartXref(pdf)
	if err != nil {
		return nil, err
	}
	widget, sig := next, next+1

	type object struct {
		num  int64
		body string
	}
	var objs []object
	form := &dict{m: map[string]any{"Fields": array{}, "SigFlags": number("3")}}
	if av, _ := resolve(state, cat.m["AcroForm"]); av != nil {
		if d, ok := av.(*dict); ok {
			form = copyDict(d)
			form.m["SigFlags"] = number("3")
		}
	}
	fields, _ := resolve(state, form.m["Fields"])
	fa, _ := fields.(array)
	form.m["Fields"] = append(append(array{}, fa...), ref{widget, 0})
	if r, ok := cat.m["AcroForm"].(ref); ok {
		objs = append(objs, object{r.num, serialize(form)}) // the form is its own object
	} else {
		newCat := copyDict(cat)
		newCat.m["AcroForm"] = form
		objs = append(objs, object{root.num, serialize(newCat)})
	}

	newPage := copyDict(page)
	annots, _ := resolve(state, page.m["Annots"])
	aa, _ := annots.(array)
	newPage.m["Annots"] = append(append(array{}, aa...), ref{widget, 0})

	field := fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /F 132 /T %s /V %d 0 R /P %d 0 R >>",
		pdfText(fmt.Sprintf("Signature%d", sig)), sig, pageRef.num)
	sigDict := "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 0000000000 0000000000 0000000000] " +
		"/Contents <" + strings.Repeat("0", signHexLen) + "> /M " + pdfText(pdfDate(s.Time))
	if s.Reason != "" {
		sigDict += " /Reason " + pdfText(s.Reason)
	}
	if s.Location != "" {
		sigDict += " /Location " + pdfText(s.Location)
	}
	if s.Name != "" {
		sigDict += " /Name " + pdfText(s.Name)
	}
	sigDict += " >>"

	var b bytes.Buffer
	b.Write(pdf)
	if len(pdf) > 0 && pdf[len(pdf)-1] != '\n' {
		b.WriteByte('\n')
	}
	objs = append(objs, object{pageRef.num, serialize(newPage)}, object{widget, field}, object{sig, sigDict})
	offs := map[int64]int{}
	for _, o := range objs {
		offs[o.num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", o.num, o.body)
	}
	xref := b.Len()
	b.WriteString("xref\n")
	nums := make([]int64, 0, len(offs))
	for n := range offs {
		nums = append(nums, n)
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	for _, n := range nums {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offs[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", sig+1, root.num, prev, xref)
	out := b.Bytes()

	// Fill the byte range, then the signature.
	at := offs[sig]
	br := at + bytes.Index(out[at:], []byte("/ByteRange [")) + len("/ByteRange ")
	lt := at + bytes.Index(out[at:], []byte("/Contents <")) + len("/Contents ")
	gt := lt + 1 + signHexLen
	r := fmt.Sprintf("[0 %d %d %d]", lt, gt+1, len(out)-gt-1)
	const width = len("[0 0000000000 0000000000 0000000000]")
	copy(out[br:], r+strings.Repeat(" ", width-len(r)))
	der, err := s.cms([][]byte{out[:lt], out[gt+1:]})
	if err != nil {
		return nil, err
	}
	h := hex.EncodeToString(der)
	if len(h) > signHexLen {
		return nil, fmt.Errorf("sign: signature of %d bytes does not fit", len(der))
	}
	copy(out[lt+1:], h)
	return out, nil
}

func firstPage(state map[int64]pdfObject, cat *dict) (ref, *dict, error) {
	node := cat.m["Pages"]
	for range 16 {
		r, ok := node.(ref)
		if !ok {
			break
		}
		v, _ := resolve(state, r)
		d, ok := v.(*dict)
		if !ok {
			break
		}
		if d.name("Type") == "Page" {
			return r, d, nil
		}
		kids, _ := resolve(state, d.m["Kids"])
		ka, _ := kids.(array)
		if len(ka) == 0 {
			break
		}
		node = ka[0]
	}
	return ref{}, nil, errors.New("sign: the document has no page")
}

func lastStartXref(pdf []byte) (int64, error) {
	i := bytes.LastIndex(pdf, []byte("startxref"))
	if i < 0 {
		return 0, errors.New("sign: no startxref")
	}
	l := &lexer{b: pdf, pos: i + len("startxref")}
	l.skip()
	n, err := strconv.ParseInt(l.regular(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("sign: bad startxref: %w", err)
	}
	return n, nil
}

func copyDict(d *dict) *dict {
	c := &dict{m: make(map[string]any, len(d.m)+1)}
	for k, v := range d.m {
		c.m[k] = v
	}
	return c
}

// serialize writes a parsed value back as PDF syntax, keys sorted.
func serialize(v any) string {
	switch x := v.(type) {
	case *dict:
		keys := make([]string, 0, len(x.m))
		for k := range x.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("<<")
		for _, k := range keys {
			b.WriteString(" " + serialize(name(k)) + " " + serialize(x.m[k]))
		}
		b.WriteString(" >>")
		return b.String()
	case array:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = serialize(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case name:
		var b strings.Builder
		b.WriteByte('/')
		for _, c := range []byte(x) {
			if isRegular(c) && c != '#' && c > 32 && c < 127 {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "#%02X", c)
			}
		}
		return b.String()
	case number:
		return string(x)
	case ref:
		return fmt.Sprintf("%d %d R", x.num, x.gen)
	case litString:
		return "<" + hex.EncodeToString(x) + ">"
	case hexString:
		return "<" + hex.EncodeToString(x.data) + ">"
	case keyword:
		return string(x)
	}
	return "null"
}

// pdfText encodes a text string: ASCII as is, anything else as UTF-16BE.
func pdfText(s string) string {
	ascii := true
	for _, r := range s {
		if r > 126 || r < 32 {
			ascii = false
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
		return "(" + r.Replace(s) + ")"
	}
	u := utf16.Encode([]rune(s))
	b := []byte{0xFE, 0xFF}
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// cms builds a detached CMS SignedData over parts.
func (s Signer) cms(parts [][]byte) ([]byte, error) {
	type attr struct {
		Type   asn1.ObjectIdentifier
		Values []asn1.RawValue `asn1:"set"`
	}
	marshal := func(v any) asn1.RawValue {
		b, err := asn1.Marshal(v)
		if err != nil {
			panic(err) // only fixed, well-formed values are marshalled here
		}
		return asn1.RawValue{FullBytes: b}
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	attrs := []attr{
		{oidAttrContentType, []asn1.RawValue{marshal(oidData)}},
		{oidAttrSigningTime, []asn1.RawValue{marshal(s.Time.UTC())}},
		{oidAttrMessageDigest, []asn1.RawValue{marshal(h.Sum(nil))}},
	}
	set, err := asn1.MarshalWithParams(attrs, "set")
	if err != nil {
		return nil, fmt.Errorf("sign: encode attributes: %w", err)
	}
	digest := sha256.Sum256(set)
	sig, err := s.Key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sha256ID := pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}
	sigAlg := pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, Parameters: asn1.NullRawValue}
	if _, ok := s.Key.(*ecdsa.PrivateKey); ok {
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}}
	}
	type signerInfo struct {
		Version            int
		SID                asn1.RawValue
		DigestAlgorithm    pkix.AlgorithmIdentifier
		SignedAttrs        asn1.RawValue
		SignatureAlgorithm pkix.AlgorithmIdentifier
		Signature          []byte
	}
	type encap struct {
		ContentType asn1.ObjectIdentifier
	}
	type signedDataOut struct {
		Version          int
		DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
		Encap            encap
		Certificates     asn1.RawValue
		SignerInfos      []signerInfo `asn1:"set"`
	}
	var certs []byte
	for _, c := range append([]*x509.Certificate{s.Cert}, s.Chain...) {
		certs = append(certs, c.Raw...)
	}
	sid := marshal(struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}{asn1.RawValue{FullBytes: s.Cert.RawIssuer}, s.Cert.SerialNumber})
	sd := signedDataOut{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{sha256ID},
		Encap:            encap{oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certs},
		SignerInfos: []signerInfo{{
			Version: 1, SID: sid, DigestAlgorithm: sha256ID,
			SignedAttrs:        asn1.RawValue{FullBytes: append([]byte{0xA0}, set[1:]...)},
			SignatureAlgorithm: sigAlg, Signature: sig,
		}},
	}
	sdb, err := asn1.Marshal(sd)
	if err != nil {
		return nil, fmt.Errorf("sign: encode signed data: %w", err)
	}
	return asn1.Marshal(struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue
	}{oidSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sdb}})
}
