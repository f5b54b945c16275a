package lan

import (
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"dinh/meeting"
)

// Certificate makes a self-signed TLS certificate for the host key. Its
// identity is the key itself; names and dates are nominal.
func Certificate(key ed25519.PrivateKey) (tls.Certificate, error) {
	pub := key.Public().(ed25519.PublicKey)
	fp := meeting.FingerprintOf(pub)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(fp[:16]),
		Subject:      pkix.Name{CommonName: "dinh-host-" + fp.Short()},
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"dinh-host"},
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, pub, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("host certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// ErrNoHostKey means the peer's certificate does not carry an Ed25519 key.
var ErrNoHostKey = errors.New("host certificate carries no Ed25519 host key")

// peerFingerprint extracts the host key fingerprint from a TLS handshake.
func peerFingerprint(cs tls.ConnectionState) (meeting.Fingerprint, error) {
	if len(cs.PeerCertificates) == 0 {
		return meeting.Fingerprint{}, ErrNoHostKey
	}
	pub, ok := cs.PeerCertificates[0].PublicKey.(ed25519.PublicKey)
	if !ok {
		return meeting.Fingerprint{}, ErrNoHostKey
	}
	return meeting.FingerprintOf(pub), nil
}
