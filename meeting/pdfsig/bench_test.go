package pdfsig

import (
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The process benchmarks compare like with like: a process that reads a
// 20 MB signed file and verifies it, ours (this test binary re-executed, as
// `dinhd verify` would run) against poppler's pdfsig.

const helperEnv = "DINH_PDFSIG_VERIFY"

// benchMain runs the re-executed helper process, or the tests.
func benchMain(m *testing.M) int {
	if args := os.Getenv(helperEnv); args != "" {
		return helperVerify(args)
	}
	return m.Run()
}

// helperVerify is the re-executed process: "FILE ROOTS-DIR".
func helperVerify(args string) int {
	var file, roots string
	fmt.Sscan(args, &file, &roots)
	tr, err := LoadTrust(roots)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	b, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	r, err := Verify(b, tr)
	if err != nil || r.Verdict() != Valid {
		fmt.Fprintln(os.Stderr, r.Verdict(), err)
		return 1
	}
	return 0
}

// bigSigned writes a 20 MB signed document and a roots folder.
func bigSigned(b *testing.B) (file, roots string) {
	f := getFixture()
	pdf, _ := basePDF(20<<20, "adbe.pkcs7.detached")
	pdf = signPDF(b, pdf, rsaOpts())
	dir := b.TempDir()
	file = filepath.Join(dir, "nghi-quyet-20mb.pdf")
	roots = filepath.Join(dir, "roots")
	if err := os.Mkdir(roots, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(roots, "root.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.rsa.root.Raw}), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pdf)))
	return file, roots
}

func BenchmarkVerify20MBProcess(b *testing.B) {
	file, roots := bigSigned(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+file+" "+roots)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("verify process: %v\n%s", err, out)
		}
	}
}

func BenchmarkPdfsig20MBProcess(b *testing.B) {
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		b.Skip("pdfsig (poppler-utils) is not installed")
	}
	file, _ := bigSigned(b)
	b.ResetTimer()
	for b.Loop() {
		out, err := exec.Command(bin, file).CombinedOutput()
		if err != nil && len(out) == 0 {
			b.Fatalf("pdfsig: %v", err)
		}
	}
}
