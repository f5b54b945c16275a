package pdfsig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// TestRevocationRules: which CRLs and OCSP answers count against a chain,
// case by case: only one its issuer signed, whichever place it holds in
// the signature's list; and "how" names what checked the signer itself,
// never what checked a certificate above it.
func TestRevocationRules(t *testing.T) {
	f := getFixture()
	chain := []*x509.Certificate{f.revoked, f.rsa.inter, f.rsa.root}
	good := []*x509.Certificate{f.rsa.signer, f.rsa.inter, f.rsa.root}
	parse := func(der []byte) *x509.RevocationList {
		t.Helper()
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		return crl
	}
	// A CRL that names the signer's issuer but is signed by another key:
	// what a forger would send to revoke a good signer.
	forgerKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	forgerTmpl := caTmpl("forger")
	forgerTmpl.Subject = f.rsa.inter.Subject
	forger := issue(forgerTmpl, nil, forgerKey.Public(), forgerKey)
	forgedDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(9), ThisUpdate: testNow.Add(-time.Hour),
		NextUpdate: testNow.Add(time.Hour), RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: f.rsa.signer.SerialNumber, RevocationTime: testNow.Add(-30 * time.Minute)}}}, forger, forgerKey)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(3), ThisUpdate: testNow.Add(-time.Hour),
		NextUpdate: testNow.Add(time.Hour)}, f.ec.inter, f.ec.interKey)
	if err != nil {
		t.Fatal(err)
	}
	rootDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(4), ThisUpdate: testNow.Add(-time.Hour),
		NextUpdate: testNow.Add(time.Hour)}, f.rsa.root, f.rsa.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	revokedOCSP := ocspResponse(t, ocsp.Revoked)

	tests := []struct {
		name    string
		chain   []*x509.Certificate
		ri      revocationInfo
		revoked bool
		how     Revocation
	}{
		{"the issuer's CRL revokes", chain, revocationInfo{crls: []*x509.RevocationList{parse(f.revokedCRL)}}, true, RevocationCRL},
		{"a CRL in the issuer's name signed by another key does not", good,
			revocationInfo{crls: []*x509.RevocationList{parse(forgedDER)}}, false, RevocationUnknown},
		{"another CA's CRL first, the issuer's second", chain,
			revocationInfo{crls: []*x509.RevocationList{parse(ecDER), parse(f.revokedCRL)}}, true, RevocationCRL},
		{"only the root's CRL: the signer itself was not checked", good,
			revocationInfo{crls: []*x509.RevocationList{parse(rootDER)}}, false, RevocationUnknown},
		{"an OCSP answer for another certificate first, then the signer's", chain,
			revocationInfo{ocsps: [][]byte{ocspResponse(t, ocsp.Good), revokedOCSP}}, true, RevocationOCSP},
		{"an unreadable OCSP answer first, then the signer's", chain,
			revocationInfo{ocsps: [][]byte{[]byte("not OCSP"), revokedOCSP}}, true, RevocationOCSP},
	}
	for _, tt := range tests {
		revoked, _, how := checkRevocation(tt.chain, tt.ri, testNow, false)
		if revoked != tt.revoked || how != tt.how {
			t.Errorf("%s: revoked %v, checked by %v; want %v, %v", tt.name, revoked, how, tt.revoked, tt.how)
		}
	}
}
