package pdfsig

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"dinh/internal/testenv"
)

// thirdPartyTools are the programs testdata/thirdparty/make.sh runs.
var thirdPartyTools = []string{"openssl", "faketime", "pdfsig", "certutil", "pk12util", "crlutil", "mutool", "java", "javac", "node", "npm"}

var corpus struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// thirdPartyCorpus builds the corpus once per test binary. Without its tools
// the test is skipped on a developer's machine and fails in CI. When
// DINH_PDFSIG_CORPUS names a folder where make.sh built the corpus (and
// then wrote .complete), that corpus is used as it is: mutation testing
// runs the tests hundreds of times, and the corpus does not depend on our
// code.
func thirdPartyCorpus(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("DINH_PDFSIG_CORPUS"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
			return dir
		}
	}
	for _, tool := range thirdPartyTools {
		testenv.Tool(t, tool, "build/deps.sh test installs it")
	}
	corpus.once.Do(func() {
		dir, err := os.MkdirTemp("", "dinh-thirdparty-")
		if err != nil {
			corpus.err = err
			return
		}
		corpus.dir = dir
		cmd := exec.Command("sh", "testdata/thirdparty/make.sh", dir)
		// npm's packages are kept between runs when a cache folder exists.
		if c, err := os.UserCacheDir(); err == nil {
			cmd.Env = append(os.Environ(), "DINH_NODE_CACHE="+filepath.Join(c, "dinh", "thirdparty-node"))
		}
		corpus.out, corpus.err = cmd.CombinedOutput()
	})
	if corpus.err != nil {
		t.Fatalf("make.sh: %v\n%s", corpus.err, corpus.out)
	}
	return corpus.dir
}

func TestMain(m *testing.M) {
	code := benchMain(m)
	if corpus.dir != "" {
		os.RemoveAll(corpus.dir)
	}
	os.Exit(code)
}

type expectation struct {
	file     string
	verdicts []Verdict
	notes    []string
	why      string
}

func readExpected(t *testing.T) []expectation {
	t.Helper()
	f, err := os.Open("testdata/thirdparty/expected.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectation
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("expected.tsv: %q has %d columns, want 4", line, len(cols))
		}
		e := expectation{file: cols[0], why: cols[3]}
		if cols[1] != "-" {
			for _, c := range strings.Split(cols[1], ",") {
				v, ok := ParseCode(c)
				if !ok {
					t.Fatalf("expected.tsv: unknown verdict %q", c)
				}
				e.verdicts = append(e.verdicts, v)
			}
		}
		if cols[2] != "" {
			e.notes = strings.Split(cols[2], ",")
		}
		out = append(out, e)
	}
	return out
}

// TestThirdParty verifies every file of the corpus that poppler, node-forge
// and PDFBox signed against the verdicts written down in expected.tsv.
func TestThirdParty(t *testing.T) {
	dir := thirdPartyCorpus(t)
	trust, err := LoadTrust(filepath.Join(dir, "roots"))
	if err != nil {
		t.Fatal(err)
	}
	exp := readExpected(t)
	made, _ := filepath.Glob(filepath.Join(dir, "pdf", "*.pdf"))
	if len(made) != len(exp)+1 { // base.pdf is the unsigned source
		t.Errorf("make.sh made %d files, expected.tsv judges %d (and base.pdf)", len(made), len(exp))
	}
	for _, e := range exp {
		t.Run(strings.TrimSuffix(e.file, ".pdf"), func(t *testing.T) {
			r, err := VerifyFile(filepath.Join(dir, "pdf", e.file), trust)
			if err != nil {
				t.Fatal(err)
			}
			var got []Verdict
			for _, s := range r.Signatures {
				got = append(got, s.Verdict)
			}
			if !slices.Equal(got, e.verdicts) {
				for i, s := range r.Signatures {
					t.Logf("signature %d: %v: %s", i, s.Verdict, s.Detail)
				}
				t.Fatalf("got verdicts %v, want %v (%s)", got, e.verdicts, e.why)
			}
			if len(r.Signatures) == 0 {
				return
			}
			first := r.Signatures[0]
			for _, n := range e.notes {
				switch {
				case strings.HasPrefix(n, "certified P"):
					if want := int(n[len(n)-1] - '0'); first.Certification != want {
						t.Errorf("got certification level %d, want %d", first.Certification, want)
					}
				case strings.HasPrefix(n, "time="):
					if want := map[string]string{"timestamp": "timestamp", "/M": "/M", "signing-time": "signing-time attribute"}[n[5:]]; first.TimeSource != want {
						t.Errorf("got time source %q, want %q", first.TimeSource, want)
					}
				case strings.HasPrefix(n, "changes="):
					for _, c := range strings.Split(n[8:], ";") {
						if c == "doc-timestamp" {
							if last := r.Signatures[len(r.Signatures)-1]; !last.DocTimestamp {
								t.Errorf("the last signature is not a document timestamp")
							}
							continue
						}
						if !slices.ContainsFunc(first.Changes, func(k Change) bool { return k.Code() == c }) {
							t.Errorf("got changes %v, want %s among them", first.Changes, c)
						}
					}
				case strings.HasPrefix(n, "revisions="):
					var got []string
					for _, rv := range first.Revisions {
						var codes []string
						for _, c := range rv.Changes {
							codes = append(codes, c.Code())
						}
						got = append(got, strings.Join(codes, "+"))
					}
					if want := n[len("revisions="):]; strings.Join(got, "/") != want {
						t.Errorf("got revisions %s, want %s", strings.Join(got, "/"), want)
					}
				default:
					t.Fatalf("expected.tsv: unknown note %q", n)
				}
			}
			if !slices.ContainsFunc(e.notes, func(n string) bool { return strings.HasPrefix(n, "certified") }) && first.Certification != 0 {
				t.Errorf("got certification level %d for an approval signature", first.Certification)
			}
		})
	}
}

// popplerDisagrees lists where poppler's pdfsig, given the same trust in an
// NSS database, judges otherwise, and why (BENCHMARKS.md says the same).
var popplerDisagrees = map[string]string{
	// pdfsig checks the certificate at the present time; Đình at the
	// signing time, as long-term validation does.
	"poppler-expired-later.pdf#0": "certificate",
}

// TestThirdPartyAgainstPoppler runs poppler's pdfsig on every file of the
// corpus and requires the same cryptographic and certificate verdicts
// wherever pdfsig gives one.
func TestThirdPartyAgainstPoppler(t *testing.T) {
	dir := thirdPartyCorpus(t)
	trust, err := LoadTrust(filepath.Join(dir, "roots"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range readExpected(t) {
		t.Run(strings.TrimSuffix(e.file, ".pdf"), func(t *testing.T) {
			path := filepath.Join(dir, "pdf", e.file)
			// No -no-ocsp: poppler 22.12 then fails every certificate
			// check. The test certificates name no OCSP responder, so
			// nothing is fetched.
			pop, out := runPdfsig("pdfsig", "-nssdir", filepath.Join(dir, "trust"), path)
			r, err := VerifyFile(path, trust)
			if err != nil {
				t.Fatal(err)
			}
			if len(pop) != len(r.Signatures) && len(r.Signatures) > 0 {
				t.Fatalf("got %d signatures, pdfsig found %d:\n%s", len(r.Signatures), len(pop), out)
			}
			for i, p := range pop {
				s := r.Signatures[i]
				key := fmt.Sprintf("%s#%d", e.file, i)
				if p.crypto == nil {
					continue // pdfsig gives no verdict (document timestamps in poppler 22)
				}
				if got := s.Verdict != Invalid; got != *p.crypto {
					t.Errorf("signature %d: got %v (%s), pdfsig says it verifies: %v", i, s.Verdict, s.Detail, *p.crypto)
				}
				if p.cert == "" || !*p.crypto {
					continue
				}
				var want []Verdict
				switch p.cert {
				case "Certificate is Trusted.":
					want = []Verdict{Valid, Modified}
				case "Certificate issuer isn't Trusted.", "Certificate issuer is unknown.":
					want = []Verdict{UntrustedRoot}
				case "Certificate has Expired":
					want = []Verdict{Expired}
				case "Certificate has been Revoked.":
					want = []Verdict{Revoked}
				default:
					t.Errorf("signature %d: pdfsig's certificate verdict %q is not understood", i, p.cert)
					continue
				}
				agrees := slices.Contains(want, s.Verdict)
				if _, known := popplerDisagrees[key]; known {
					seen[key] = true
					if agrees {
						t.Errorf("signature %d: listed as a disagreement, but pdfsig (%q) agrees with %v", i, p.cert, s.Verdict)
					}
					continue
				}
				if !agrees {
					t.Errorf("signature %d: got %v (%s), pdfsig says %q", i, s.Verdict, s.Detail, p.cert)
				}
			}
		})
	}
	for k := range popplerDisagrees {
		if !seen[k] {
			t.Errorf("disagreement %s was not met", k)
		}
	}
}
