package i18n

import (
	"testing"

	"dinh/meeting/pdfsig"
)

// TestSignatureWords: every verdict and every kind of later change that
// pdfsig reports has words in both languages.
func TestSignatureWords(t *testing.T) {
	tests := []struct {
		key, lang, want string
	}{
		{"sig.verdict." + pdfsig.Valid.Code(), "vi", "Hợp lệ"},
		{"sig.verdict." + pdfsig.Modified.Code(), "vi", "Tài liệu đã bị sửa đổi sau khi ký"},
		{"sig.verdict." + pdfsig.Unsigned.Code(), "vi", "Không có chữ ký số"},
		{"sig.verdict." + pdfsig.Revoked.Code(), "en", "Certificate revoked"},
		{"sig.verdict." + pdfsig.UntrustedRoot.Code(), "fr", "Chưa xác định được nguồn tin cậy"},
		{"sig.verdict." + pdfsig.Verdict(99).Code(), "en", "Invalid signature"},
		{"sig.change." + pdfsig.ChangeForm.Code(), "en", "the form was filled in after signing; the content is unchanged"},
	}
	for _, tt := range tests {
		if got := In(tt.lang, tt.key); got != tt.want {
			t.Errorf("In(%q, %q): got %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	t1 := table()
	for _, lang := range Languages {
		for v := pdfsig.Unsigned; v <= pdfsig.Invalid; v++ {
			if _, ok := t1[lang]["sig.verdict."+v.Code()]; !ok {
				t.Errorf("%s: no words for verdict %s", lang, v.Code())
			}
		}
		for c := pdfsig.ChangeSignature; c <= pdfsig.ChangeContent; c++ {
			if _, ok := t1[lang]["sig.change."+c.Code()]; !ok {
				t.Errorf("%s: no words for change %s", lang, c.Code())
			}
		}
	}
	if m := Missing(); len(m) > 0 {
		t.Errorf("keys missing in one language: %v", m)
	}
}

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int64
		want string
	}{
		{"vi", 0, "0 B"},
		{"vi", 999, "999 B"},
		{"vi", 1500, "1,5 kB"},
		{"en", 1500, "1.5 kB"},
		{"vi", 10_000_000, "10 MB"},
		{"vi", 83_400_000, "83 MB"},
		{"en", 2_500_000_000, "2.5 GB"},
		{"vi", -1, "0 B"},
	} {
		if got := BytesIn(tt.lang, tt.n); got != tt.want {
			t.Errorf("BytesIn(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
