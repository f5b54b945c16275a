package pdfsig

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Revocation says how the signer's certificate was checked for revocation.
type Revocation int

// Revocation checks.
const (
	RevocationUnknown Revocation = iota // no CRL or OCSP response covers it
	RevocationCRL                       // a CRL from its issuer covers it
	RevocationOCSP                      // an OCSP response for it was found
)

// Code is the revocation check's stable name: unknown, crl or ocsp.
func (r Revocation) Code() string {
	switch r {
	case RevocationCRL:
		return "crl"
	case RevocationOCSP:
		return "ocsp"
	}
	return "unknown"
}

// revocationInfo is the revocation data available to one signature: what
// the CMS carries, the document security store, and the trust store.
type revocationInfo struct {
	crls  []*x509.RevocationList
	ocsps [][]byte
}

func (r revocationInfo) with(o revocationInfo) revocationInfo {
	return revocationInfo{
		crls:  append(append([]*x509.RevocationList(nil), r.crls...), o.crls...),
		ocsps: append(append([][]byte(nil), r.ocsps...), o.ocsps...),
	}
}

// checkRevocation checks each certificate of chain below the root. Without
// a verified timestamp the signing time is only claimed by the signer, so
// any revocation counts; with one, only a revocation at or before it does.
// It reports how the signer itself was checked.
func checkRevocation(chain []*x509.Certificate, ri revocationInfo, at time.Time, trustedTime bool) (revoked bool, why string, how Revocation) {
	counts := func(t time.Time) bool { return !trustedTime || !t.After(at) }
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		for _, crl := range ri.crls {
			if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			if i == 0 && how == RevocationUnknown {
				how = RevocationCRL
			}
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(cert.SerialNumber) == 0 && counts(e.RevocationTime) {
					return true, fmt.Sprintf("certificate %q revoked on %s (crl)", cert.Subject.CommonName, e.RevocationTime.UTC().Format(time.RFC3339)), how
				}
			}
		}
		for _, der := range ri.ocsps {
			resp, err := ocsp.ParseResponseForCert(der, cert, issuer)
			if err != nil {
				continue
			}
			if i == 0 {
				how = RevocationOCSP
			}
			if resp.Status == ocsp.Revoked && counts(resp.RevokedAt) {
				return true, fmt.Sprintf("certificate %q revoked on %s (ocsp)", cert.Subject.CommonName, resp.RevokedAt.UTC().Format(time.RFC3339)), how
			}
		}
	}
	return false, "", how
}

// adbeRevocation reads an adbe-revocationInfoArchival attribute value:
// SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CertificateList OPTIONAL,
// ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, ... }.
func adbeRevocation(value []byte) revocationInfo {
	var ri revocationInfo
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(value, &seq); err != nil {
		return ri
	}
	for b := seq.Bytes; len(b) > 0; {
		var item asn1.RawValue
		rest, err := asn1.Unmarshal(b, &item)
		if err != nil {
			return ri
		}
		b = rest
		if item.Class != asn1.ClassContextSpecific {
			continue
		}
		var list asn1.RawValue
		if _, err := asn1.Unmarshal(item.Bytes, &list); err != nil {
			continue
		}
		switch item.Tag {
		case 0:
			ri.crls = append(ri.crls, parseCRLs(list.Bytes)...)
		case 1:
			ri.ocsps = append(ri.ocsps, splitDER(list.Bytes)...)
		}
	}
	return ri
}

// splitDER splits concatenated DER values.
func splitDER(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 && len(out) < 64 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			break
		}
		out = append(out, rv.FullBytes)
		b = rest
	}
	return out
}

// dssData reads the document security store (ISO 32000-2, 12.8.4.3) of the
// newest catalog: extra certificates and revocation data.
func dssData(of *objectFile) ([]*x509.Certificate, revocationInfo) {
	var ri revocationInfo
	state := of.state(1 << 62)
	r, ok := of.root(1 << 62)
	if !ok {
		return nil, ri
	}
	cat, _ := resolve(state, r)
	cd, ok := cat.(*dict)
	if !ok {
		return nil, ri
	}
	dv, _ := resolve(state, cd.m["DSS"])
	dss, ok := dv.(*dict)
	if !ok {
		return nil, ri
	}
	streams := func(key string) [][]byte {
		av, _ := resolve(state, dss.m[key])
		arr, _ := av.(array)
		var out [][]byte
		for _, item := range arr {
			v, o := resolve(state, item)
			d, ok := v.(*dict)
			if !ok || o == nil || o.data == nil {
				continue
			}
			if b, err := decodeStream(d, o.data, maxInflated); err == nil {
				out = append(out, b)
			}
			if len(out) >= 256 {
				break
			}
		}
		return out
	}
	var certs []*x509.Certificate
	for _, b := range streams("Certs") {
		if c, err := x509.ParseCertificate(b); err == nil {
			certs = append(certs, c)
		}
	}
	for _, b := range streams("CRLs") {
		if l, err := x509.ParseRevocationList(b); err == nil {
			ri.crls = append(ri.crls, l)
		}
	}
	ri.ocsps = streams("OCSPs")
	return certs, ri
}
