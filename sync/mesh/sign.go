package mesh

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/syncthing/syncthing/lib/protocol"
)

// ErrBadSignature is a message not signed by the device it claims.
var ErrBadSignature = errors.New("mesh: not signed by that device")

// Sign signs msg with the node's device key, the key of the certificate
// whose hash is the node's device ID: anyone who knows the ID can check
// the signature (VerifySigned) without having met the node, whoever
// relayed the message. It returns the certificate (DER) with the
// signature.
func (n *Node) Sign(msg []byte) (cert, sig []byte, err error) { return signWith(n.cert, msg) }

// Signer signs as a device whose node is not running, with the identity
// in its folder (the administrator's tools, tests).
type Signer struct{ cert tls.Certificate }

// LoadSigner is the signer of the identity in dir (as Identity, made on
// first use).
func LoadSigner(dir string) (*Signer, error) {
	cert, err := loadCert(dir)
	if err != nil {
		return nil, err
	}
	return &Signer{cert}, nil
}

// ID is the signer's device ID.
func (s *Signer) ID() string { return protocol.NewDeviceID(s.cert.Certificate[0]).String() }

// Sign signs msg as Node.Sign does.
func (s *Signer) Sign(msg []byte) (cert, sig []byte, err error) { return signWith(s.cert, msg) }

func signWith(c tls.Certificate, msg []byte) (cert, sig []byte, err error) {
	signer, ok := c.PrivateKey.(crypto.Signer)
	if !ok || len(c.Certificate) == 0 {
		return nil, nil, errors.New("mesh: the device key cannot sign")
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return nil, nil, fmt.Errorf("mesh: device certificate: %w", err)
	}
	digest, opts := msg, crypto.SignerOpts(crypto.Hash(0)) // Ed25519 signs the message itself
	if leaf.PublicKeyAlgorithm != x509.Ed25519 {
		sum := sha256.Sum256(msg)
		digest, opts = sum[:], crypto.SHA256
	}
	sig, err = signer.Sign(rand.Reader, digest, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("mesh: sign: %w", err)
	}
	return c.Certificate[0], sig, nil
}

// VerifySigned checks that sig was made over msg with the key of cert,
// and that cert is the certificate of the device id.
func VerifySigned(id string, msg, cert, sig []byte) error {
	want, err := protocol.DeviceIDFromString(id)
	if err != nil {
		return fmt.Errorf("mesh: %w", err)
	}
	if !protocol.NewDeviceID(cert).Equals(want) {
		return fmt.Errorf("%w: the certificate is another device's", ErrBadSignature)
	}
	c, err := x509.ParseCertificate(cert)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	algo := map[x509.PublicKeyAlgorithm]x509.SignatureAlgorithm{
		x509.ECDSA: x509.ECDSAWithSHA256, x509.Ed25519: x509.PureEd25519, x509.RSA: x509.SHA256WithRSA,
	}[c.PublicKeyAlgorithm]
	if err := c.CheckSignature(algo, msg, sig); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return nil
}
