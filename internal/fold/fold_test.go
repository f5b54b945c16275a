package fold_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"dinh/internal/fold"
)

func TestString(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Kỳ họp Đặc biệt", "ky hop dac biet"},
		{"ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"},
		{"Nguyễn Thị Ngọc Ánh", "nguyen thi ngoc anh"},
		{"giấy", "giay"},
		{"gie\u0302\u0301y", "giey"},  // decomposed: e, circumflex, acute
		{"ðăng ký", "dang ky"},        // eth typed for đ
		{"ﬁle", "file"},               // ligature
		{"２０２６", "2026"},              // full-width digits
		{"a\tb\nc\u00a0d", "a b c d"}, // every space is one space
		{"Tiếng Việt 123", "tieng viet 123"},
		{"日本", "日本"}, // no marks to drop
		{"", ""},
	} {
		if got := fold.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEveryVietnameseLetter folds each of the 67 lower-case Vietnamese
// letters with marks, in upper case too, precomposed and decomposed, to its
// base letter.
func TestEveryVietnameseLetter(t *testing.T) {
	groups := map[string]string{
		"a": "àáảãạăằắẳẵặâầấẩẫậ", "e": "èéẻẽẹêềếểễệ", "i": "ìíỉĩị",
		"o": "òóỏõọôồốổỗộơờớởỡợ", "u": "ùúủũụưừứửữự", "y": "ỳýỷỹỵ", "d": "đ",
	}
	n := 0
	for base, letters := range groups {
		for _, r := range letters {
			for _, s := range []string{string(r), strings.ToUpper(string(r)), norm.NFD.String(string(r)), norm.NFD.String(strings.ToUpper(string(r)))} {
				if got := fold.String(s); got != base {
					t.Errorf("String(%q) = %q, want %q", s, got, base)
				}
			}
			n++
		}
	}
	if n != 67 {
		t.Fatalf("checked %d letters, want 67", n)
	}
}

func TestIsMark(t *testing.T) {
	for _, tt := range []struct {
		r    rune
		want bool
	}{{'\u0301', true}, {'\u0323', true}, {'\u20d0', true}, {'a', false}, {'ơ', false}, {' ', false}} {
		if got := fold.IsMark(tt.r); got != tt.want {
			t.Errorf("IsMark(%U) = %v", tt.r, got)
		}
	}
}
