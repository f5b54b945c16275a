package words

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/pdf"
	"dinh/meeting/pdfsig"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/sync/lan"
	"dinh/sync/receipt"
)

// TestError: each kind of failure has words of its own in each language,
// found through wrapping, and never holds the error's own text.
func TestError(t *testing.T) {
	tests := []struct {
		lang string
		err  error
		want string
	}{
		{"vi", fmt.Errorf("attach a.txt: %w", photo.ErrNotImage), "Tệp này không phải ảnh (chỉ nhận JPEG, PNG…)."},
		{"en", fmt.Errorf("%w: title is empty", meeting.ErrInvalid), i18n.In("en", "err.meeting_invalid")},
		{"vi", &dossier.IncompleteError{Problems: []dossier.Problem{dossier.NoName}}, "Hồ sơ chưa đủ thông tin để niêm phong."},
		{"vi", &lan.DocumentError{Name: "to-trinh.pdf", Err: fmt.Errorf("open: %w", pdf.ErrCorrupt)},
			"Tài liệu «to-trinh.pdf»: Tệp bị hỏng hoặc không phải PDF (có thể chép chưa xong). Chưa công bố gì; các đại biểu vẫn nhận bản đang công bố."},
		{"vi", errors.New("x509: certificate signed by unknown authority"), i18n.In("vi", "err.unexpected")},
	}
	for _, tt := range tests {
		got := Error(tt.lang, tt.err)
		if got != tt.want || strings.Contains(got, "x509") || strings.Contains(got, "title is empty") {
			t.Errorf("Error(%s, %v) = %q, want %q", tt.lang, tt.err, got, tt.want)
		}
	}
}

// TestChanges: a meeting's changes are told with their counts and names,
// in the order a delegate reads them; no change says nothing.
func TestChanges(t *testing.T) {
	tests := []struct {
		lang string
		c    meeting.Changes
		want string
	}{
		{"vi", meeting.Changes{}, ""},
		{"vi", meeting.Changes{Added: []string{"a.pdf", "b.pdf"}, ItemsGone: []string{"Khai mạc"}, Reordered: true},
			"thêm 2 tài liệu (a.pdf, b.pdf); bỏ 1 nội dung khỏi chương trình (Khai mạc); thứ tự chương trình thay đổi"},
		{"en", meeting.Changes{Replaced: []string{"c.pdf"}, Details: true}, "1 document(s) replaced (c.pdf); " + i18n.In("en", "changes.details")},
	}
	for _, tt := range tests {
		if got := Changes(tt.lang, tt.c); got != tt.want {
			t.Errorf("Changes(%s, %+v) = %q, want %q", tt.lang, tt.c, got, tt.want)
		}
	}
}

// TestSignatureWords: verdicts, revocation sources and kinds of change
// have words in both languages, none of them a bare key.
func TestSignatureWords(t *testing.T) {
	for _, lang := range i18n.Languages {
		for v := pdfsig.Unsigned; v <= pdfsig.Invalid; v++ {
			if w := Verdict(lang, v); strings.HasPrefix(w, "sig.") {
				t.Errorf("%s: verdict %s has no words", lang, v.Code())
			}
		}
		for _, r := range []pdfsig.Revocation{pdfsig.RevocationUnknown, pdfsig.RevocationCRL, pdfsig.RevocationOCSP} {
			if w := Revocation(lang, r); strings.HasPrefix(w, "sig.") {
				t.Errorf("%s: revocation %s has no words", lang, r.Code())
			}
		}
	}
	if got, want := Kinds("vi", nil), i18n.In("vi", "sig.change.none"); got != want {
		t.Errorf("no change: %q, want %q", got, want)
	}
	got := Kinds("en", []pdfsig.Change{pdfsig.ChangeForm, pdfsig.ChangeAnnotation})
	if want := i18n.In("en", "sig.change.form") + "; " + i18n.In("en", "sig.change.annotation"); got != want {
		t.Errorf("two changes: %q, want %q", got, want)
	}
}

// TestRejection: each refusal says what happened and what to do; one
// sealed for another key names both keys; a copy sent again says so; a
// reason this build does not know is still told.
func TestRejection(t *testing.T) {
	const mine, theirs = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqmine01", "age1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzcen002"
	tests := []struct {
		r    outbox.Rejection
		want []string
	}{
		{outbox.Rejection{Reason: receipt.NotFromDevice, Resent: true}, []string{"thay đổi trên đường", "tự động gửi lại"}},
		{outbox.Rejection{Reason: receipt.Damaged}, []string{"bị hỏng trên đường"}},
		{outbox.Rejection{Reason: receipt.OtherKey, CentralKey: theirs}, []string{"age1qqqqqq…mine01", "age1zzzzzz…cen002", "central.pub"}},
		{outbox.Rejection{Reason: "future-reason"}, []string{"future-reason", "quản trị viên"}},
	}
	for _, tt := range tests {
		got := Rejection("vi", &tt.r, mine)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.r.Reason, got, w)
			}
		}
		if tt.r.Reason != receipt.NotFromDevice && strings.Contains(got, "gửi lại") {
			t.Errorf("%s: %q says it was sent again", tt.r.Reason, got)
		}
	}
}
