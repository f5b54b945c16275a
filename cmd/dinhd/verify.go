package main

import (
	"context"
	"crypto/x509"
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
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("give one PDF file")}
	}
	var pool *x509.CertPool
	if *roots != "" {
		p, err := pdfsig.LoadRoots(*roots)
		if err != nil {
			return err
		}
		pool = p
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	rep, err := pdfsig.Verify(b, pool)
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
		}
		out := struct {
			File       string `json:"file"`
			Verdict    string `json:"verdict"`
			Signatures []sig  `json:"signatures"`
		}{File: fs.Arg(0), Verdict: rep.Verdict().Label("en"), Signatures: []sig{}}
		for _, s := range rep.Signatures {
			out.Signatures = append(out.Signatures, sig{s.Verdict.Label("en"), s.Verdict.Label(*lang), s.Detail,
				s.SignerCN, s.SignerOrg, s.IssuerCN, s.SigningTime, s.TimeSource, s.Reason})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if len(rep.Signatures) == 0 {
			fmt.Fprintf(stdout, "%s: %s\n", fs.Arg(0), pdfsig.Unsigned.Label(*lang))
		}
		for i, s := range rep.Signatures {
			fmt.Fprintf(stdout, "Chữ ký %d/%d: %s\n", i+1, len(rep.Signatures), s.Verdict.Label(*lang))
			fmt.Fprintf(stdout, "  Người ký: %s (%s)\n  Tổ chức cấp: %s\n", s.SignerCN, s.SignerOrg, s.IssuerCN)
			if !s.SigningTime.IsZero() {
				fmt.Fprintf(stdout, "  Thời điểm ký: %s (%s)\n", s.SigningTime.Local().Format("15:04:05 02/01/2006"), s.TimeSource)
			}
			if s.Reason != "" {
				fmt.Fprintf(stdout, "  Lý do: %s\n", s.Reason)
			}
			if s.Detail != "" {
				fmt.Fprintf(stdout, "  Chi tiết: %s\n", s.Detail)
			}
		}
	}
	if len(rep.Signatures) == 0 || rep.Verdict() != pdfsig.Valid {
		return errNotAllValid{}
	}
	return nil
}
