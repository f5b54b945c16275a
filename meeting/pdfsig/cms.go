package pdfsig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // digests named by CMS
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/smallstep/pkcs7"
)

var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidAdbeRevocationInfo = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	oidRSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
)

func hashFor(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(oidSHA1):
		return crypto.SHA1, nil
	case oid.Equal(oidSHA256):
		return crypto.SHA256, nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("unsupported digest algorithm %v", oid)
}

// signed is the result of checking one CMS SignedData.
type signed struct {
	signer      *x509.Certificate
	certs       []*x509.Certificate // every certificate the CMS carries
	rev         revocationInfo      // CRLs carried in the CMS and its signed attributes
	signingTime time.Time           // signed signing-time attribute, zero when absent
	content     []byte              // encapsulated content, nil when detached
	signature   []byte              // the signer's signature value
	unsigned    []unsignedAttr
}

// unsignedAttr is one unsigned attribute of the signer: its type and the
// DER of its first value.
type unsignedAttr struct {
	typ   asn1.ObjectIdentifier
	value []byte
}

// parseCMS decodes a ContentInfo holding SignedData, in BER or DER, with
// github.com/smallstep/pkcs7: NSS, BouncyCastle and node-forge write BER
// (indefinite lengths, constructed OCTET STRINGs). Bytes after the first
// value (the zero padding of /Contents) are ignored.
func parseCMS(b []byte) (*pkcs7.PKCS7, error) {
	if n := berDepth(b); n > maxBERDepth {
		return nil, fmt.Errorf("decode cms: nested %d levels deep, over %d", n, maxBERDepth)
	}
	p7, err := pkcs7.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("decode cms: %w", err)
	}
	if len(p7.Signers) != 1 {
		// The library keeps what it decoded before an error in SignedData,
		// so a damaged structure shows as missing signers.
		return nil, fmt.Errorf("decode cms: signed data has %d readable signer infos, want 1", len(p7.Signers))
	}
	return p7, nil
}

// maxBERDepth bounds the nesting of a CMS structure. Real signatures nest
// about a dozen levels; the decoder recurses once per level.
const maxBERDepth = 64

// berDepth returns how deep the constructed values of b nest, stopping past
// maxBERDepth. The CMS decoder recurses once per level without a bound, and
// a hostile /Contents of "0x30 0x80" pairs would overflow the stack (a fatal
// error, not a panic): this walk reads only identifier and length octets,
// in one pass without recursion, to refuse such nesting first. Malformed
// encodings end the walk; the decoder then reports them.
func berDepth(b []byte) int {
	var ends []int // end offset of each open value, -1 when indefinite
	deepest := 0
	for i := 0; i < len(b) && deepest <= maxBERDepth; {
		for len(ends) > 0 && ends[len(ends)-1] >= 0 && i >= ends[len(ends)-1] {
			ends = ends[:len(ends)-1]
		}
		if i+1 < len(b) && b[i] == 0 && b[i+1] == 0 && len(ends) > 0 && ends[len(ends)-1] < 0 {
			ends = ends[:len(ends)-1] // end-of-contents of an indefinite value
			i += 2
			continue
		}
		constructed := b[i]&0x20 != 0
		if b[i]&0x1f == 0x1f { // high tag number: continuation octets
			for i++; i < len(b) && b[i]&0x80 != 0; i++ {
			}
		}
		i++
		if i >= len(b) {
			break
		}
		l := int(b[i])
		i++
		n := 0
		switch {
		case l == 0x80:
			n = -1
		case l > 0x80:
			k := l & 0x7f
			if k > 4 || i+k > len(b) {
				return deepest
			}
			for ; k > 0; k-- {
				n = n<<8 | int(b[i])
				i++
			}
		default:
			n = l
		}
		if !constructed {
			if n < 0 {
				return deepest
			}
			i += n
			continue
		}
		if n < 0 {
			ends = append(ends, -1)
		} else {
			ends = append(ends, i+n)
		}
		deepest = max(deepest, len(ends))
	}
	return deepest
}

// verifyCMS checks the SignedData der against the detached content, given
// as the parts to hash in order. When the CMS encapsulates its content,
// parts must be nil and the encapsulated bytes are hashed instead. ctype is
// the content type that the signed attributes must name.
func verifyCMS(der []byte, parts [][]byte, ctype asn1.ObjectIdentifier) (*signed, error) {
	p7, err := parseCMS(der)
	if err != nil {
		return nil, err
	}
	si := p7.Signers[0]
	out := &signed{certs: p7.Certificates, signature: si.EncryptedDigest}
	for _, l := range p7.CRLs {
		if b, err := asn1.Marshal(l); err == nil {
			if crl, err := x509.ParseRevocationList(b); err == nil {
				out.rev.crls = append(out.rev.crls, crl)
			}
		}
	}
	if len(p7.Content) > 0 {
		out.content = p7.Content
		if parts == nil {
			parts = [][]byte{p7.Content}
		}
	}
	if parts == nil {
		return nil, errors.New("no content to verify")
	}
	out.signer = p7.GetOnlySigner()
	if out.signer == nil {
		return nil, errors.New("signer certificate is not embedded")
	}
	h, err := hashFor(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return nil, err
	}
	hw := h.New()
	for _, p := range parts {
		hw.Write(p)
	}
	contentDigest := hw.Sum(nil)

	var signedBytes []byte
	if len(si.AuthenticatedAttributes) == 0 {
		// No signed attributes: the signature covers the content itself.
		signedBytes = bytes.Join(parts, nil)
	} else {
		// The signature covers the attributes encoded as a DER SET.
		signedBytes, err = asn1.MarshalWithParams(si.AuthenticatedAttributes, "set")
		if err != nil {
			return nil, fmt.Errorf("encode signed attributes: %w", err)
		}
		var digestSeen, typeSeen bool
		for _, a := range si.AuthenticatedAttributes {
			switch {
			case a.Type.Equal(oidAttrMessageDigest):
				var md []byte
				if _, err := asn1.Unmarshal(a.Value.Bytes, &md); err != nil {
					return nil, fmt.Errorf("decode message digest: %w", err)
				}
				if !bytes.Equal(md, contentDigest) {
					return nil, errors.New("message digest does not match the signed bytes")
				}
				digestSeen = true
			case a.Type.Equal(oidAttrContentType):
				var ct asn1.ObjectIdentifier
				if _, err := asn1.Unmarshal(a.Value.Bytes, &ct); err != nil {
					return nil, fmt.Errorf("decode content type: %w", err)
				}
				if !ct.Equal(ctype) {
					return nil, fmt.Errorf("content type attribute %v is not %v", ct, ctype)
				}
				typeSeen = true
			case a.Type.Equal(oidAttrSigningTime):
				var t time.Time
				if _, err := asn1.Unmarshal(a.Value.Bytes, &t); err == nil {
					out.signingTime = t
				}
			case a.Type.Equal(oidAdbeRevocationInfo):
				out.rev = out.rev.with(adbeRevocation(a.Value.Bytes))
			}
		}
		if !digestSeen || !typeSeen {
			return nil, errors.New("signed attributes lack message digest or content type")
		}
	}
	if err := checkSignature(out.signer, si.DigestEncryptionAlgorithm, h, signedBytes, si.EncryptedDigest); err != nil {
		return nil, err
	}
	for _, a := range si.UnauthenticatedAttributes {
		out.unsigned = append(out.unsigned, unsignedAttr{a.Type, a.Value.Bytes})
	}
	return out, nil
}

// checkSignature verifies sig over data with the public key of cert. SHA-1
// is accepted here, unlike x509.Certificate.CheckSignature, because old
// signed documents use it; the chain check still refuses SHA-1 certificates.
func checkSignature(cert *x509.Certificate, alg pkix.AlgorithmIdentifier, h crypto.Hash, data, sig []byte) error {
	hw := h.New()
	hw.Write(data)
	d := hw.Sum(nil)
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if alg.Algorithm.Equal(oidRSAPSS) {
			ph, err := pssHash(alg.Parameters.FullBytes)
			if err != nil {
				return err
			}
			if ph != h {
				hw := ph.New()
				hw.Write(data)
				d, h = hw.Sum(nil), ph
			}
			if err := rsa.VerifyPSS(pub, h, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
				return fmt.Errorf("rsa-pss signature does not verify: %w", err)
			}
			return nil
		}
		if err := rsa.VerifyPKCS1v15(pub, h, d, sig); err != nil {
			return fmt.Errorf("rsa signature does not verify: %w", err)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, d, sig) {
			return errors.New("ecdsa signature does not verify")
		}
	default:
		return fmt.Errorf("unsupported public key type %T", pub)
	}
	return nil
}

func pssHash(params []byte) (crypto.Hash, error) {
	var p struct {
		Hash pkix.AlgorithmIdentifier `asn1:"optional,explicit,tag:0"`
	}
	if len(params) > 0 {
		if _, err := asn1.Unmarshal(params, &p); err != nil {
			return 0, fmt.Errorf("decode rsa-pss parameters: %w", err)
		}
	}
	if len(p.Hash.Algorithm) == 0 {
		return crypto.SHA1, nil
	}
	return hashFor(p.Hash.Algorithm)
}

// parseCRLs decodes concatenated CertificateList DER, skipping what it
// cannot read.
func parseCRLs(b []byte) []*x509.RevocationList {
	var out []*x509.RevocationList
	for len(b) > 0 && len(out) < 64 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			break
		}
		if crl, err := x509.ParseRevocationList(rv.FullBytes); err == nil {
			out = append(out, crl)
		}
		b = rest
	}
	return out
}
