package pdfsig

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// Trust is what verification relies on beyond the document: the root
// certificates an administrator chose, and revocation lists cached beside
// them (by the administrator, or bundled by a meeting's host). A nil *Trust
// trusts nothing; no system roots are ever used.
type Trust struct {
	roots  *x509.CertPool
	nroots int
	crls   []*x509.RevocationList
}

// NewTrust returns an empty trust store.
func NewTrust() *Trust { return &Trust{roots: x509.NewCertPool()} }

// Add reads a PEM or DER file's bytes: its certificates become trust
// anchors and its CRLs are used for revocation. It returns how many of each
// it found; bytes that hold neither are ignored.
func (t *Trust) Add(b []byte) (certs, crls int) {
	for _, c := range parseCertFile(b) {
		t.AddCert(c)
		certs++
	}
	for _, l := range parseCRLFile(b) {
		t.crls = append(t.crls, l)
		crls++
	}
	return certs, crls
}

// AddCert makes c a trust anchor.
func (t *Trust) AddCert(c *x509.Certificate) {
	t.roots.AddCert(c)
	t.nroots++
}

// AddDir adds every regular file of dir.
func (t *Trust) AddDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("load trust store: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("load trust store: %w", err)
		}
		t.Add(b)
	}
	return nil
}

// Counts returns the number of trust anchors and of CRLs.
func (t *Trust) Counts() (roots, crls int) {
	if t == nil {
		return 0, 0
	}
	return t.nroots, len(t.crls)
}

// LoadTrust reads a trust store folder. A folder without any certificate is
// an error: it is surely not the folder that was meant.
func LoadTrust(dir string) (*Trust, error) {
	t := NewTrust()
	if err := t.AddDir(dir); err != nil {
		return nil, err
	}
	if t.nroots == 0 {
		return nil, fmt.Errorf("load trust store: no certificate in %s", dir)
	}
	return t, nil
}

func (t *Trust) pool() *x509.CertPool {
	if t == nil {
		return x509.NewCertPool()
	}
	return t.roots
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

func parseCRLFile(b []byte) []*x509.RevocationList {
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		return parseCRLs(b)
	}
	var out []*x509.RevocationList
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		if blk.Type == "X509 CRL" {
			if l, err := x509.ParseRevocationList(blk.Bytes); err == nil {
				out = append(out, l)
			}
		}
	}
}

// Clone returns a copy of t that can be added to without changing t.
func (t *Trust) Clone() *Trust {
	c := NewTrust()
	if t == nil {
		return c
	}
	c.roots = t.roots.Clone()
	c.nroots = t.nroots
	c.crls = append(c.crls, t.crls...)
	return c
}
