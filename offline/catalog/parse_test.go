package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dinh/assets"
)

// maxLine is the length limit of a one-line text, in characters, as
// schema.json sets it.
const maxLine = 500

func readMinimal(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseMinimal(t *testing.T) {
	c, err := Parse([]byte(readMinimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Procedures) != 2 {
		t.Fatalf("got %d procedures, want 2", len(c.Procedures))
	}
	p := c.Procedures[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"format", c.Format, FormatID},
		{"code", p.Code, "1.001193"},
		{"level", p.Level, LevelCommune},
		{"whereToGet", p.Cases[0].Papers[0].WhereToGet, "Bệnh viện nơi sinh"},
		{"channel", p.Cases[0].Channels[1], Channel{KindOnline, OnlineWhole, "https://dichvucong.gov.vn"}},
		{"form", p.Forms[0].File, "forms/to-khai-khai-sinh.docx"},
		{"days", c.Procedures[1].Cases[0].ProcessingDays, 0.5},
		{"feeVND", c.Procedures[1].Cases[0].FeeVND, 8000},
		{"replacedBy", c.Lookup("1.000894").ReplacedBy, "1.001193"},
	}
	for _, tt := range checks {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if c.Lookup("9.999999") != nil {
		t.Error("Lookup of a missing code: got a procedure, want nil")
	}
	// A byte order mark, as Windows Notepad writes, is accepted.
	if _, err := Parse(append([]byte("\xef\xbb\xbf"), readMinimal(t)...)); err != nil {
		t.Errorf("with a byte order mark: got %v, want no error", err)
	}
}

// TestParseErrors checks that a corrupt catalogue is refused with the
// position and the path of the first problem. Lines and columns refer to
// testdata/minimal.json after the edit.
func TestParseErrors(t *testing.T) {
	base := readMinimal(t)
	edit := func(old, new string) string {
		if !strings.Contains(base, old) {
			t.Fatalf("testdata/minimal.json lacks %q", old)
		}
		return strings.Replace(base, old, new, 1)
	}
	tests := []struct {
		name       string
		doc        string
		line, col  int
		path, want string
	}{
		{"empty file", "", 1, 1, "", "end of file"},
		{"truncated", base[:strings.Index(base, `"processingDays"`)], 16, 32, "procedures[0].cases[0]", "end of file"},
		{"missing comma", edit(`"Miễn lệ phí",`, `"Miễn lệ phí"`), 17, 11, "procedures[0].cases[0]", "after object key:value pair"},
		{"trailing garbage", base + "x", 41, 1, "", "after top-level value"},
		{"second document", base + "{}", 41, 1, "", "after top-level value"},
		{"invalid UTF-8", edit(`"Hộ tịch"`, "\"H\xff tịch\""), 9, 19, "procedures[0].sector", "UTF-8"},
		{"not an object", "[]", 1, 1, "", "must be an object, not an array"},
		{"wrong type", edit(`"processingDays": 0`, `"processingDays": "0"`), 17, 29, "procedures[0].cases[0].processingDays", "must be a number, not a string"},
		{"null", edit(`"processingDays": 0`, `"processingDays": null`), 17, 29, "procedures[0].cases[0].processingDays", "must be a number, not null"},
		{"fraction for a count", edit(`"originals": 1`, `"originals": 1.5`), 15, 63, "procedures[0].cases[0].papers[0].originals", "whole number"},
		{"unknown field", edit(`"fee":`, `"fees":`), 16, 11, "procedures[0].cases[0].fees", `did you mean "fee"`},
		{"field given twice", edit(`"result": "Giấy khai sinh",`, `"result": "Giấy khai sinh", "result": "x",`), 23, 35, "procedures[0].result", "twice"},
		{"required field missing", edit(`      "result": "Giấy khai sinh",`+"\n", ""), 6, 5, "procedures[0].result", "required"},
		{"bad enum", edit(`"level": "commune"`, `"level": "village"`), 10, 16, "procedures[0].level", `"commune", "district", "province"`},
		{"negative days", edit(`"processingDays": 0`, `"processingDays": -1`), 17, 29, "procedures[0].cases[0].processingDays", "must be >= 0"},
		{"duplicate code", edit(`"code": "1.000894"`, `"code": "1.001193"`), 28, 15, "procedures[1].code", "used twice"},
		{"bad date", edit(`"updated": "2024-07-01"`, `"updated": "2024-13-01"`), 37, 18, "procedures[1].updated", "YYYY-MM-DD"},
		{"unknown replacement", edit(`"replacedBy": "1.001193"`, `"replacedBy": "9.999999"`), 36, 21, "procedures[1].replacedBy", `no procedure has code "9.999999"`},
		{"control character", edit(`"Đăng ký khai sinh"`, `"Đăng ký\u0007 khai sinh"`), 8, 15, "procedures[0].name", "control character U+0007"},
		{"form outside the folder", edit(`"forms/to-khai-khai-sinh.docx"`, `"../to-khai.docx"`), 22, 63, "procedures[0].forms[0].file", "relative path"},
		{"online without mode", edit(`"online": "whole", `, ""), 19, 47, "procedures[0].cases[0].channels[1].online", "required when kind is"},
		{"unsupported version", edit(`"version": 1`, `"version": 2`), 3, 14, "version", "unsupported version 2"},
		{"byte order mark", "\xef\xbb\xbf[]", 1, 1, "", "must be an object"},
		// Valid for the rules checked in Go, but not against schema.json.
		{"wrong type deep in a case", edit(`"detail": "Mở dichvucong.gov.vn."`, `"detail": true`), 18, 54, "procedures[0].cases[0].steps[0].detail", "must be a string, not true or false"},
		{"wrong type in a later procedure", edit(`"feeVND": 8000`, `"feeVND": "8000"`), 33, 66, "procedures[1].cases[0].feeVND", "must be a whole number, not a string"},
		{"wrong constant", edit(`"format": "dinh-catalog"`, `"format": "dinh-catalogue"`), 2, 13, "format", `must be "dinh-catalog"`},
		{"empty name", edit(`"name": "Chung"`, `"name": ""`), 33, 26, "procedures[1].cases[0].name", "must not be empty"},
		{"blank name", edit(`"name": "Chung"`, `"name": " \u3000 "`), 33, 26, "procedures[1].cases[0].name", "must not be empty"},
		{"line break in a one-line text", edit(`"Đăng ký khai sinh"`, `"Đăng ký\nkhai sinh"`), 8, 15, "procedures[0].name", "control character U+000A"},
		{"control character in a text", edit(`"Giấy khai sinh",`, `"Giấy\u0001 khai sinh",`), 23, 17, "procedures[0].result", "control character U+0001"},
		{"impossible date", edit(`"updated": "2024-07-01"`, `"updated": "2023-02-29"`), 37, 18, "procedures[1].updated", "YYYY-MM-DD"},
		{"address without a host", edit(`"https://dichvucong.gov.vn"`, `"https://"`), 19, 92, "procedures[0].cases[0].channels[1].url", "http or https address"},
		{"no channel", edit(`"channels": [{"kind": "postal"}]`, `"channels": []`), 33, 107, "procedures[1].cases[0].channels", "must list at least one channel"},
		{"too many conditions", edit(`"forms": [`, `"conditions": [`+strings.Repeat(`"x", `, 500)+`"x"],`+"\n      \"forms\": ["), 22, 2522, "procedures[0].conditions[500]", "too many items (at most 500)"},
		{"replaced without replacement", edit(`      "replacedBy": "1.001193",`+"\n", ""), 27, 5, "procedures[1].replacedBy", `required when status is "replaced"`},
		{"empty replacement", edit(`"replacedBy": "1.001193"`, `"replacedBy": ""`), 36, 21, "procedures[1].replacedBy", `required when status is "replaced"`},
		{"replacement of a procedure in force", edit(`"status": "in-force",`, `"status": "in-force", "replacedBy": "1.000894",`), 24, 43, "procedures[0].replacedBy", `only allowed when status is "replaced"`},
		{"online mode on a postal channel", edit(`{"kind": "postal"}`, `{"kind": "postal", "online": "whole"}`), 33, 137, "procedures[1].cases[0].channels[0].online", `only allowed when kind is "online"`},
		{"unknown field without a hint", edit(`"fee":`, `"price":`), 16, 11, "procedures[0].cases[0].price", "unknown field"},
		// Only seen in Go: the text, or the catalogue as a whole.
		{"whole number with a fraction", edit(`"originals": 1`, `"originals": 1.0`), 15, 63, "procedures[0].cases[0].papers[0].originals", "whole number"},
		{"number out of range", edit(`"originals": 1`, `"originals": 1e400`), 15, 63, "procedures[0].cases[0].papers[0].originals", "out of range"},
		{"procedure replacing itself", edit(`"replacedBy": "1.001193"`, `"replacedBy": "1.000894"`), 36, 21, "procedures[1].replacedBy", "cannot replace itself"},
		// Several problems: the first in the file is reported.
		{"first of two problems", strings.Replace(edit(`"processingDays": 0`, `"processingDays": -1`), `"level": "commune"`, `"level": "village"`, 1), 10, 16, "procedures[0].level", "must be one of"},
		{"first of two problems in one object", edit(`"processingDays": 0,`, `"processingDays": "0", "x": 1,`), 17, 29, "procedures[0].cases[0].processingDays", "must be a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.doc))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v (%T), want an *Error", err, err)
			}
			if c != nil {
				t.Error("got a catalogue along with the error")
			}
			if pe.Line != tt.line || pe.Column != tt.col || pe.Path != tt.path || !strings.Contains(pe.Msg, tt.want) {
				t.Errorf("got line %d, column %d, path %q, message %q;\nwant line %d, column %d, path %q, a message with %q",
					pe.Line, pe.Column, pe.Path, pe.Msg, tt.line, tt.col, tt.path, tt.want)
			}
		})
	}
}

// TestParseAccepts checks values at the edges of what is allowed.
func TestParseAccepts(t *testing.T) {
	base := readMinimal(t)
	tests := []struct{ name, old, new string }{
		{"empty optional texts", `"whereToGet": "Bệnh viện nơi sinh"`, `"note": "", "whereToGet": ""`},
		{"empty replacement when in force", `"status": "in-force",`, `"status": "in-force", "replacedBy": "", "source": "",`},
		{"empty address", `{"kind": "postal"}`, `{"kind": "postal", "url": ""}`},
		{"address with upper-case scheme", `"https://dichvucong.gov.vn"`, `"HTTPS://dichvucong.gov.vn/a?b#c"`},
		{"line breaks and tabs in a text", `"Giấy khai sinh"`, `"Giấy khai sinh\r\n\tbản chính"`},
		{"longest time", `"processingDays": 0,`, `"processingDays": 366,`},
		{"largest counts", `"originals": 1`, `"originals": 100, "copies": 0`},
		{"leap day", `"updated": "2025-07-01"`, `"updated": "2024-02-29"`},
		{"path with dots", `"forms/to-khai-khai-sinh.docx"`, `".mau/.../to-khai..docx"`},
		{"windows line endings", "\n", "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("testdata/minimal.json lacks %q", tt.old)
			}
			if _, err := Parse([]byte(strings.ReplaceAll(base, tt.old, tt.new))); err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

// TestSchemaMessages checks that every pattern and format of schema.json
// has a message in plain English.
func TestSchemaMessages(t *testing.T) {
	_, raw := catalogSchema()
	found := 0
	var walk func(v any, at []string)
	walk = func(v any, at []string) {
		switch v := v.(type) {
		case map[string]any:
			_, p := v["pattern"].(string)
			_, f := v["format"].(string) // not the field "format"
			if p || f {
				found++
				if len(at) < 2 || at[0] != "$defs" || ruleMessages[at[1]] == "" {
					t.Errorf("/%s: a pattern or format outside the $defs named in ruleMessages", strings.Join(at, "/"))
				}
			}
			for k, x := range v {
				walk(x, append(slices.Clip(at), k))
			}
		case []any:
			for i, x := range v {
				walk(x, append(slices.Clip(at), fmt.Sprint(i)))
			}
		}
	}
	walk(raw, nil)
	if found < len(ruleMessages) {
		t.Errorf("found %d patterns and formats, want at least one per message (%d)", found, len(ruleMessages))
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{12, 9, "procedures[3].cases[0].processingDays", "must be >= 0"}, "line 12, column 9: procedures[3].cases[0].processingDays: must be >= 0"},
		{&Error{1, 1, "", "unexpected end of file"}, "line 1, column 1: unexpected end of file"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestParseLimits(t *testing.T) {
	t.Run("too many procedures", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"format": "dinh-catalog", "version": 1, "updated": "2025-01-01", "procedures": [` + "\n")
		for i := range MaxProcedures + 1 {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, `{"code": "9.%06d", "name": "X", "sector": "Y", "level": "commune", "agency": "Z", `+
				`"cases": [{"name": "C", "fee": "0", "processingDays": 0, "channels": [{"kind": "postal"}]}], `+
				`"result": "R", "status": "in-force", "updated": "2025-01-01"}`, i)
		}
		b.WriteString("]}")
		_, err := Parse([]byte(b.String()))
		var pe *Error
		if !errors.As(err, &pe) || pe.Path != fmt.Sprintf("procedures[%d]", MaxProcedures) || pe.Line != MaxProcedures+2 || pe.Column != 1 {
			t.Fatalf("got %v, want an error at line %d, column 1, procedures[%d]", err, MaxProcedures+2, MaxProcedures)
		}
	})
	t.Run("file too large", func(t *testing.T) {
		_, err := Parse(make([]byte, MaxFileSize+1))
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "larger than 64 MiB") {
			t.Fatalf("got %v, want a size error", err)
		}
	})
	t.Run("name too long", func(t *testing.T) {
		doc := strings.Replace(readMinimal(t), `"Đăng ký khai sinh"`, `"`+strings.Repeat("ă", maxLine+1)+`"`, 1)
		_, err := Parse([]byte(doc))
		var pe *Error
		if !errors.As(err, &pe) || pe.Path != "procedures[0].name" || !strings.Contains(pe.Msg, "too long") {
			t.Fatalf("got %v, want procedures[0].name too long", err)
		}
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(readMinimal(t)), 0o644)
	os.WriteFile(bad, []byte(strings.Replace(readMinimal(t), `"processingDays": 0`, `"processingDays": -1`, 1)), 0o644)

	if c, err := Load(good); err != nil || len(c.Procedures) != 2 {
		t.Errorf("good file: got %v, want 2 procedures", err)
	}
	_, err := Load(bad)
	var pe *Error
	if !errors.As(err, &pe) || pe.Line != 17 || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad file: got %v, want an *Error at line 17 naming the file", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want os.ErrNotExist", err)
	}
}

func TestSample(t *testing.T) {
	c := Sample()
	if len(c.Procedures) < 25 {
		t.Fatalf("got %d procedures, want at least 25", len(c.Procedures))
	}
	if !c.Sample || !strings.Contains(c.Notice, "dichvucong.gov.vn") {
		t.Errorf("got sample %v, notice %q; want it marked as sample data pointing to dichvucong.gov.vn", c.Sample, c.Notice)
	}
	twoCases := 0
	for _, p := range c.Procedures {
		if len(p.Cases) > 1 {
			twoCases++
		}
		if p.Status != StatusInForce {
			continue
		}
		where := false
		for _, cs := range p.Cases {
			online := slices.ContainsFunc(cs.Channels, func(ch Channel) bool { return ch.Kind == KindOnline })
			if online && (len(cs.Steps) < 3 || len(cs.Steps) > 6) {
				t.Errorf("%s %s / %s: got %d steps, want 3 to 6 for an online case", p.Code, p.Name, cs.Name, len(cs.Steps))
			}
			for _, pp := range cs.Papers {
				where = where || pp.WhereToGet != ""
			}
			if len(cs.Papers) == 0 && len(p.Cases) == 1 {
				t.Errorf("%s %s: got no papers, want some", p.Code, p.Name)
			}
		}
		if !where {
			t.Errorf("%s %s: no paper says where to get it", p.Code, p.Name)
		}
	}
	if twoCases < 3 {
		t.Errorf("got %d procedures with several cases, want at least 3", twoCases)
	}
	if Sample() == c {
		t.Error("Sample returned the same catalogue twice; want a fresh copy")
	}
}

// TestSampleFindable checks that every procedure the volunteers ask for
// most is found first when typed without diacritics.
func TestSampleFindable(t *testing.T) {
	ix := NewIndex(Sample())
	tests := []struct{ query, wantName string }{
		{"dang ky khai sinh", "Đăng ký khai sinh"},
		{"dang ky ket hon", "Đăng ký kết hôn"},
		{"khai tu", "Đăng ký khai tử"},
		{"thuong tru", "Đăng ký thường trú"},
		{"tam tru", "Đăng ký tạm trú"},
		{"ly lich tu phap", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"},
		{"cap lai giay chung nhan quyen su dung dat", "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất"},
		{"dinh danh dien tu muc do 2", "Cấp tài khoản định danh điện tử mức độ 2 (VNeID) cho công dân Việt Nam"},
		{"vneid", "Cấp tài khoản định danh điện tử mức độ 2 (VNeID) cho công dân Việt Nam"},
		{"cap lai the bao hiem y te", "Cấp lại thẻ bảo hiểm y tế do bị mất, bị hỏng"},
		{"ho kinh doanh", "Đăng ký thành lập hộ kinh doanh"},
		{"chung thuc ban sao", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp"},
		{"chung thuc chu ky", "Chứng thực chữ ký trong giấy tờ, văn bản"},
		{"trich luc", "Cấp bản sao trích lục hộ tịch"},
		{"tinh trang hon nhan", "Cấp Giấy xác nhận tình trạng hôn nhân"},
		{"can cuoc", "Cấp thẻ Căn cước cho công dân Việt Nam từ đủ 14 tuổi trở lên"},
		{"giay phep xay dung", "Cấp giấy phép xây dựng nhà ở riêng lẻ"},
		{"tro cap that nghiep", "Giải quyết hưởng trợ cấp thất nghiệp"},
		{"giam ho", "Đăng ký giám hộ"},
		{"cai chinh ho tich", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"},
		{"mai tang", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội"},
		{"doi giay phep lai xe", "Cấp đổi giấy phép lái xe"},
		{"1.001193", "Đăng ký khai sinh"},
	}
	for _, tt := range tests {
		hits := ix.Search(tt.query, 3)
		if len(hits) == 0 || hits[0].Procedure.Name != tt.wantName {
			var got []string
			for _, h := range hits {
				got = append(got, h.Procedure.Name)
			}
			t.Errorf("%q: got %q, want %q first", tt.query, got, tt.wantName)
		}
	}
}

func TestChannelCode(t *testing.T) {
	tests := []struct {
		c    Channel
		want string
	}{
		{Channel{Kind: KindOnline, Online: OnlineWhole}, "online.whole"},
		{Channel{Kind: KindOnline, Online: OnlinePartial}, "online.partial"},
		{Channel{Kind: KindOnline}, "online"},
		{Channel{Kind: KindInPerson}, "in-person"},
		{Channel{Kind: KindPostal, Online: OnlineWhole}, "postal"},
	}
	for _, tt := range tests {
		if got := tt.c.Code(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.c, got, tt.want)
		}
	}
}

// TestSchema checks that schema.json lists the same fields, required
// fields and enumerations as the Go types, so the two cannot drift apart.
func TestSchema(t *testing.T) {
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	type def struct {
		Type                 string                     `json:"type"`
		Required             []string                   `json:"required"`
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	var schema struct {
		Schema string         `json:"$schema"`
		Defs   map[string]def `json:"$defs"`
		def
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	if schema.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema: got %q, want draft 2020-12", schema.Schema)
	}
	defs := map[string]def{"Catalog": schema.def}
	for k, v := range schema.Defs {
		defs[k] = v
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Catalog](), reflect.TypeFor[Procedure](), reflect.TypeFor[Case](), reflect.TypeFor[Paper](),
		reflect.TypeFor[Step](), reflect.TypeFor[Form](), reflect.TypeFor[Channel](),
	} {
		d, ok := defs[typ.Name()]
		if !ok {
			t.Errorf("schema.json lacks $defs/%s", typ.Name())
			continue
		}
		var props []string
		for k := range d.Properties {
			props = append(props, k)
		}
		slices.Sort(props)
		fields, required := jsonFields(typ)
		if !slices.Equal(props, fields) {
			t.Errorf("%s: got properties %v, want %v", typ.Name(), props, fields)
		}
		req := slices.Sorted(slices.Values(d.Required))
		want := required
		if !slices.Equal(req, want) {
			t.Errorf("%s: got required %v, want %v", typ.Name(), req, want)
		}
		if d.AdditionalProperties == nil || *d.AdditionalProperties {
			t.Errorf("%s: got additionalProperties %v, want false", typ.Name(), d.AdditionalProperties)
		}
	}
	// Each enumeration in the schema is exactly the set of values the Go
	// type's Valid accepts and its constants name.
	enums := []struct {
		def, prop string
		consts    []string
		valid     func(string) bool
	}{
		{"Procedure", "level", []string{string(LevelCommune), string(LevelDistrict), string(LevelProvince)}, func(v string) bool { return Level(v).Valid() }},
		{"Procedure", "status", []string{string(StatusInForce), string(StatusReplaced)}, func(v string) bool { return Status(v).Valid() }},
		{"Channel", "kind", []string{string(KindInPerson), string(KindPostal), string(KindOnline)}, func(v string) bool { return ChannelKind(v).Valid() }},
		{"Channel", "online", []string{string(OnlineWhole), string(OnlinePartial)}, func(v string) bool { return OnlineMode(v).Valid() }},
	}
	for _, e := range enums {
		var prop struct {
			Enum []string `json:"enum"`
		}
		if err := json.Unmarshal(defs[e.def].Properties[e.prop], &prop); err != nil || len(prop.Enum) == 0 {
			t.Errorf("%s.%s: no enum in the schema (%v)", e.def, e.prop, err)
			continue
		}
		if got, want := slices.Sorted(slices.Values(prop.Enum)), slices.Sorted(slices.Values(e.consts)); !slices.Equal(got, want) {
			t.Errorf("%s.%s: schema enum %v, Go constants %v", e.def, e.prop, got, want)
		}
		for _, v := range prop.Enum {
			if !e.valid(v) {
				t.Errorf("%s.%s: %q is in the schema but not Valid in Go", e.def, e.prop, v)
			}
		}
		for _, v := range []string{"", "village", "In-Force", e.consts[0] + " "} {
			if e.valid(v) {
				t.Errorf("%s.%s: Go accepts %q, which the schema does not list", e.def, e.prop, v)
			}
		}
	}
}

// jsonFields returns the sorted JSON names of the fields of a struct type,
// and of those required: the fields not marked omitempty, which Marshal
// always writes.
func jsonFields(typ reflect.Type) (fields, required []string) {
	for i := range typ.NumField() {
		name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
		if opts != "omitempty" {
			required = append(required, name)
		}
	}
	slices.Sort(fields)
	slices.Sort(required)
	return fields, required
}

func FuzzParse(f *testing.F) {
	// Seeds are compact: the fuzzer minimises every input that finds new
	// code, which takes long on large ones.
	var b bytes.Buffer
	json.Compact(&b, []byte(readMinimal(f)))
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":"dinh-catalog","version":1,"updated":"2025-01-01","procedures":[{}]}`))
	f.Add([]byte(`{"procedures":[{"cases":[{"papers":[{"originals":1e99}]}]}]}`))
	f.Add([]byte("\xef\xbb\xbf{\"a\":"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 || c != nil {
				t.Fatalf("got %v, %v; want an *Error with a position and no catalogue", c, err)
			}
			return
		}
		// What was accepted survives a round trip and can be searched.
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Parse(again)
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if b2, _ := json.Marshal(c2); string(b2) != string(again) {
			t.Fatalf("round trip changed the catalogue:\n%s\n%s", again, b2)
		}
		ix := NewIndex(c)
		for _, p := range c.Procedures[:min(3, len(c.Procedures))] {
			for _, h := range ix.Search(p.Name, 5) {
				checkSpans(t, h)
			}
		}
	})
}

func BenchmarkParseSample(b *testing.B) {
	data := assets.SampleCatalog()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse5000 parses a catalogue of 5,000 procedures, larger than
// any province publishes.
func BenchmarkParse5000(b *testing.B) {
	c := bigCatalog(5000)
	for i := range c.Procedures {
		// bigCatalog renumbers the codes, so replacedBy no longer resolves.
		c.Procedures[i].Status, c.Procedures[i].ReplacedBy = StatusInForce, ""
	}
	data, err := json.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
