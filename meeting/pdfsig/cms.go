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
	"math/big"
	"time"
)

var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidAdbeRevocationInfo = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
	oidRIOCSPResponse     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 16, 2}

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

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo contentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// signed is the result of checking one CMS SignedData.
type signed struct {
	signer      *x509.Certificate
	certs       []*x509.Certificate // every certificate the CMS carries
	rev         revocationInfo      // CRLs and OCSP responses carried in the CMS
	signingTime time.Time           // signed signing-time attribute, zero when absent
	content     []byte              // encapsulated content, nil when detached
	signature   []byte              // the signer's signature value
	unsigned    []attribute
}

// parseCMS decodes a ContentInfo holding SignedData. Trailing bytes (the
// zero padding of /Contents) are ignored.
func parseCMS(der []byte) (*signedData, error) {
	var ci contentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("decode content info: %w", err)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("content type %v is not signed data", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("decode signed data: %w", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("signed data has %d signer infos, want 1", len(sd.SignerInfos))
	}
	return &sd, nil
}

// verifyCMS checks the SignedData der against the detached content, given
// as the parts to hash in order. When the CMS encapsulates its content,
// parts must be nil and the encapsulated bytes are hashed instead.
func verifyCMS(der []byte, parts [][]byte) (*signed, error) {
	sd, err := parseCMS(der)
	if err != nil {
		return nil, err
	}
	out := &signed{}
	if len(sd.Certificates.Bytes) > 0 {
		out.certs, err = x509.ParseCertificates(sd.Certificates.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse embedded certificates: %w", err)
		}
	}
	out.rev = cmsRevocation(sd.CRLs.Bytes)
	if len(sd.EncapContentInfo.Content.Bytes) > 0 {
		var octets []byte
		if _, err := asn1.Unmarshal(sd.EncapContentInfo.Content.Bytes, &octets); err != nil {
			return nil, fmt.Errorf("decode encapsulated content: %w", err)
		}
		out.content = octets
		if parts == nil {
			parts = [][]byte{octets}
		}
	}
	if parts == nil {
		return nil, errors.New("no content to verify")
	}

	si := sd.SignerInfos[0]
	out.signature = si.Signature
	out.signer, err = findSigner(si.SID, out.certs)
	if err != nil {
		return nil, err
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

	signedBytes := []byte(nil)
	if len(si.SignedAttrs.FullBytes) == 0 {
		// No signed attributes: the signature covers the content itself.
		if len(parts) != 1 {
			signedBytes = bytes.Join(parts, nil)
		} else {
			signedBytes = parts[0]
		}
	} else {
		// The signature covers the attributes encoded as a SET.
		signedBytes = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
		var attrs []attribute
		if _, err := asn1.UnmarshalWithParams(signedBytes, &attrs, "set"); err != nil {
			return nil, fmt.Errorf("decode signed attributes: %w", err)
		}
		var digestSeen, typeSeen bool
		for _, a := range attrs {
			switch {
			case a.Type.Equal(oidAttrMessageDigest):
				var md []byte
				if _, err := asn1.Unmarshal(a.Values.Bytes, &md); err != nil {
					return nil, fmt.Errorf("decode message digest: %w", err)
				}
				if !bytes.Equal(md, contentDigest) {
					return nil, errors.New("message digest does not match the signed bytes")
				}
				digestSeen = true
			case a.Type.Equal(oidAttrContentType):
				var ct asn1.ObjectIdentifier
				if _, err := asn1.Unmarshal(a.Values.Bytes, &ct); err != nil {
					return nil, fmt.Errorf("decode content type: %w", err)
				}
				if !ct.Equal(sd.EncapContentInfo.ContentType) {
					return nil, fmt.Errorf("content type attribute %v differs from %v", ct, sd.EncapContentInfo.ContentType)
				}
				typeSeen = true
			case a.Type.Equal(oidAttrSigningTime):
				var t time.Time
				if _, err := asn1.Unmarshal(a.Values.Bytes, &t); err == nil {
					out.signingTime = t
				}
			case a.Type.Equal(oidAdbeRevocationInfo):
				out.rev = out.rev.with(adbeRevocation(a.Values.Bytes))
			}
		}
		if !digestSeen || !typeSeen {
			return nil, errors.New("signed attributes lack message digest or content type")
		}
	}
	if err := checkSignature(out.signer, si.SignatureAlgorithm, h, signedBytes, si.Signature); err != nil {
		return nil, err
	}
	if len(si.UnsignedAttrs.Bytes) > 0 {
		set := append([]byte{0x31}, si.UnsignedAttrs.FullBytes[1:]...)
		if _, err := asn1.UnmarshalWithParams(set, &out.unsigned, "set"); err != nil {
			out.unsigned = nil
		}
	}
	return out, nil
}

func findSigner(sid asn1.RawValue, certs []*x509.Certificate) (*x509.Certificate, error) {
	switch {
	case sid.Class == asn1.ClassUniversal && sid.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil {
			return nil, fmt.Errorf("decode signer identifier: %w", err)
		}
		for _, c := range certs {
			if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
				return c, nil
			}
		}
	case sid.Class == asn1.ClassContextSpecific && sid.Tag == 0:
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c, nil
			}
		}
	default:
		return nil, errors.New("unknown signer identifier form")
	}
	return nil, errors.New("signer certificate is not embedded")
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

// cmsRevocation reads the crls field of SignedData: CertificateLists, and
// OCSP responses as other revocation info (RFC 5940).
func cmsRevocation(b []byte) revocationInfo {
	var ri revocationInfo
	for _, der := range splitDER(b) {
		var rv asn1.RawValue
		if _, err := asn1.Unmarshal(der, &rv); err != nil {
			continue
		}
		if rv.Class == asn1.ClassContextSpecific && rv.Tag == 1 {
			var other struct {
				Format asn1.ObjectIdentifier
				Info   asn1.RawValue
			}
			if _, err := asn1.Unmarshal(append([]byte{0x30}, rv.FullBytes[1:]...), &other); err == nil && other.Format.Equal(oidRIOCSPResponse) {
				ri.ocsps = append(ri.ocsps, other.Info.FullBytes)
			}
			continue
		}
		if crl, err := x509.ParseRevocationList(der); err == nil {
			ri.crls = append(ri.crls, crl)
		}
	}
	return ri
}
