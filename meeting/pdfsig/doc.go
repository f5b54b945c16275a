// Package pdfsig verifies the digital signatures embedded in PDF documents,
// offline, and gives one verdict per signature.
//
// Official Vietnamese documents are signed with certificates that chain to
// the NEAC root (through VNPT-CA, Viettel-CA and other licensed providers).
// Parse finds every signature dictionary with a byte-level scan (no full PDF
// object model): it anchors on /ByteRange, parses the enclosing dictionary
// and checks that the byte range covers the whole file except the /Contents
// hex string. Verify then checks the CMS (PKCS #7) SignedData in /Contents
// against the signed bytes, builds the certificate chain to a trust store
// loaded with LoadRoots at the signing time, applies CRLs embedded in the
// signature, and reports bytes appended after signing.
//
// Nothing here uses the network: revocation data that is not embedded in the
// document is not fetched, and OCSP responses are not evaluated yet.
package pdfsig
