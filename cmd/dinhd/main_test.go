package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/room"
)

// Goroutines started by the tests must end with them. Syncthing's
// file-notification package starts two when it is loaded, before the
// tests; a stopped node's own leftovers are as meshtest describes.
//
// The tests run as a Vietnamese user would, whatever the machine's locale;
// a test that checks English words asks for them with --lang en.
func TestMain(m *testing.M) {
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	os.Setenv("LANG", "vi_VN.UTF-8")
	meshtest.Main(m)
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads; every write wakes waiters.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed and replaced on every write
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.written)
	s.written = make(chan struct{})
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// wait blocks until the output satisfies ok, exited is closed or the
// deadline passes, and reports whether ok held.
func (s *syncBuffer) wait(ok func(string) bool, exited <-chan int) bool {
	deadline := time.After(20 * time.Second)
	for {
		s.mu.Lock()
		out, ch := s.b.String(), s.written
		s.mu.Unlock()
		if ok(out) {
			return true
		}
		select {
		case <-ch:
		case <-exited:
			return ok(s.String())
		case <-deadline:
			return false
		}
	}
}

// startHost runs `dinhd host --demo` on lo until the test ends and returns
// the fingerprint it prints.
func startHost(t *testing.T, args ...string) (fp string, out *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = newSyncBuffer()
	exited := make(chan int) // closed when the host command returns
	var code int
	go func() {
		defer close(exited)
		code = run(ctx, append([]string{"host", "--lang", "en", "--iface", "lo", "--data", t.TempDir()}, args...), out, out)
	}()
	t.Cleanup(func() { cancel(); <-exited })
	re := regexp.MustCompile(`Host fingerprint: (\S+)`)
	if !out.wait(func(s string) bool { return re.MatchString(s) }, exited) {
		select {
		case <-exited:
			t.Fatalf("host exited with %d:\n%s", code, out)
		default:
			t.Fatalf("host did not start:\n%s", out)
		}
	}
	return re.FindStringSubmatch(out.String())[1], out
}

func TestHostAndJoin(t *testing.T) {
	fp, _ := startHost(t, "--demo")
	outDir := filepath.Join(t.TempDir(), "copy")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"join", "--lang", "en", "--iface", "lo", "--meeting", demo.ID, "--pin", fp,
		"--out", outDir, "--data", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("join exited %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	b, err := os.ReadFile(filepath.Join(outDir, "agenda.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a room.Agenda
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Meeting.Title != demo.Meeting().Title || len(a.Meeting.Agenda) != len(demo.Meeting().Agenda) {
		t.Fatalf("agenda.json: got %q with %d items", a.Meeting.Title, len(a.Meeting.Agenda))
	}
	for _, d := range a.Document {
		sum, size, err := meeting.HashFile(filepath.Join(outDir, d.Name))
		if err != nil || sum != d.SHA256 || size != d.Size {
			t.Fatalf("%s: got %s/%d (%v), want %s/%d", d.Name, sum, size, err, d.SHA256, d.Size)
		}
	}
	for _, want := range []string{"Found «", "Host key matches --pin", "Done:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("join output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestJoinRefusesWrongPin(t *testing.T) {
	startHost(t, "--demo")
	outDir := filepath.Join(t.TempDir(), "copy")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"join", "--lang", "en", "--iface", "lo", "--meeting", demo.ID, "--pin", "AAAA-BBBB-CCCC-DDDD",
		"--out", outDir, "--data", t.TempDir()}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "impersonation") {
		t.Fatalf("got exit %d, stderr %q; want 1 and an impersonation warning", code, errOut.String())
	}
	if _, err := os.Stat(outDir); !os.IsNotExist(err) {
		t.Fatal("a refused join wrote the output folder")
	}
}

func TestHostRepublishesEditedFolder(t *testing.T) {
	dir := t.TempDir()
	m, err := demo.WriteFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, out := startHost(t, "--meeting", dir, "--watch", "50ms")
	m.Place = "Nhà văn hóa thôn Tân Lập"
	if err := meeting.WriteFolder(dir, m); err != nil {
		t.Fatal(err)
	}
	// The version line and the changes line are two writes: wait for both.
	if !out.wait(func(s string) bool { return strings.Contains(s, "version 2") && strings.Contains(s, "Changes:") }, nil) {
		t.Fatalf("no republish:\n%s", out)
	}
	if !strings.Contains(out.String(), "meeting details changed") {
		t.Fatalf("the change is not described:\n%s", out)
	}
}

// TestHelp: every command's --help or -h prints its flags on standard
// output and exits 0, in the run's language; a wrong flag still exits 2
// with them on standard error. dinhd help lists the exit codes.
func TestHelp(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		out, inErr string
	}{
		{[]string{"verify", "--help"}, 0, "--roots", ""},
		{[]string{"verify", "a.pdf", "-h"}, 0, "--roots", ""},
		{[]string{"host", "-h"}, 0, "--meeting", ""},
		{[]string{"join", "--help"}, 0, "--pin", ""},
		{[]string{"hub", "run", "--help"}, 0, `--listen="tcp://0.0.0.0:22000"`, ""},
		{[]string{"hub", "--help"}, 0, "hub init", ""},
		{[]string{"central", "run", "--help"}, 0, "--http", ""},
		{[]string{"dossier", "list", "-h"}, 0, "--data", ""},
		{[]string{"catalog", "search", "--help"}, 0, "--limit", ""},
		{[]string{"catalog", "search", "--help"}, 0, "Tuỳ chọn:", ""},
		{[]string{"catalog", "search", "--help", "--lang", "en"}, 0, "Flags:", ""},
		{nil, 0, "Mã thoát:", ""},
		{[]string{"help"}, 0, "3  verify: tệp không phải PDF", ""},
		{[]string{"help", "--lang", "en"}, 0, "2  the command line is wrong", ""},
		{[]string{"help", "central", "run"}, 0, "--http", ""},
		{[]string{"verify", "--bogus"}, 2, "", "--roots"},
		{[]string{"verify", "--", "--help"}, 1, "", "--help"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errOut)
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errOut.String(), tt.inErr) {
			t.Errorf("%v: got %d, stdout %q, stderr %q; want %d, %q on stdout, %q on stderr",
				tt.args, code, out.String(), errOut.String(), tt.code, tt.out, tt.inErr)
		}
	}
}

// TestFlagsAnywhere: flags may come before or after the positional
// arguments, as administrators type them.
func TestFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"catalog", "search", "khai", "sinh", "--limit", "1", "--json"},
		{"catalog", "search", "--limit", "1", "--json", "khai", "sinh"},
		{"--lang", "en", "catalog", "search", "--limit=1", "khai", "sinh", "--json"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 0 || !strings.Contains(out.String(), `"code": "1.001193"`) {
			t.Errorf("%q: exit %d, %s%s", args, code, out.String(), errOut.String())
		}
	}
}

// TestLanguage: one run speaks one language, --lang first, then the
// locale's, then Vietnamese.
func TestLanguage(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"LANG": "vi_VN.UTF-8"}, nil, "Không tìm thấy thủ tục nào."},
		{map[string]string{"LANG": "en_US.UTF-8"}, nil, "No procedure found."},
		{map[string]string{"LANG": "C"}, nil, "Không tìm thấy thủ tục nào."},
		{map[string]string{"LANG": ""}, nil, "Không tìm thấy thủ tục nào."},
		{map[string]string{"LANG": "vi_VN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, nil, "No procedure found."},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "vi_VN"}, nil, "Không tìm thấy thủ tục nào."},
		{map[string]string{"LANG": "en_US.UTF-8"}, []string{"--lang", "vi"}, "Không tìm thấy thủ tục nào."},
		{map[string]string{"LANG": "vi_VN.UTF-8"}, []string{"--lang=en"}, "No procedure found."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.env, tt.args), func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"catalog", "search", "zzzzqqqq"}, tt.args...), &out, &errOut)
			if code != 1 || strings.TrimSpace(out.String()) != tt.want {
				t.Errorf("exit %d, %q; want 1 and %q", code, out.String(), tt.want)
			}
		})
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"catalog", "search", "x", "--lang", "fr"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--lang") {
		t.Errorf("--lang fr: exit %d, %q", code, errOut.String())
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"fly"}, 2, "không hiểu đối số fly"},
		{[]string{"host"}, 2, "thiếu tuỳ chọn: --meeting=DIR hoặc --demo"},
		{[]string{"host", "--meeting", "x", "--demo"}, 2, "không dùng --meeting cùng với --demo"},
		{[]string{"join", "--iface", "lo"}, 2, "thiếu tuỳ chọn: --out"},
		{[]string{"join", "--out", "x", "--meeting", "../../etc"}, 2, `mã cuộc họp "../../etc" không dùng được`},
		{[]string{"join", "--out", "x", "--meeting", "a/b"}, 2, `mã cuộc họp "a/b" không dùng được`},
		{[]string{"join", "--out", "x", "--pin", "ABCD"}, 2, `dấu vân tay "ABCD" không đúng dạng`},
		{[]string{"join", "--out", "x", "--pin", "ABCD-EFGH-IJKL-MN01", "--lang", "en"}, 2, `fingerprint "ABCD-EFGH-IJKL-MN01" is not in its form`},
		{[]string{"host", "--demo", "--iface", "nosuchif0"}, 1, "nosuchif0"},
		{[]string{"host", "--meeting", "/nonexistent", "--iface", "lo", "--data", "DATA"}, 1, "meeting.json"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		for i, a := range tt.args {
			if a == "DATA" {
				tt.args[i] = t.TempDir()
			}
		}
		code := run(context.Background(), tt.args, &out, &errOut)
		if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: got %d %q, want %d and %q", tt.args, code, errOut.String(), tt.code, tt.want)
		}
	}
}

func TestTwoHostsOnOneDataFolder(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := newSyncBuffer()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"host", "--lang", "en", "--demo", "--iface", "lo", "--data", data}, out, out)
	}()
	defer func() { cancel(); <-done }()
	if !out.wait(func(s string) bool { return strings.Contains(s, "Host fingerprint") }, nil) {
		t.Fatalf("host did not start:\n%s", out)
	}
	var out2, err2 bytes.Buffer
	code := run(context.Background(), []string{"host", "--lang", "en", "--demo", "--iface", "lo", "--data", data}, &out2, &err2)
	if code != 1 || !strings.Contains(err2.String(), "in use by another running Đình") {
		t.Fatalf("got %d %q, want a clear refusal", code, err2.String())
	}
}

func TestVerifyUnsignedPDF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "to-trinh.pdf")
	f, _ := os.Create(path)
	demo.WritePDF(f, demo.PDFSpec{Title: "Tờ trình", Pages: 1, Seed: 1})
	f.Close()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"verify", "--json", path}, &out, &errOut)
	if code != 1 {
		t.Fatalf("unsigned PDF: exit %d, want 1 (not every signature valid)", code)
	}
	var got struct {
		Verdict    string
		Signatures []any
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Signatures) != 0 || got.Verdict == "" {
		t.Fatalf("got %q (%v)", out.String(), err)
	}
	out.Reset()
	run(context.Background(), []string{"verify", path}, &out, &errOut)
	if !strings.Contains(out.String(), "Không có chữ ký số") {
		t.Fatalf("got %q, want the Vietnamese verdict", out.String())
	}
}

// TestJoinPicksThePinnedHost runs two hosts announcing the same meeting with
// different keys: join with --pin uses the pinned one, whichever is found
// first, and says that it ignored the other. The documents it writes carry
// both verdicts, the host's and its own.
func TestJoinPicksThePinnedHost(t *testing.T) {
	startHost(t, "--demo")
	fp, _ := startHost(t, "--demo")
	outDir := filepath.Join(t.TempDir(), "copy")
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"join", "--lang", "en", "--iface", "lo", "--meeting", demo.ID, "--pin", fp,
		"--out", outDir, "--data", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("join exited %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	var a room.Agenda
	b, _ := os.ReadFile(filepath.Join(outDir, "agenda.json"))
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Host == "" || !strings.HasPrefix(strings.ReplaceAll(fp, "-", ""), a.Host[:16]) {
		t.Errorf("got host %s, want the pinned %s", a.Host, fp)
	}
	verdicts := map[string]string{}
	for _, d := range a.Document {
		verdicts[d.Name] = d.HostVerdict + "/" + d.Verdict
	}
	// The host bundles the demo root; the delegate trusts it through the bundle.
	if got := verdicts["to-trinh-du-toan-2027.pdf"]; got != "valid/valid" {
		t.Errorf("budget report: got host/device verdicts %s, want valid/valid", got)
	}
	if got := verdicts["chuong-trinh-ky-hop.pdf"]; got != "unsigned/unsigned" {
		t.Errorf("programme: got %s, want unsigned/unsigned", got)
	}
}

// TestVerifyNotPDF: a file that is not a PDF is said to be so, with its
// own exit code, not reported as a PDF without a signature.
func TestVerifyNotPDF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "anh.pdf")
	os.WriteFile(path, []byte("\xff\xd8\xff\xe0 a JPEG named .pdf"), 0o644)
	for _, args := range [][]string{{"verify", path}, {"verify", path, "--json"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut)
		if code != 3 || out.Len() != 0 || !strings.Contains(errOut.String(), "không phải tệp PDF") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 3 and the reason", args, code, out.String(), errOut.String())
		}
	}
}

// TestHostRefusesABrokenDocument: a meeting folder with a PDF cut short
// is not published; dinhd names the file and says why in words, and
// exits 1 before serving anything.
func TestHostRefusesABrokenDocument(t *testing.T) {
	dir := t.TempDir()
	m, err := demo.WriteFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := m.DocumentNames()[0]
	b, _ := os.ReadFile(filepath.Join(dir, name))
	if err := os.WriteFile(filepath.Join(dir, name), b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"host", "--meeting", dir, "--data", t.TempDir(), "--iface", "lo"}, &out, &errOut)
	want := "Tài liệu «" + name + "»: Tệp bị hỏng hoặc không phải PDF"
	if code != 1 || ctx.Err() != nil || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d (%v), stderr %q; want exit 1 and %q", code, ctx.Err(), errOut.String(), want)
	}
	if strings.Contains(out.String(), "http") || strings.Contains(out.String(), "phục vụ") {
		t.Errorf("something was served: %q", out.String())
	}
}

// TestDinhdIsAShell: dinhd stays a shell over packages, under 900 lines of
// Go besides its tests: what grows belongs in the packages it calls.
func TestDinhdIsAShell(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines += bytes.Count(b, []byte("\n"))
	}
	if lines >= 900 {
		t.Fatalf("cmd/dinhd has %d lines of Go besides its tests, want under 900: move wiring and policy into packages", lines)
	}
}
