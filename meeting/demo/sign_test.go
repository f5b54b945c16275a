package demo

import (
	"os"
	"path/filepath"
	"testing"

	"dinh/meeting/pdfsig"
)

func TestWriteSignedFolder(t *testing.T) {
	dir, ca, trustDir := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := WriteSignedFolder(dir, ca, trustDir); err != nil {
		t.Fatal(err)
	}
	trust, err := pdfsig.LoadTrust(trustDir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]pdfsig.Verdict{
		"to-trinh-du-toan-2027.pdf":       {pdfsig.Valid, pdfsig.Valid},
		"du-thao-nghi-quyet.pdf":          {pdfsig.Valid},
		"bao-cao-kinh-te-xa-hoi-2026.pdf": {pdfsig.UntrustedRoot},
		"chuong-trinh-ky-hop.pdf":         nil,
	}
	first := map[string][]byte{}
	for name, verdicts := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		first[name] = b
		r, err := pdfsig.Verify(b, trust)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Signatures) != len(verdicts) {
			t.Fatalf("%s: got %d signatures, want %d", name, len(r.Signatures), len(verdicts))
		}
		for i, s := range r.Signatures {
			if s.Verdict != verdicts[i] {
				t.Errorf("%s signature %d: got %v, want %v (%s)", name, i, s.Verdict, verdicts[i], s.Detail)
			}
		}
	}
	// A second run keeps the signed files: the demo meeting does not change.
	if _, err := WriteSignedFolder(dir, ca, trustDir); err != nil {
		t.Fatal(err)
	}
	for name, b := range first {
		again, _ := os.ReadFile(filepath.Join(dir, name))
		if string(again) != string(b) {
			t.Errorf("%s changed on the second run", name)
		}
	}
}
