package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallCatalog is a valid catalogue of two procedures; line 9 holds the
// processing days.
const smallCatalog = `{
  "format": "dinh-catalog",
  "version": 1,
  "updated": "2025-07-15",
  "procedures": [
    {"code": "1.000894", "name": "Đăng ký kết hôn", "sector": "Hộ tịch", "level": "commune",
     "agency": "Ủy ban nhân dân cấp xã", "result": "Giấy chứng nhận kết hôn", "status": "in-force", "updated": "2025-07-01",
     "cases": [{"name": "Chung", "fee": "Miễn lệ phí", "channels": [{"kind": "in-person"}],
      "processingDays": 0}]},
    {"code": "1.000001", "name": "Kết hôn cũ", "sector": "Hộ tịch", "level": "district",
     "agency": "Ủy ban nhân dân cấp huyện", "result": "Giấy chứng nhận kết hôn", "status": "replaced", "replacedBy": "1.000894",
     "updated": "2024-07-01", "cases": [{"name": "Chung", "fee": "Miễn lệ phí", "processingDays": 1, "channels": [{"kind": "postal"}]}]}
  ]
}
`

func writeCatalog(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCatalog(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"catalog"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCatalogSearch(t *testing.T) {
	small := writeCatalog(t, smallCatalog)
	tests := []struct {
		name   string
		args   []string
		code   int
		want   []string // in stdout
		lines  int      // lines of stdout; 0: any
		stderr string
	}{
		{"bundled sample", []string{"search", "khai", "sinh"}, 0,
			[]string{"1.001193  Đăng ký [khai sinh] · Hộ tịch · Cấp xã"}, 0, "dữ liệu mẫu"},
		{"flags after the query", []string{"search", "dang", "ky", "ket", "hon", "--limit", "1", "--lang", "en"}, 0,
			[]string{"1.000894  [Đăng ký kết hôn] · Hộ tịch · Commune"}, 1, "sample data"},
		{"flags before the query", []string{"search", "--limit=2", "ho", "tich"}, 0, nil, 2, ""},
		{"code", []string{"search", "1.0011"}, 0, []string{"[1.0011]93  Đăng ký khai sinh"}, 0, ""},
		{"typo", []string{"search", "khia sinh", "--limit", "1"}, 0, []string{"Đăng ký [khai sinh]"}, 1, ""},
		{"no hit", []string{"search", "xyzzy"}, 1, []string{"Không tìm thấy thủ tục nào."}, 1, ""},
		{"no hit in English", []string{"search", "xyzzy", "--lang", "en"}, 1, []string{"No procedure found."}, 1, ""},
		{"own file, replaced last", []string{"search", "ket hon", "--file", small}, 0,
			[]string{"1.000894  Đăng ký [kết hôn] · Hộ tịch · Cấp xã\n1.000001  [Kết hôn] cũ · Hộ tịch · Cấp huyện · Đã được thay thế → 1.000894"}, 2, ""},
		{"after --", []string{"search", "--", "--json"}, 1, []string{"Không tìm thấy"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCatalog(tt.args...)
			if code != tt.code {
				t.Fatalf("got exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("got stdout\n%s\nwant it to contain\n%s", out, w)
				}
			}
			if n := strings.Count(out, "\n"); tt.lines > 0 && n != tt.lines {
				t.Errorf("got %d lines, want %d:\n%s", n, tt.lines, out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("got stderr %q, want it to contain %q", errOut, tt.stderr)
			}
		})
	}
}

func TestCatalogSearchJSON(t *testing.T) {
	code, out, _ := runCatalog("search", "--json", "khai sinh", "--limit", "3")
	if code != 0 {
		t.Fatalf("got exit %d, want 0", code)
	}
	var hits []struct {
		Code, Name, Sector, Level string
		Score                     float64
	}
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("got %q: %v", out, err)
	}
	if len(hits) == 0 || len(hits) > 3 || hits[0].Code != "1.001193" || hits[0].Level != "commune" ||
		hits[0].Sector != "Hộ tịch" || hits[0].Score <= 0 {
		t.Fatalf("got %+v, want at most 3 hits with 1.001193 first", hits)
	}
	code, out, _ = runCatalog("search", "--json", "xyzzy")
	if code != 1 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("no hit: got exit %d and %q, want 1 and []", code, out)
	}
}

func TestCatalogValidate(t *testing.T) {
	good := writeCatalog(t, smallCatalog)
	bad := writeCatalog(t, strings.Replace(smallCatalog, `"processingDays": 0`, `"processingDays": -0.5`, 1))
	tests := []struct {
		name        string
		args        []string
		code        int
		out, errOut string
	}{
		{"valid", []string{"validate", good}, 0, "OK: 2 thủ tục\n", ""},
		{"valid, in English", []string{"validate", "--lang", "en", good}, 0, "OK: 2 procedures\n", ""},
		{"bundled sample", []string{"validate", "../../assets/catalog/sample.json"}, 0, "OK: ", ""},
		{"invalid", []string{"validate", bad}, 1, "", "line 9, column 25: procedures[0].cases[0].processingDays: must be >= 0"},
		{"missing file", []string{"validate", filepath.Join(t.TempDir(), "none.json")}, 1, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCatalog(tt.args...)
			if code != tt.code || !strings.HasPrefix(out, tt.out) || !strings.Contains(errOut, tt.errOut) {
				t.Errorf("got exit %d, stdout %q, stderr %q; want %d, %q and %q", code, out, errOut, tt.code, tt.out, tt.errOut)
			}
		})
	}
}

func TestCatalogUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "cần một trong:"},
		{[]string{"fly"}, "không hiểu đối số fly"},
		{[]string{"search"}, "cần \"<query> ...\""},
		{[]string{"search", "   "}, "hãy nhập từ cần tìm"},
		{[]string{"search", "khai", "--limit", "0"}, "--limit phải từ 1 trở lên"},
		{[]string{"search", "khai", "--limit", "many"}, "--limit: cần một số nguyên nhưng nhận \"many\""},
		{[]string{"search", "khai", "--bogus"}, "không có tuỳ chọn --bogus"},
		{[]string{"search", "--lang", "fr", "khai"}, "--lang phải là một trong \"vi\",\"en\", không phải \"fr\""},
		{[]string{"validate"}, "cần \"<file>\""},
		{[]string{"validate", "a.json", "b.json"}, "không hiểu đối số b.json"},
	}
	for _, tt := range tests {
		code, _, errOut := runCatalog(tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: got exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	if code, out, _ := runCatalog("--help"); code != 0 || !strings.Contains(out, "catalog validate") {
		t.Errorf("--help: got exit %d, %q", code, out)
	}
}
