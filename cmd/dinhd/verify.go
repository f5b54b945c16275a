package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/meeting/pdfsig"
)

type verifyCmd struct {
	File  string `arg:"" help:"${h_verify_file}" placeholder:"FILE.pdf"`
	Roots string `help:"${h_verify_roots}" placeholder:"DIR"`
	JSON  bool   `name:"json" help:"${h_json}"`
}

func (c *verifyCmd) Run(e *env) error {
	stdout := e.stdout
	var trust *pdfsig.Trust
	if c.Roots != "" {
		t, err := pdfsig.LoadTrust(c.Roots)
		if err != nil {
			return err
		}
		trust = t
	}
	b, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	if !pdfsig.IsPDF(b) {
		return exitError{exitNoPDF, errors.New(e.T("verify.notPDF", c.File))}
	}
	rep, err := pdfsig.Verify(b, trust)
	if err != nil {
		return err
	}
	if c.JSON {
		type rev struct {
			Offset  int64    `json:"offset"`
			Changes []string `sep:"none" json:"changes"`
		}
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
			Changes     []string  `sep:"none" json:"changes_after_signing,omitempty"`
			Revisions   []rev     `json:"revisions_after_signing,omitempty"`
		}
		out := struct {
			File       string `json:"file"`
			Verdict    string `json:"verdict"`
			Signatures []sig  `json:"signatures"`
		}{File: c.File, Verdict: words.Verdict("en", rep.Verdict()), Signatures: []sig{}}
		for _, s := range rep.Signatures {
			var changes []string
			for _, c := range s.Changes {
				changes = append(changes, i18n.In("en", "sig.change."+c.Code()))
			}
			var revs []rev
			for _, rv := range s.Revisions {
				r := rev{Offset: rv.Offset, Changes: []string{}}
				for _, c := range rv.Changes {
					r.Changes = append(r.Changes, c.Code())
				}
				revs = append(revs, r)
			}
			out.Signatures = append(out.Signatures, sig{words.Verdict("en", s.Verdict), words.Verdict(e.lang, s.Verdict), s.Detail,
				s.SignerCN, s.SignerOrg, s.IssuerCN, s.SigningTime, s.TimeSource, s.Reason,
				s.DocTimestamp, s.Certification, s.Revocation.Code(), changes, revs})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		w := func(key string, args ...any) string { return i18n.In(e.lang, "sig.cli."+key, args...) }
		if len(rep.Signatures) == 0 {
			fmt.Fprintf(stdout, "%s: %s\n", c.File, words.Verdict(e.lang, pdfsig.Unsigned))
		}
		for i, s := range rep.Signatures {
			kind := w("signature")
			switch {
			case s.DocTimestamp:
				kind = w("timestamp")
			case s.Certification > 0:
				kind = w("certification", s.Certification)
			}
			fmt.Fprintf(stdout, "%s %d/%d: %s\n", kind, i+1, len(rep.Signatures), words.Verdict(e.lang, s.Verdict))
			fmt.Fprintf(stdout, "  %s: %s (%s)\n  %s: %s\n", w("signer"), s.SignerCN, s.SignerOrg, w("issuer"), s.IssuerCN)
			if !s.SigningTime.IsZero() {
				fmt.Fprintf(stdout, "  %s: %s (%s)\n", w("time"), s.SigningTime.Local().Format("15:04:05 02/01/2006"), w("time."+s.TimeSource))
			}
			if s.Reason != "" {
				fmt.Fprintf(stdout, "  %s: %s\n", w("reason"), s.Reason)
			}
			fmt.Fprintf(stdout, "  %s\n", words.Revocation(e.lang, s.Revocation))
			for k, rv := range s.Revisions {
				fmt.Fprintf(stdout, "  %s: %s\n", w("revision", k+1), words.Kinds(e.lang, rv.Changes))
			}
			if s.Detail != "" {
				fmt.Fprintf(stdout, "  %s: %s\n", w("detail"), s.Detail)
			}
		}
	}
	if len(rep.Signatures) == 0 || rep.Verdict() != pdfsig.Valid {
		return exitError{code: exitFail}
	}
	return nil
}
