package pdf

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ngân sách", "ngan sach"},
		{"ĐẦU TƯ", "dau tu"},
		{"đầu tư", "dau tu"},
		{"Giáo dục", "giao duc"},
		{"Ủy ban nhân dân xã Tân Trào", "uy ban nhan dan xa tan trao"},
		{"Hội đồng", "hoi dong"},
		{"  a \t\n b  ", "a b"},
		{"ngân sa\u0301ch", "ngan sach"}, // decomposed accent
		{"ﬁnance", "finance"},            // ligature
		{"Ｔrang", "trang"},               // full-width
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(foldQuery(tt.in)); got != tt.want {
			t.Errorf("foldQuery(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// line builds the characters of one line of text, each 10 points wide.
func line(s string, block, ln int, y float32) []char {
	var out []char
	x := float32(0)
	for _, r := range s {
		out = append(out, char{r: r, block: block, line: ln, x0: x, y0: y, x1: x + 10, y1: y + 12})
		x += 10
	}
	return out
}

func TestSearchChars(t *testing.T) {
	chars := append(line("Chi ngân", 0, 0, 0), line("sách xã, ngân sách", 0, 1, 20)...)
	tests := []struct {
		query string
		want  []Rect
	}{
		// Across the line break: one rectangle per line.
		{"ngan sach", []Rect{{40, 0, 40, 12}, {0, 20, 40, 12}, {90, 20, 90, 12}}},
		{"xa", []Rect{{50, 20, 20, 12}}},
		{"chi", []Rect{{0, 0, 30, 12}}},
		{"ngân sáchx", nil},
	}
	for _, tt := range tests {
		got := searchChars(chars, foldQuery(tt.query))
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %v, want %v", tt.query, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q rect %d: got %+v, want %+v", tt.query, i, got[i], tt.want[i])
			}
		}
	}
}

func TestBucketDPI(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{72, 72},
		{144, 144},
		{150, 150.375},
		{151, 150.375},
		{300, 300.751},
	}
	for _, tt := range tests {
		if got := BucketDPI(tt.in); got != tt.want {
			t.Errorf("BucketDPI(%g): got %g, want %g", tt.in, got, tt.want)
		}
		if got := BucketDPI(tt.in); got/tt.in > 1.023 || tt.in/got > 1.023 {
			t.Errorf("BucketDPI(%g): got %g, want within 2.2 %%", tt.in, got)
		}
	}
}
