package room

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
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
	os.Mkdir(filepath.Join(dir, "0-folder-first"), 0o755) // a folder before the files is passed over

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

// TestLoadBundleLimits: the bundle takes certificates in name order up to
// exactly the file count and the byte limit, and names what it leaves out.
func TestLoadBundleLimits(t *testing.T) {
	cert := selfSigned(t, "Root")
	t.Run("count", func(t *testing.T) {
		dir := t.TempDir()
		for i := range meeting.MaxTrustFiles + 2 {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("ca-%03d.pem", i)), cert, 0o644)
		}
		files, skipped, err := LoadBundle(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != meeting.MaxTrustFiles || len(skipped) != 2 || skipped[0] != fmt.Sprintf("ca-%03d.pem", meeting.MaxTrustFiles) {
			t.Errorf("got %d files and skipped %v, want %d and the last two", len(files), skipped, meeting.MaxTrustFiles)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		dir := t.TempDir()
		// Two files of exactly half the limit fit; a third byte does not.
		half := append(bytes.Clone(cert), bytes.Repeat([]byte("\n"), meeting.MaxTrustSize/2-len(cert))...)
		os.WriteFile(filepath.Join(dir, "a.pem"), half, 0o644)
		os.WriteFile(filepath.Join(dir, "b.pem"), half, 0o644)
		os.WriteFile(filepath.Join(dir, "c.pem"), cert, 0o644)
		files, skipped, err := LoadBundle(dir)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, f := range files {
			total += len(f.Data)
		}
		if len(files) != 2 || total != meeting.MaxTrustSize || len(skipped) != 1 || skipped[0] != "c.pem" {
			t.Errorf("got %d files of %d bytes, skipped %v; want a.pem and b.pem, %d bytes, c.pem skipped", len(files), total, skipped, meeting.MaxTrustSize)
		}
	})
	t.Run("unsafe name", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ".hidden.pem"), cert, 0o644)
		os.WriteFile(filepath.Join(dir, "ok.pem"), cert, 0o644)
		files, skipped, err := LoadBundle(dir)
		if err != nil || len(files) != 1 || files[0].Name != "ok.pem" || len(skipped) != 1 || skipped[0] != ".hidden.pem" {
			t.Errorf("got %v, skipped %v, %v", files, skipped, err)
		}
	})
}
