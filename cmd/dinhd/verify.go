package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"dinh/meeting/pdfsig"
)

// errNotAllValid makes `dinhd verify` exit 1 without another message.
type errNotAllValid struct{}

func (errNotAllValid) Error() string { return "not every signature is valid" }

func verifyCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	roots := fs.String("roots", "", "folder of trusted root certificates (PEM or DER)")
	asJSON := fs.Bool("json", false, "print the verdicts as JSON")
	lang := fs.String("lang", "vi", "language of the verdicts: vi or en")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError{err}
	}
	if len(files) != 1 {
		return usageError{fmt.Errorf("give one PDF file")}
	}
	var trust *pdfsig.Trust
	if *roots != "" {
		t, err := pdfsig.LoadTrust(*roots)
		if err != nil {
			return err
		}
		trust = t
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	rep, err := pdfsig.Verify(b, trust)
	if err != nil {
		return err
	}
	if *asJSON {
		type sig struct {
			Verdict     string    `json:"verdict"`
			Label       string    `json:"label"`
			Detail      string    `json:"detail,omitempty"`
			Signer      string    `json:"signer,omitempty"`
			Org         string    `json:"organisation,omitempty"`
			Issuer      string    `json:"issuer,omitempty"`
			SigningTime time.Time `json:"signing_time,omitzero"`
			TimeSource  string    `json:"time_source,omitempty"`
			Reason      string    `json:"reason,omitempty"`
			Timestamp   bool      `json:"document_timestamp,omitempty"`
			Certified   int       `json:"certification_level,omitempty"`
			Revocation  string    `json:"revocation"`
			Changes     []string  `json:"changes_after_signing,omitempty"`
		}
		out := struct {
			File       string `json:"file"`
			Verdict    string `json:"verdict"`
			Signatures []sig  `json:"signatures"`
		}{File: files[0], Verdict: rep.Verdict().Label("en"), Signatures: []sig{}}
		for _, s := range rep.Signatures {
			var changes []string
			for _, c := range s.Changes {
				changes = append(changes, c.Label("en"))
			}
			out.Signatures = append(out.Signatures, sig{s.Verdict.Label("en"), s.Verdict.Label(*lang), s.Detail,
				s.SignerCN, s.SignerOrg, s.IssuerCN, s.SigningTime, s.TimeSource, s.Reason,
				s.DocTimestamp, s.Certification, revocationNames[s.Revocation], changes})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if len(rep.Signatures) == 0 {
			fmt.Fprintf(stdout, "%s: %s\n", files[0], pdfsig.Unsigned.Label(*lang))
		}
		w := words[*lang]
		if w == nil {
			w = words["vi"]
		}
		for i, s := range rep.Signatures {
			kind := w["signature"]
			switch {
			case s.DocTimestamp:
				kind = w["timestamp"]
			case s.Certification > 0:
				kind = fmt.Sprintf("%s (P=%d)", w["certification"], s.Certification)
			}
			fmt.Fprintf(stdout, "%s %d/%d: %s\n", kind, i+1, len(rep.Signatures), s.Verdict.Label(*lang))
			fmt.Fprintf(stdout, "  %s: %s (%s)\n  %s: %s\n", w["signer"], s.SignerCN, s.SignerOrg, w["issuer"], s.IssuerCN)
			if !s.SigningTime.IsZero() {
				fmt.Fprintf(stdout, "  %s: %s (%s)\n", w["time"], s.SigningTime.Local().Format("15:04:05 02/01/2006"), w["time:"+s.TimeSource])
			}
			if s.Reason != "" {
				fmt.Fprintf(stdout, "  %s: %s\n", w["reason"], s.Reason)
			}
			fmt.Fprintf(stdout, "  %s: %s\n", w["revocation"], w[revocationNames[s.Revocation]])
			for _, c := range s.Changes {
				fmt.Fprintf(stdout, "  %s: %s\n", w["after"], c.Label(*lang))
			}
			if s.Detail != "" {
				fmt.Fprintf(stdout, "  %s: %s\n", w["detail"], s.Detail)
			}
		}
	}
	if len(rep.Signatures) == 0 || rep.Verdict() != pdfsig.Valid {
		return errNotAllValid{}
	}
	return nil
}

var revocationNames = map[pdfsig.Revocation]string{
	pdfsig.RevocationUnknown: "unknown", pdfsig.RevocationCRL: "crl", pdfsig.RevocationOCSP: "ocsp",
}

// words are the labels of the text output.
var words = map[string]map[string]string{
	"vi": {
		"signature": "Chữ ký", "timestamp": "Dấu thời gian", "certification": "Chữ ký chứng thực",
		"time:timestamp": "theo dấu thời gian đã kiểm tra", "time:signing-time attribute": "do người ký khai trong chữ ký",
		"time:/M": "do người ký khai trong từ điển chữ ký (/M), chữ ký không ghi thời điểm", "time:": "không rõ, kiểm tra theo hiện tại", "signer": "Người ký", "issuer": "Tổ chức cấp",
		"time": "Thời điểm ký", "reason": "Lý do", "revocation": "Kiểm tra thu hồi", "after": "Sau khi ký",
		"detail": "Chi tiết", "unknown": "không có dữ liệu thu hồi", "crl": "đã kiểm tra (CRL)", "ocsp": "đã kiểm tra (OCSP)",
	},
	"en": {
		"signature": "Signature", "timestamp": "Document timestamp", "certification": "Certification signature",
		"time:timestamp": "from a verified timestamp", "time:signing-time attribute": "claimed by the signer in the signature",
		"time:/M": "claimed by the signer in the signature dictionary (/M); the signature carries no time", "time:": "unknown, checked at the present time", "signer": "Signer", "issuer": "Issuer",
		"time": "Signing time", "reason": "Reason", "revocation": "Revocation", "after": "After signing",
		"detail": "Detail", "unknown": "no revocation data", "crl": "checked (CRL)", "ocsp": "checked (OCSP)",
	},
}
