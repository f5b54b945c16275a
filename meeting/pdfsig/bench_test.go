package pdfsig

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dinh/internal/testenv"
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

// bigSigned writes a 20 MB document and its roots folder. signer "dinh"
// is the tests' own CMS writer; "pdfsig" is poppler's pdfsig with NSS and
// the third-party corpus's key, so both tools also meet BER from elsewhere.
func bigSigned(b *testing.B, signer string) (file, roots string) {
	dir := b.TempDir()
	file = filepath.Join(dir, "nghi-quyet-20mb.pdf")
	var pdf []byte
	switch signer {
	case "dinh":
		f := getFixture()
		pdf, _ = basePDF(20<<20, "adbe.pkcs7.detached")
		pdf = signPDF(b, pdf, rsaOpts())
		roots = filepath.Join(dir, "roots")
		if err := os.Mkdir(roots, 0o700); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(roots, "root.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.rsa.root.Raw}), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(file, pdf, 0o600); err != nil {
			b.Fatal(err)
		}
	case "pdfsig":
		corpusDir := thirdPartyCorpus(b)
		roots = filepath.Join(corpusDir, "roots")
		unsigned := filepath.Join(dir, "unsigned.pdf")
		big, _ := appendRevision(nil, []obj{
			{1, "<< /Type /Catalog /Pages 2 0 R >>"},
			{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
			{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"},
			{4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", 20<<20, bytes.Repeat([]byte("A"), 20<<20))},
		}, 5, 0)
		if err := os.WriteFile(unsigned, big, 0o600); err != nil {
			b.Fatal(err)
		}
		out, err := exec.Command("pdfsig", "-add-signature", "-nssdir", filepath.Join(corpusDir, "nss"), "-nick", "rsa", unsigned, file).CombinedOutput()
		if err != nil {
			b.Fatalf("pdfsig -add-signature: %v\n%s", err, out)
		}
		if pdf, err = os.ReadFile(file); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(pdf)))
	return file, roots
}

var signers = []string{"dinh", "pdfsig"}

func BenchmarkVerify20MBProcess(b *testing.B) {
	for _, signer := range signers {
		b.Run("signer="+signer, func(b *testing.B) {
			file, roots := bigSigned(b, signer)
			b.ResetTimer()
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), helperEnv+"="+file+" "+roots)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("verify process: %v\n%s", err, out)
				}
			}
		})
	}
}

func BenchmarkPdfsig20MBProcess(b *testing.B) {
	bin := testenv.Tool(b, "pdfsig", "poppler-utils; build/deps.sh test installs it")
	for _, signer := range signers {
		b.Run("signer="+signer, func(b *testing.B) {
			file, _ := bigSigned(b, signer)
			b.ResetTimer()
			for b.Loop() {
				out, err := exec.Command(bin, file).CombinedOutput()
				if err != nil && len(out) == 0 {
					b.Fatalf("pdfsig: %v", err)
				}
			}
		})
	}
}
