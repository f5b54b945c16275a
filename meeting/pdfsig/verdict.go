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

// String returns the verdict's code, for logs. Words for people live in
// the catalogue (internal/i18n), under "sig.verdict." and the code.
func (v Verdict) String() string { return v.Code() }

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
