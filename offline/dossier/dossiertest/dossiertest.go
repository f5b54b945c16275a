// Package dossiertest makes sealed dossiers for the tests and benchmarks
// of the packages that carry them (sync/field, sync/central, sync/sim,
// app): one complete dossier sealed through a desk, as a volunteer would,
// or a sealed file made directly, for counts a desk would make slow.
package dossiertest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/seal"
)

// SealOne records a complete birth registration for the villager name on
// desk, with a photo of the signed consent form, seals it and returns its
// ID.
func SealOne(t testing.TB, desk *dossier.Desk, name string) string {
	t.Helper()
	d, err := desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Villager = dossier.Person{FullName: name, BirthDate: "1990-05-01", IDNumber: "001090012345"}
	d.Consent.Given, d.Consent.At = true, time.Now()
	if err := desk.Save(d); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
	form := filepath.Join(t.TempDir(), "phieu.jpg")
	if err := os.WriteFile(form, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := desk.Attach(context.Background(), d.ID, dossier.KindConsent, "", []string{form}, nil); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if _, err := desk.Seal(context.Background(), d.ID, nil); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// Sealed returns a sealed dossier file whose record part is content,
// sealed for central and signed with the device key dev.
func Sealed(t testing.TB, id string, content []byte, central agekey.Public, dev ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	h := seal.Header{Format: seal.Format, DossierID: id, Device: dev.Public().(ed25519.PublicKey), Created: time.Now().UTC(),
		Summary: map[string]string{"procedure": "1.001193"}}
	parts := []seal.Part{{Name: dossier.PartRecord, Size: int64(len(content)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(content)), nil
	}}}
	if err := seal.Seal(&buf, h, parts, []agekey.Public{central}, dev, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
