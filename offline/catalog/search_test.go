package catalog

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"dinh/internal/fold"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đăng Ký Khai Sinh", "dang ky khai sinh"},
		{"LÝ LỊCH TƯ PHÁP", "ly lich tu phap"},
		{"Nguyễn Thị Ánh Tuyết", "nguyen thi anh tuyet"},
		{"Ủy ban nhân dân cấp xã", "uy ban nhan dan cap xa"},
		{"ươ ƯỚ ỵ Ỹ", "uo uo y y"},
		{"Ðăng", "dang"},                         // eth typed for Đ
		{"ke\u0302\u0301t ho\u0302n", "ket hon"}, // decomposed (NFD)
		{"1.001193", "1.001193"},
		{"Căn cước (VNeID)", "can cuoc (vneid)"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := fold.String(tt.in); got != tt.want {
			t.Errorf("fold.String(%q): got %q, want %q", tt.in, got, tt.want)
		}
		if got := foldMapped(tt.in).text; got != tt.want {
			t.Errorf("foldMapped(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldSpans(t *testing.T) {
	tests := []struct {
		in       string
		from, to int // in the folded text
		want     string
	}{
		{"Đăng ký khai sinh", 0, 4, "Đăng"},
		{"Đăng ký khai sinh", 5, 7, "ký"},
		{"Đăng ký khai sinh", 8, 17, "khai sinh"},
		{"ke\u0302\u0301t ho\u0302n", 0, 2, "ke\u0302\u0301"}, // the marks stay with their letter
		{"ke\u0302\u0301t ho\u0302n", 4, 7, "ho\u0302n"},
	}
	for _, tt := range tests {
		f := foldMapped(tt.in)
		s := f.span(tt.from, tt.to)
		if got := tt.in[s[0]:s[1]]; got != tt.want {
			t.Errorf("%q [%d,%d): got %q, want %q", tt.in, tt.from, tt.to, got, tt.want)
		}
	}
}

func TestWithinOne(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"khai", "khai", true},
		{"khai", "khia", true},  // transposition
		{"khai", "kha", true},   // deletion
		{"khai", "khaii", true}, // insertion
		{"khai", "khoi", true},  // substitution
		{"phap", "hpap", true},
		{"khai", "kho", false},
		{"khai", "ihak", false},
		{"abc", "cab", false},
		{"", "a", true},
		{"", "ab", false},
		{"thuong", "thuogn", true},
		{"thuong", "thoung", true},
		{"thuong", "tuhngo", false},
	}
	for _, tt := range tests {
		if got := withinOne(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOne(%q, %q): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := withinOne(tt.b, tt.a); got != tt.want {
			t.Errorf("withinOne(%q, %q): got %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// testIndex is a small catalogue where each ranking rule can be seen.
func testIndex() *Index {
	mk := func(code, name, sector string, st Status) Procedure {
		return Procedure{Code: code, Name: name, Sector: sector, Level: LevelCommune, Status: st}
	}
	return NewIndex(&Catalog{Procedures: []Procedure{
		mk("1.000001", "Đăng ký khai sinh", "Hộ tịch", StatusInForce),
		mk("1.000002", "Đăng ký khai sinh kết hợp đăng ký thường trú", "Hộ tịch", StatusInForce),
		mk("1.000003", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", StatusInForce),
		mk("1.000004", "Đăng ký kết hôn", "Hộ tịch", StatusInForce),
		mk("2.000001", "Đăng ký khai sinh", "Hộ tịch", StatusReplaced),
		mk("3.000001", "Cấp Phiếu lý lịch tư pháp", "Lý lịch tư pháp", StatusInForce),
		mk("3.000002", "Chứng thực chữ ký", "Chứng thực", StatusInForce),
		mk("3.000003", "Chứng thư số", "Chữ ký số", StatusInForce),
		mk("9.000001", "Hướng dẫn thủ tục 1.000001", "Khác", StatusInForce),
		mk("9.000002", "Đăng ky\u0301 ke\u0302\u0301t ho\u0302n (NFD)", "Hộ tịch", StatusInForce),
	}})
}

func codes(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Procedure.Code)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		name, query string
		want        []string // codes, in order; nil: no hit
	}{
		{"empty", "", nil},
		{"blank", "  \t", nil},
		{"punctuation only", "?!", nil},
		{"nothing matches", "xyzzy", nil},
		{"exact, whole name first, replaced last", "khai sinh", []string{"1.000001", "1.000002", "2.000001"}},
		{"no diacritics", "dang ky khai sinh", []string{"1.000001", "1.000002", "2.000001"}},
		{"upper case with diacritics", "ĐĂNG KÝ KHAI SINH", []string{"1.000001", "1.000002", "2.000001"}},
		{"typo: transposed letters", "khia sinh", []string{"1.000001", "1.000002", "2.000001"}},
		{"typo in a long word", "ly lcih tu phap", []string{"3.000001"}},
		{"short words match exactly", "ket hon", []string{"1.000004", "9.000002"}},
		{"no typo allowed in a short word", "kte hon", nil},
		{"no typo allowed in a short last word", "chung thuc chu kyy", nil},
		{"last word is a prefix", "khai si", []string{"1.000001", "1.000002", "2.000001"}},
		{"only the last word is a prefix", "kha sinh", nil},
		{"exact beats prefix", "chung thu", []string{"3.000003", "3.000002"}},
		{"name beats sector", "ho tich", []string{"1.000003", "1.000001", "1.000002", "1.000004", "9.000002", "2.000001"}},
		{"exact code beats a name", "1.000001", []string{"1.000001", "9.000001"}},
		{"code prefix, then the code in a name", "1.00000", []string{"1.000001", "1.000002", "1.000003", "1.000004", "9.000001"}},
		{"code prefix is case-insensitive", "3.00000", []string{"3.000001", "3.000002", "3.000003"}},
		{"words in any order", "khai sinh dang ky", []string{"1.000001", "1.000002", "2.000001"}},
		{"every word must match", "khai sinh ket hon", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(ix.Search(tt.query, 0)); !slices.Equal(got, tt.want) {
				t.Errorf("%q: got %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	ix := testIndex()
	if got := codes(ix.Search("dang ky", 2)); len(got) != 2 {
		t.Errorf("got %v, want 2 hits", got)
	}
	if got := codes(ix.Search("dang ky", 0)); len(got) != 5 {
		t.Errorf("got %v, want all 5 hits", got)
	}
}

// TestSearchTiers checks the score bands documented in search.go.
func TestSearchTiers(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		query    string
		from, to float64
	}{
		{"1.000001", scoreCodeExact, scoreCodeExact + 1},
		{"1.0000", scoreCodePrefix, scoreCodePrefix + 100},
		{"dang ky khai sinh", tierExact, tierExact + 100},
		{"dang ky khai s", tierPrefix, tierExact},
		{"dang ky khia sinh", tierFuzzy, tierPrefix},
		{"khai sinh ho tich", tierSector, tierFuzzy},
	}
	for _, tt := range tests {
		hits := ix.Search(tt.query, 1)
		if len(hits) == 0 || hits[0].Procedure.Code != "1.000001" {
			t.Errorf("%q: got %v, want 1.000001 first", tt.query, codes(hits))
			continue
		}
		if s := hits[0].Score; s < tt.from || s >= tt.to {
			t.Errorf("%q: got score %.1f, want [%.0f, %.0f)", tt.query, s, tt.from, tt.to)
		}
	}
}

// checkSpans checks that every span is inside its field and on character
// boundaries.
func checkSpans(t *testing.T, h Hit) {
	t.Helper()
	for _, m := range h.Matches {
		text := map[string]string{"code": h.Procedure.Code, "name": h.Procedure.Name, "sector": h.Procedure.Sector}[m.Field]
		for _, s := range m.Spans {
			if s[0] < 0 || s[0] >= s[1] || s[1] > len(text) || !utf8.ValidString(text[s[0]:s[1]]) {
				t.Fatalf("%s %q: bad span %v", m.Field, text, s)
			}
		}
	}
}

// highlight marks the spans of field in h with brackets.
func highlight(h Hit, field string) string {
	text := map[string]string{"code": h.Procedure.Code, "name": h.Procedure.Name, "sector": h.Procedure.Sector}[field]
	for _, m := range h.Matches {
		if m.Field != field {
			continue
		}
		var b strings.Builder
		last := 0
		for _, s := range m.Spans {
			b.WriteString(text[last:s[0]] + "[" + text[s[0]:s[1]] + "]")
			last = s[1]
		}
		return b.String() + text[last:]
	}
	return text
}

func TestSearchSpans(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		query, code, field, want string
	}{
		{"khai sinh", "1.000001", "name", "Đăng ký [khai sinh]"},
		{"dang ky", "1.000001", "name", "[Đăng ký] khai sinh"},
		{"khai sinh dang ky", "1.000001", "name", "[Đăng ký khai sinh]"},
		{"khai si", "1.000001", "name", "Đăng ký [khai si]nh"},
		{"khia sinh", "1.000001", "name", "Đăng ký [khai sinh]"},
		{"dang ky thuong", "1.000002", "name", "Đăng ký khai sinh kết hợp [đăng ký thường] trú"},
		{"ho tich", "1.000001", "sector", "[Hộ tịch]"},
		{"ho tich", "1.000001", "name", "Đăng ký khai sinh"},
		{"ho tich", "1.000003", "name", "Cấp bản sao trích lục [hộ tịch]"},
		{"ho tich", "1.000003", "sector", "Hộ tịch"},
		{"1.0000", "1.000001", "code", "[1.0000]01"},
		{"1.0000", "1.000001", "name", "Đăng ký khai sinh"},
		{"ket hon", "9.000002", "name", "Đăng ky\u0301 [ke\u0302\u0301t ho\u0302n] (NFD)"},
		{"dang ky ke", "9.000002", "name", "[Đăng ky\u0301 ke\u0302\u0301]t ho\u0302n (NFD)"},
		{"ly lich tu phap", "3.000001", "sector", "Lý lịch tư pháp"},
		{"lý lịch", "3.000001", "name", "Cấp Phiếu [lý lịch] tư pháp"},
	}
	for _, tt := range tests {
		var hit *Hit
		for _, h := range ix.Search(tt.query, 0) {
			checkSpans(t, h)
			if h.Procedure.Code == tt.code {
				hit = &h
			}
		}
		if hit == nil {
			t.Errorf("%q: %s not found", tt.query, tt.code)
			continue
		}
		if got := highlight(*hit, tt.field); got != tt.want {
			t.Errorf("%q on %s %s: got %q, want %q", tt.query, tt.code, tt.field, got, tt.want)
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := NewIndex(Sample())
	queries := []string{"khai sinh", "ket hon", "khia sinh", "1.00", "ho tich", "can cuoc", "ly lich tu phap"}
	want := make([][]string, len(queries))
	for i, q := range queries {
		want[i] = codes(ix.Search(q, 10))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(queries))
	for range 8 {
		wg.Go(func() {
			for i, q := range queries {
				if got := codes(ix.Search(q, 10)); !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("%q: got %v, want %v", q, got, want[i])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func FuzzSearch(f *testing.F) {
	ix := NewIndex(Sample())
	for _, q := range []string{"khai sinh", "Đăng ký kết hôn", "khia", "1.0011", "ho tich ", "ke\u0302\u0301t", "\xff", "a b c d e f g h i j k l m n o p q r"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, h := range ix.Search(q, 20) {
			checkSpans(t, h)
		}
	})
}

// bigCatalog derives n procedures from the sample, varying codes and names
// deterministically.
func bigCatalog(n int) *Catalog {
	s := Sample()
	places := []string{"tại xã Tân Lập", "cho người cao tuổi", "tại phường Hòa Bình", "cho hộ nghèo", "ở vùng đồng bào dân tộc thiểu số",
		"tại thị trấn Phú Mỹ", "cho người khuyết tật", "tại xã Đồng Tâm"}
	c := &Catalog{Format: FormatID, Version: FormatVersion, Updated: s.Updated, Procedures: make([]Procedure, n)}
	for i := range c.Procedures {
		p := s.Procedures[i%len(s.Procedures)]
		round := i / len(s.Procedures)
		p.Code = fmt.Sprintf("%d.%06d", 1+i%3, i)
		if round > 0 {
			p.Name = fmt.Sprintf("%s %s (mẫu %d)", p.Name, places[round%len(places)], round/len(places))
		}
		c.Procedures[i] = p
	}
	return c
}

func BenchmarkSearch5000(b *testing.B) {
	ix := NewIndex(bigCatalog(5000))
	queries := []string{
		"Đăng ký khai sinh", // exact
		"dang ky ket hon",   // no diacritics
		"ly lcih tu phap",   // typo
		"khia sinh",         // typo
		"1.0012",            // code prefix
		"thuong tr",         // as you type
		"can cuoc",
		"giay phep xay dung nha o",
		"ho tich",
		"tro cap xa hoi hang thang cho nguoi cao tuoi",
	}
	i := 0
	for b.Loop() {
		ix.Search(queries[i%len(queries)], 20)
		i++
	}
}

func BenchmarkNewIndex5000(b *testing.B) {
	c := bigCatalog(5000)
	for b.Loop() {
		NewIndex(c)
	}
}

func TestParts(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		spans [][2]int
		want  []Part
	}{
		{"none", "Hộ tịch", nil, []Part{{"Hộ tịch", false}}},
		{"whole", "Hộ", [][2]int{{0, len("Hộ")}}, []Part{{"Hộ", true}}},
		{"middle", "Đăng ký khai sinh", [][2]int{{len("Đăng ký "), len("Đăng ký khai")}},
			[]Part{{"Đăng ký ", false}, {"khai", true}, {" sinh", false}}},
		{"two, touching", "abcd", [][2]int{{0, 2}, {2, 4}}, []Part{{"ab", true}, {"cd", true}}},
		{"out of order and out of range are skipped", "abcdef", [][2]int{{3, 4}, {1, 2}, {5, 99}, {4, 4}},
			[]Part{{"abc", false}, {"d", true}, {"ef", false}}},
		{"empty text", "", [][2]int{{0, 1}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parts(tt.text, tt.spans); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parts(%q, %v) = %v, want %v", tt.text, tt.spans, got, tt.want)
			}
		})
	}
}
