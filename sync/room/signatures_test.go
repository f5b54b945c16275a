package room

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dinh/meeting"
)

func selfSigned(t *testing.T, cn string) []byte {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestLoadBundle(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b-root.pem", selfSigned(t, "B"))
	write("a-root.crt", selfSigned(t, "A"))
	write("README.txt", []byte("Thư mục chứng thư gốc"))
	write("huge.pem", append(selfSigned(t, "C"), make([]byte, meeting.MaxTrustSize)...))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)

	files, skipped, err := LoadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "a-root.crt,b-root.pem" {
		t.Errorf("got bundle %s, want a-root.crt,b-root.pem", got)
	}
	if got := strings.Join(skipped, ","); got != "huge.pem" {
		t.Errorf("got skipped %q, want huge.pem (over the size limit)", got)
	}
	if roots, _ := DocumentTrust(nil, &meeting.Manifest{Trust: files}).Counts(); roots != 2 {
		t.Errorf("got %d roots from the bundle, want 2", roots)
	}
	if f, s, err := LoadBundle(filepath.Join(dir, "missing")); err != nil || f != nil || s != nil {
		t.Errorf("missing folder: got %v, %v, %v, want an empty bundle", f, s, err)
	}
}
