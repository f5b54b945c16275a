package pdfsig

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
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

// LoadRoots reads every PEM or DER certificate in dir into a pool of trust
// anchors. Files that hold no certificate are skipped; a directory without
// any certificate is an error.
func LoadRoots(dir string) (*x509.CertPool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load roots: %w", err)
	}
	pool := x509.NewCertPool()
	n := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("load roots: %w", err)
		}
		for _, c := range parseCertFile(b) {
			pool.AddCert(c)
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("load roots: no certificate in %s", dir)
	}
	return pool, nil
}

func parseCertFile(b []byte) []*x509.Certificate {
	var out []*x509.Certificate
	if bytes.Contains(b, []byte("-----BEGIN")) {
		for {
			var blk *pem.Block
			blk, b = pem.Decode(b)
			if blk == nil {
				return out
			}
			if blk.Type != "CERTIFICATE" {
				continue
			}
			if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
				out = append(out, c)
			}
		}
	}
	if cs, err := x509.ParseCertificates(b); err == nil {
		out = append(out, cs...)
	}
	return out
}

// Verify checks every signature of pdf against the trust anchors in roots
// (nil means none: no system roots are ever used). It fails only when pdf
// is over MaxFileSize; every other problem is a verdict.
func Verify(pdf []byte, roots *x509.CertPool) (Report, error) {
	fields, err := Parse(pdf)
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	if roots == nil {
		roots = x509.NewCertPool()
	}
	var r Report
	for i, f := range fields {
		s := verifyField(pdf, f, roots)
		if f.Problem == nil && s.Verdict != Invalid {
			classifyTail(pdf, fields, i, &s)
		}
		r.Signatures = append(r.Signatures, s)
	}
	return r, nil
}

func verifyField(pdf []byte, f Field, roots *x509.CertPool) Signature {
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
	parts := [][]byte{pdf[f.ByteRange[0] : f.ByteRange[0]+f.ByteRange[1]], pdf[f.ByteRange[2]:f.End()]}
	var sig *signed
	var err error
	switch f.SubFilter {
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached":
		sig, err = verifyCMS(f.Contents, parts)
	case "adbe.pkcs7.sha1":
		// The CMS encapsulates the SHA-1 digest of the signed bytes.
		sig, err = verifyCMS(f.Contents, nil)
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

	switch {
	case !sig.signingTime.IsZero():
		s.SigningTime, s.TimeSource = sig.signingTime, "signing-time attribute"
	case !f.SigningTime.IsZero():
		s.SigningTime, s.TimeSource = f.SigningTime, "/M"
	}
	for _, a := range sig.unsigned {
		if a.Type.Equal(oidAttrTimeStampToken) {
			t, err := verifyTimestamp(a.Values.Bytes, sig.signature, roots)
			if err != nil {
				s.Timestamp = TimestampInvalid
				s.Detail = "timestamp ignored: " + err.Error() + "; "
				break
			}
			s.Timestamp, s.SigningTime, s.TimeSource = TimestampVerified, t, "timestamp"
		}
	}
	at := s.SigningTime
	if at.IsZero() {
		at = time.Now()
	}

	inter := x509.NewCertPool()
	for _, c := range sig.certs {
		inter.AddCert(c)
	}
	chains, err := sig.signer.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
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
	if rev, why := revoked(chains, sig.crls, at, s.Timestamp == TimestampVerified); rev {
		s.Verdict = Revoked
		s.Detail += why
		return s
	}
	s.Verdict = Valid
	s.Detail += "signature and chain verify"
	return s
}

// revoked checks each certificate of the chains below the root against the
// CRLs issued by its parent. Without a verified timestamp the signing time
// is only claimed by the signer, so any revocation counts; with one, only a
// revocation at or before the timestamp does.
func revoked(chains [][]*x509.Certificate, crls []*x509.RevocationList, at time.Time, trustedTime bool) (bool, string) {
	if len(crls) == 0 || len(chains) == 0 {
		return false, ""
	}
	chain := chains[0]
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		for _, crl := range crls {
			if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(cert.SerialNumber) != 0 {
					continue
				}
				if trustedTime && e.RevocationTime.After(at) {
					continue
				}
				return true, fmt.Sprintf("certificate %q revoked on %s by an embedded crl", cert.Subject.CommonName, e.RevocationTime.UTC().Format(time.RFC3339))
			}
		}
	}
	return false, ""
}

// classifyTail looks at the bytes after signature i's range.
func classifyTail(pdf []byte, fields []Field, i int, s *Signature) {
	end := fields[i].End()
	if len(bytes.TrimLeft(pdf[end:], "\x00\t\n\f\r ")) == 0 {
		s.CoversWholeFile = true
		return
	}
	for j, g := range fields {
		if j != i && g.Problem == nil && g.End() > end {
			s.LaterSignature = true
			s.Detail += "; later revisions are covered by a later signature"
			return
		}
	}
	// A finer classification (annotations and form filling versus content
	// changes) needs the object model; it is a later slice.
	s.Verdict = max(s.Verdict, Modified)
	s.Detail += fmt.Sprintf("; %d bytes were appended after signing", int64(len(pdf))-end)
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

// verifyTimestamp checks an RFC 3161 token over the signature value and
// returns its time.
func verifyTimestamp(token, signature []byte, roots *x509.CertPool) (time.Time, error) {
	ts, err := verifyCMS(token, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp token: %w", err)
	}
	sd, _ := parseCMS(token)
	if !sd.EncapContentInfo.ContentType.Equal(oidTSTInfo) {
		return time.Time{}, errors.New("timestamp token does not hold tst info")
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(ts.content, &info); err != nil {
		return time.Time{}, fmt.Errorf("decode tst info: %w", err)
	}
	h, err := hashFor(info.MessageImprint.HashAlgorithm.Algorithm)
	if err != nil {
		return time.Time{}, err
	}
	hw := h.New()
	hw.Write(signature)
	if !bytes.Equal(hw.Sum(nil), info.MessageImprint.HashedMessage) {
		return time.Time{}, errors.New("timestamp imprint does not match the signature")
	}
	inter := x509.NewCertPool()
	for _, c := range ts.certs {
		inter.AddCert(c)
	}
	if _, err := ts.signer.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: info.GenTime,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}); err != nil {
		return time.Time{}, fmt.Errorf("timestamp chain: %w", err)
	}
	return info.GenTime, nil
}
