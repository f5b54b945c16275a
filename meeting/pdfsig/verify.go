package pdfsig

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"dinh/internal/boundedfile"
)

// Timestamp tells what is known of an RFC 3161 signature timestamp.
type Timestamp int

// Timestamp states.
const (
	NoTimestamp       Timestamp = iota
	TimestampVerified           // the token verifies and chains to the trust store
	TimestampInvalid            // a token is present but does not verify or is untrusted
)

// Signature is the verdict on one signature of a document.
type Signature struct {
	Verdict Verdict
	Detail  string // why, in English, for logs and support

	SubFilter              string
	Name, Reason, Location string // from the signature dictionary
	SignerCN, SignerOrg    string
	IssuerCN               string
	// SigningTime is the time the chain was checked at: the timestamp's
	// time when one verifies, else the signed signing-time attribute, else
	// /M (both claimed by the signer).
	SigningTime time.Time
	TimeSource  string // "timestamp", "signing-time attribute", "/M" or "" (now)
	Timestamp   Timestamp

	ByteRange [4]int64
	// CoversWholeFile is true when no byte follows the signed range (trailing
	// whitespace aside). LaterSignature is true when bytes follow but a later
	// signature covers them.
	CoversWholeFile bool
	LaterSignature  bool
	// Changes are the kinds of change made after signing, when bytes follow
	// the signed range: ChangeContent, or a change the certification level
	// forbids, makes the verdict Modified. Revisions tell them apart by
	// incremental update, in file order.
	Changes   []Change
	Revisions []Revision

	// DocTimestamp is true for a document timestamp (ETSI.RFC3161): the
	// signer is a time-stamping authority and SigningTime its time.
	DocTimestamp bool
	// Certification is the permission level P (1 to 3) of a certification
	// signature (a DocMDP transform, ISO 32000-2, 12.8.2.2), 0 for an
	// approval signature: 1 allows no change, 2 form filling and signing,
	// 3 also annotations. Document timestamps and validation data are
	// allowed at every level (PAdES, ETSI EN 319 142-1, 5.4).
	Certification int
	// Revocation says how the signer's certificate was checked.
	Revocation Revocation
}

// Report is the result of verifying a document.
type Report struct {
	Signatures []Signature
}

// Verdict returns the worst verdict of the report, Unsigned when empty.
func (r Report) Verdict() Verdict {
	v := Unsigned
	for _, s := range r.Signatures {
		v = max(v, s.Verdict)
	}
	return v
}

// IsPDF reports whether b starts as a PDF does: "%PDF-" among its first
// 1024 bytes, where PDF readers look for the header. Verify reports no
// signature in anything else; a caller that must tell "not a PDF" from
// "unsigned" asks first.
func IsPDF(b []byte) bool { return bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) }

// Verify checks every signature of pdf against the trust store t (nil
// trusts nothing: no system roots are ever used). It fails only when pdf is
// over MaxFileSize; every other problem is a verdict.
func Verify(pdf []byte, t *Trust) (Report, error) {
	fields, err := Parse(pdf)
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	v := verifier{pdf: pdf, trust: t}
	if t != nil {
		v.rev.crls = t.crls
	}
	if len(fields) > 0 && bytes.Contains(pdf, []byte("/DSS")) {
		certs, rev := dssData(v.objects())
		v.extra, v.rev = certs, v.rev.with(rev)
	}
	var r Report
	for i, f := range fields {
		s := v.field(f)
		s.Certification = v.docMDP(f)
		if f.Problem == nil && s.Verdict != Invalid {
			v.classifyTail(fields, i, &s)
		}
		r.Signatures = append(r.Signatures, s)
	}
	return r, nil
}

// verifier holds what the signatures of one document share.
type verifier struct {
	pdf   []byte
	trust *Trust
	extra []*x509.Certificate // certificates from the document security store
	rev   revocationInfo      // from the trust store and the security store
	objs  *objectFile         // read on first use
}

func (v *verifier) objects() *objectFile {
	if v.objs == nil {
		v.objs = scanObjects(v.pdf)
	}
	return v.objs
}

func (v *verifier) field(f Field) Signature {
	s := Signature{
		SubFilter: f.SubFilter, Name: f.Name, Reason: f.Reason, Location: f.Location,
		ByteRange: f.ByteRange,
	}
	invalid := func(err error) Signature {
		s.Verdict, s.Detail = Invalid, err.Error()
		return s
	}
	if f.Problem != nil {
		return invalid(f.Problem)
	}
	pdf := v.pdf
	parts := [][]byte{pdf[f.ByteRange[0] : f.ByteRange[0]+f.ByteRange[1]], pdf[f.ByteRange[2]:f.End()]}
	var sig *signed
	var err error
	usage := x509.ExtKeyUsageAny
	switch f.SubFilter {
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached":
		sig, err = verifyCMS(f.Contents, parts, oidData)
	case "adbe.pkcs7.sha1":
		// The CMS encapsulates the SHA-1 digest of the signed bytes.
		sig, err = verifyCMS(f.Contents, nil, oidData)
		if err == nil {
			h, _ := hashFor(oidSHA1)
			hw := h.New()
			for _, p := range parts {
				hw.Write(p)
			}
			if !bytes.Equal(sig.content, hw.Sum(nil)) {
				err = errors.New("encapsulated sha-1 digest does not match the signed bytes")
			}
		}
	case "ETSI.RFC3161":
		// A document timestamp: an RFC 3161 token over the signed bytes.
		s.DocTimestamp = true
		usage = x509.ExtKeyUsageTimeStamping
		var at time.Time
		sig, at, err = verifyToken(f.Contents, parts)
		if err == nil {
			s.SigningTime, s.TimeSource, s.Timestamp = at, "timestamp", TimestampVerified
		}
	default:
		err = fmt.Errorf("unsupported sub-filter %q", f.SubFilter)
	}
	if err != nil {
		return invalid(err)
	}
	s.SignerCN = sig.signer.Subject.CommonName
	if len(sig.signer.Subject.Organization) > 0 {
		s.SignerOrg = sig.signer.Subject.Organization[0]
	}
	s.IssuerCN = sig.signer.Issuer.CommonName

	if !s.DocTimestamp {
		switch {
		case !sig.signingTime.IsZero():
			s.SigningTime, s.TimeSource = sig.signingTime, "signing-time attribute"
		case !f.SigningTime.IsZero():
			s.SigningTime, s.TimeSource = f.SigningTime, "/M"
		}
		claimed, source := s.SigningTime, s.TimeSource
		for _, a := range sig.unsigned {
			if a.typ.Equal(oidAttrTimeStampToken) {
				t, err := v.timestamp(a.value, sig.signature)
				if err != nil {
					// One bad token makes the timestamp invalid, wherever
					// it is: the time is the signer's claim again.
					s.Timestamp, s.SigningTime, s.TimeSource = TimestampInvalid, claimed, source
					s.Detail = "timestamp ignored: " + err.Error() + "; "
					break
				}
				s.Timestamp, s.SigningTime, s.TimeSource = TimestampVerified, t, "timestamp"
			}
		}
	}
	at := s.SigningTime
	if at.IsZero() {
		at = time.Now()
	}

	chains, err := v.chain(sig, at, usage)
	if err != nil {
		var ua x509.UnknownAuthorityError
		var ci x509.CertificateInvalidError
		switch {
		case errors.As(err, &ua):
			s.Verdict = UntrustedRoot
		case errors.As(err, &ci) && ci.Reason == x509.Expired:
			s.Verdict = Expired
		default:
			s.Verdict = Invalid
		}
		s.Detail += "chain: " + err.Error()
		return s
	}
	rev, why, how := checkRevocation(chains[0], sig.rev.with(v.rev), at, s.Timestamp == TimestampVerified)
	s.Revocation = how
	if rev {
		s.Verdict = Revoked
		s.Detail += why
		return s
	}
	s.Verdict = Valid
	s.Detail += "signature and chain verify"
	return s
}

// docMDP returns the permission level of f when it is a certification
// signature, else 0.
func (v *verifier) docMDP(f Field) int {
	if f.reference == nil {
		return 0
	}
	state := v.objects().state(1 << 62)
	refs, _ := resolve(state, f.reference)
	arr, _ := refs.(array)
	for _, item := range arr {
		rv, _ := resolve(state, item)
		rd, ok := rv.(*dict)
		if !ok || rd.name("TransformMethod") != "DocMDP" {
			continue
		}
		pv, _ := resolve(state, rd.m["TransformParams"])
		p := 2 // the default level
		if pd, ok := pv.(*dict); ok {
			if n, ok := pd.m["P"].(number); ok {
				if x, err := strconv.Atoi(string(n)); err == nil && x >= 1 && x <= 3 {
					p = x
				}
			}
		}
		return p
	}
	return 0
}

// chain builds the signer's chain to the trust store at time at.
func (v *verifier) chain(sig *signed, at time.Time, usage x509.ExtKeyUsage) ([][]*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, c := range sig.certs {
		inter.AddCert(c)
	}
	for _, c := range v.extra {
		inter.AddCert(c)
	}
	return sig.signer.Verify(x509.VerifyOptions{
		Roots: v.trust.pool(), Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{usage},
	})
}

// classifyTail looks at the bytes after signature i's range.
func (v *verifier) classifyTail(fields []Field, i int, s *Signature) {
	end := fields[i].End()
	if len(bytes.TrimLeft(v.pdf[end:], "\x00\t\n\f\r ")) == 0 {
		s.CoversWholeFile = true
		return
	}
	kinds, why := classifyChanges(v.objects(), end)
	s.Changes = kinds
	s.Revisions = revisions(v.objects(), end)
	s.LaterSignature = slices.Contains(kinds, ChangeSignature)
	if slices.Contains(kinds, ChangeContent) {
		s.Verdict = max(s.Verdict, Modified)
		s.Detail += fmt.Sprintf("; %d bytes were appended after signing and change the content: %s",
			int64(len(v.pdf))-end, strings.Join(why, "; "))
		return
	}
	if p := s.Certification; p > 0 {
		var forbidden []string
		for _, k := range kinds {
			if (k == ChangeForm && p < 2) || (k == ChangeAnnotation && p < 3) {
				forbidden = append(forbidden, k.Code())
			}
		}
		if p == 1 {
			for _, later := range fields[i+1:] {
				if later.SubFilter != "ETSI.RFC3161" && later.Type != "DocTimeStamp" {
					forbidden = append(forbidden, "a further signature")
					break
				}
			}
		}
		if len(forbidden) > 0 {
			s.Verdict = max(s.Verdict, Modified)
			s.Detail += fmt.Sprintf("; the certification (P=%d) forbids these changes after signing: %s",
				p, strings.Join(forbidden, "; "))
			return
		}
	}
	if len(kinds) > 0 {
		s.Detail += fmt.Sprintf("; changed after signing, as allowed: %v", kinds)
	}
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint struct {
		HashAlgorithm pkix.AlgorithmIdentifier
		HashedMessage []byte
	}
	Serial  *big.Int
	GenTime time.Time `asn1:"generalized"`
}

var oidTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}

// verifyToken checks an RFC 3161 token over the hash of parts and returns
// its signer and time. The chain is not checked here.
func verifyToken(token []byte, parts [][]byte) (*signed, time.Time, error) {
	ts, err := verifyCMS(token, nil, oidTSTInfo)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("timestamp token: %w", err)
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(ts.content, &info); err != nil {
		return nil, time.Time{}, fmt.Errorf("decode tst info: %w", err)
	}
	h, err := hashFor(info.MessageImprint.HashAlgorithm.Algorithm)
	if err != nil {
		return nil, time.Time{}, err
	}
	hw := h.New()
	for _, p := range parts {
		hw.Write(p)
	}
	if !bytes.Equal(hw.Sum(nil), info.MessageImprint.HashedMessage) {
		return nil, time.Time{}, errors.New("timestamp imprint does not match the signed bytes")
	}
	return ts, info.GenTime, nil
}

// timestamp checks a signature timestamp token over the signature value,
// chain included, and returns its time.
func (v *verifier) timestamp(token, signature []byte) (time.Time, error) {
	ts, at, err := verifyToken(token, [][]byte{signature})
	if err != nil {
		return time.Time{}, err
	}
	if _, err := v.chain(ts, at, x509.ExtKeyUsageTimeStamping); err != nil {
		return time.Time{}, fmt.Errorf("timestamp chain: %w", err)
	}
	return at, nil
}

// VerifyFile reads and verifies the PDF at path.
func VerifyFile(path string, t *Trust) (Report, error) {
	b, err := boundedfile.Read(path, MaxFileSize)
	if errors.Is(err, boundedfile.ErrTooLarge) {
		return Report{}, fmt.Errorf("verify: %s: %w (%w)", path, errTooLarge, err)
	}
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	return Verify(b, t)
}
