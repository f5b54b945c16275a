package pdfsig

// Verdict is the outcome of verifying one signature, or a whole document.
type Verdict int

// Verdicts, from the best to the worst as Report.Verdict ranks them.
const (
	Unsigned      Verdict = iota // the document carries no signature
	Valid                        // intact, trusted chain, valid at signing time
	UntrustedRoot                // intact, but the chain ends outside the trust store
	Expired                      // the signer's chain was not valid at signing time
	Revoked                      // an embedded CRL revokes a certificate of the chain
	Modified                     // intact, but the file changed after signing
	Invalid                      // the signature or its byte range does not verify
)

var labels = map[string]map[Verdict]string{
	"vi": {
		Unsigned:      "Không có chữ ký số",
		Valid:         "Hợp lệ",
		UntrustedRoot: "Chưa xác định được nguồn tin cậy",
		Expired:       "Chứng thư số đã hết hạn tại thời điểm ký",
		Revoked:       "Chứng thư số đã bị thu hồi",
		Modified:      "Tài liệu đã bị sửa đổi sau khi ký",
		Invalid:       "Chữ ký không hợp lệ",
	},
	"en": {
		Unsigned:      "No digital signature",
		Valid:         "Valid",
		UntrustedRoot: "Trust source not established",
		Expired:       "Certificate expired at signing time",
		Revoked:       "Certificate revoked",
		Modified:      "Document modified after signing",
		Invalid:       "Invalid signature",
	},
}

// Label returns the verdict as shown to a person, in lang ("vi" or "en";
// anything else falls back to Vietnamese).
func (v Verdict) Label(lang string) string {
	m, ok := labels[lang]
	if !ok {
		m = labels["vi"]
	}
	if s, ok := m[v]; ok {
		return s
	}
	return m[Invalid]
}

// String returns the English label, for logs.
func (v Verdict) String() string { return v.Label("en") }

var codes = map[Verdict]string{
	Unsigned: "unsigned", Valid: "valid", UntrustedRoot: "untrusted-root", Expired: "expired",
	Revoked: "revoked", Modified: "modified", Invalid: "invalid",
}

// Code is the verdict's stable name, as recorded in a meeting manifest.
func (v Verdict) Code() string {
	if c, ok := codes[v]; ok {
		return c
	}
	return codes[Invalid]
}

// ParseCode returns the verdict with that code.
func ParseCode(code string) (Verdict, bool) {
	for v, c := range codes {
		if c == code {
			return v, true
		}
	}
	return Invalid, false
}
