package demo

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"dinh/meeting"
	"dinh/meeting/pdfsig"
)

// The demo's documents carry digital signatures from a certificate
// authority made up for the demo and clearly named so. Its root is written
// only into the demo host's trust folder, which the host bundles with the
// demo meeting: that is how delegates come to trust it, and nothing else
// ever does.

// DemoRootName is the common name of the demo's made-up root.
const DemoRootName = "Đình DEMO Root CA – chỉ dùng thử, không có giá trị pháp lý"

// signing says who signs which demo document.
var signing = map[string][]string{
	"to-trinh-du-toan-2027.pdf":       {"ke-toan", "ubnd"},
	"du-thao-nghi-quyet.pdf":          {"chu-tich"},
	"bao-cao-kinh-te-xa-hoi-2026.pdf": {"ngoai"}, // a CA the room does not trust
}

type credential struct {
	Cert []byte `json:"cert"` // DER
	Key  []byte `json:"key"`  // PKCS #8 DER
}

type authority map[string]credential

func (a authority) load(name string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	c, ok := a[name]
	if !ok {
		return nil, nil, fmt.Errorf("demo credential %q missing", name)
	}
	cert, err := x509.ParseCertificate(c.Cert)
	if err != nil {
		return nil, nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(c.Key)
	if err != nil {
		return nil, nil, err
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, errors.New("demo key is not ecdsa")
	}
	return cert, key, nil
}

// loadAuthority reads the demo CA from caDir, making it on first use.
func loadAuthority(caDir string) (authority, error) {
	path := filepath.Join(caDir, "demo-ca.json")
	b, err := os.ReadFile(path)
	if err == nil {
		var a authority
		if err := json.Unmarshal(b, &a); err == nil {
			return a, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("demo ca: %w", err)
	}
	a, err := newAuthority()
	if err != nil {
		return nil, err
	}
	b, _ = json.Marshal(a)
	if err := os.MkdirAll(caDir, 0o700); err != nil {
		return nil, fmt.Errorf("demo ca: %w", err)
	}
	if err := meeting.WriteFileAtomic(path, b); err != nil {
		return nil, err
	}
	return a, nil
}

func newAuthority() (authority, error) {
	a := authority{}
	now := time.Now().Add(-24 * time.Hour).Truncate(time.Hour)
	serial := int64(1)
	mk := func(name, cn, org string, ca bool, parent string) error {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		serial++
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: cn, Organization: []string{org}, Country: []string{"VN"}},
			NotBefore:    now, NotAfter: now.Add(10 * 365 * 24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		}
		if ca {
			tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		}
		parentCert, parentKey := tmpl, key
		if parent != "" {
			var err error
			if parentCert, parentKey, err = a.load(parent); err != nil {
				return err
			}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, parentKey)
		if err != nil {
			return fmt.Errorf("demo certificate %s: %w", name, err)
		}
		kb, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		a[name] = credential{der, kb}
		return nil
	}
	steps := []struct {
		name, cn, org string
		ca            bool
		parent        string
	}{
		{"root", DemoRootName, "Dữ liệu mẫu Đình", true, ""},
		{"sub", "Đình DEMO Sub CA – chỉ dùng thử", "Dữ liệu mẫu Đình", true, "root"},
		{"ke-toan", "Nguyễn Văn Minh", "Ủy ban nhân dân xã Tân Trào", false, "sub"},
		{"ubnd", "Ủy ban nhân dân xã Tân Trào", "Ủy ban nhân dân xã Tân Trào", false, "sub"},
		{"chu-tich", "Hoàng Thị Lan", "Hội đồng nhân dân xã Tân Trào", false, "sub"},
		{"ngoai-root", "CA mẫu không được tin cậy", "Dữ liệu mẫu Đình", true, ""},
		{"ngoai", "Trần Quốc Bảo", "Phòng Tài chính – Kế hoạch", false, "ngoai-root"},
	}
	for _, s := range steps {
		if err := mk(s.name, s.cn, s.org, s.ca, s.parent); err != nil {
			return nil, err
		}
	}
	return a, nil
}

var reasons = map[string][2]string{
	"ke-toan":  {"Người lập tờ trình", "Tân Trào"},
	"ubnd":     {"Ban hành", "Tân Trào"},
	"chu-tich": {"Trình kỳ họp", "Tân Trào"},
	"ngoai":    {"Thẩm định", "Sơn Dương"},
}

// sign returns base signed by the demo signers of name, or base itself.
// A file already on disk that is base plus valid demo signatures is kept,
// so the demo meeting does not change from one run to the next.
func sign(a authority, name string, base, old []byte) ([]byte, error) {
	who := signing[name]
	if len(who) == 0 {
		return base, nil
	}
	if len(old) > len(base) && bytes.HasPrefix(old, base) {
		if r, err := pdfsig.Verify(old, nil); err == nil && len(r.Signatures) == len(who) && r.Verdict() <= pdfsig.UntrustedRoot {
			return old, nil
		}
	}
	out := base
	for _, w := range who {
		cert, key, err := a.load(w)
		if err != nil {
			return nil, err
		}
		var chain []*x509.Certificate
		if w != "ngoai" {
			sub, _, err := a.load("sub")
			if err != nil {
				return nil, err
			}
			chain = append(chain, sub)
		}
		s := pdfsig.Signer{Key: key, Cert: cert, Chain: chain, Reason: reasons[w][0], Location: reasons[w][1], Time: time.Now()}
		if out, err = s.Sign(out); err != nil {
			return nil, fmt.Errorf("demo signature on %s: %w", name, err)
		}
	}
	return out, nil
}

// writeRoot puts the demo root into trustDir.
func writeRoot(a authority, trustDir string) error {
	root, _, err := a.load("root")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(trustDir, 0o755); err != nil {
		return fmt.Errorf("demo trust folder: %w", err)
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})
	path := filepath.Join(trustDir, "dinh-demo-root.pem")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	return meeting.WriteFileAtomic(path, b)
}

// Roots returns the demo's two made-up roots from caDir: the one the demo
// host trusts and bundles, and the one nobody trusts (it signs the
// economic report). Tests use the second to give a delegate a root its host
// lacks.
func Roots(caDir string) (trusted, outside *x509.Certificate, err error) {
	a, err := loadAuthority(caDir)
	if err != nil {
		return nil, nil, err
	}
	if trusted, _, err = a.load("root"); err != nil {
		return nil, nil, err
	}
	outside, _, err = a.load("ngoai-root")
	return trusted, outside, err
}
