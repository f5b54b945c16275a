package i18n

import (
	"testing"

	"dinh/meeting/pdfsig"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
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

// TestDomainWords: every code the domain packages report (a procedure's
// level, status and channel, a dossier's problem, an outbox state) has
// words in both languages, and a code with none shows as itself.
func TestDomainWords(t *testing.T) {
	codes := map[string][]string{}
	for _, l := range []catalog.Level{catalog.LevelCommune, catalog.LevelDistrict, catalog.LevelProvince} {
		codes["catalog.level."] = append(codes["catalog.level."], string(l))
	}
	for _, s := range []catalog.Status{catalog.StatusInForce, catalog.StatusReplaced} {
		codes["catalog.status."] = append(codes["catalog.status."], string(s))
	}
	for _, k := range []catalog.ChannelKind{catalog.KindInPerson, catalog.KindPostal, catalog.KindOnline} {
		codes["catalog.channel."] = append(codes["catalog.channel."], catalog.Channel{Kind: k}.Code())
	}
	for _, m := range []catalog.OnlineMode{catalog.OnlineWhole, catalog.OnlinePartial} {
		codes["catalog.channel."] = append(codes["catalog.channel."], catalog.Channel{Kind: catalog.KindOnline, Online: m}.Code())
	}
	for _, p := range dossier.Problems {
		codes["dossier.problem."] = append(codes["dossier.problem."], string(p))
	}
	for _, s := range outbox.States {
		codes["outbox.state."] = append(codes["outbox.state."], string(s))
	}
	for prefix, cs := range codes {
		for _, c := range cs {
			vi, en := Word("vi", prefix, c), Word("en", prefix, c)
			if vi == c || en == c || vi == en {
				t.Errorf("%s%s: vi %q, en %q", prefix, c, vi, en)
			}
		}
	}
	for _, tt := range []struct{ lang, prefix, code, want string }{
		{"vi", "outbox.state.", string(outbox.Sealed), "Đã niêm phong"},
		{"en", "catalog.channel.", "online.partial", "Partly online"},
		{"fr", "catalog.level.", "district", "Cấp huyện"},
		{"vi", "catalog.level.", "village", "village"},
	} {
		if got := Word(tt.lang, tt.prefix, tt.code); got != tt.want {
			t.Errorf("Word(%s, %s, %s) = %q, want %q", tt.lang, tt.prefix, tt.code, got, tt.want)
		}
	}
}
