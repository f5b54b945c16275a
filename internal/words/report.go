package words

import (
	"fmt"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting/pdfsig"
)

// Report is a PDF's verification report as lines for a terminal: a head
// line for each signature (its kind, its place and its verdict) with its
// details indented beneath, or one line saying the file is not signed.
func Report(lang, file string, rep pdfsig.Report) []string {
	w := func(key string, args ...any) string { return i18n.In(lang, "sig.cli."+key, args...) }
	if len(rep.Signatures) == 0 {
		return []string{file + ": " + Verdict(lang, pdfsig.Unsigned)}
	}
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for i, s := range rep.Signatures {
		kind := w("signature")
		switch {
		case s.DocTimestamp:
			kind = w("timestamp")
		case s.Certification > 0:
			kind = w("certification", s.Certification)
		}
		add("%s %d/%d: %s", kind, i+1, len(rep.Signatures), Verdict(lang, s.Verdict))
		add("  %s: %s (%s)", w("signer"), s.SignerCN, s.SignerOrg)
		add("  %s: %s", w("issuer"), s.IssuerCN)
		if !s.SigningTime.IsZero() {
			add("  %s: %s (%s)", w("time"), s.SigningTime.Local().Format("15:04:05 02/01/2006"), w("time."+s.TimeSource))
		}
		if s.Reason != "" {
			add("  %s: %s", w("reason"), s.Reason)
		}
		add("  %s", Revocation(lang, s.Revocation))
		for k, rv := range s.Revisions {
			add("  %s: %s", w("revision", k+1), Kinds(lang, rv.Changes))
		}
		if s.Detail != "" {
			add("  %s: %s", w("detail"), s.Detail)
		}
	}
	return out
}

// ReportJSON is a PDF's verification report for programs: verdicts and
// kinds of change in English words (stable across runs in either
// language), each signature's verdict also as a label in lang, and the
// revocation source and later revisions as codes.
type ReportJSON struct {
	File       string          `json:"file"`
	Verdict    string          `json:"verdict"`
	Signatures []SignatureJSON `json:"signatures"`
}

// SignatureJSON is one signature of a ReportJSON.
type SignatureJSON struct {
	Verdict     string         `json:"verdict"`
	Label       string         `json:"label"`
	Detail      string         `json:"detail,omitempty"`
	Signer      string         `json:"signer,omitempty"`
	Org         string         `json:"organisation,omitempty"`
	Issuer      string         `json:"issuer,omitempty"`
	SigningTime time.Time      `json:"signing_time,omitzero"`
	TimeSource  string         `json:"time_source,omitempty"`
	Reason      string         `json:"reason,omitempty"`
	Timestamp   bool           `json:"document_timestamp,omitempty"`
	Certified   int            `json:"certification_level,omitempty"`
	Revocation  string         `json:"revocation"`
	Changes     []string       `json:"changes_after_signing,omitempty"`
	Revisions   []RevisionJSON `json:"revisions_after_signing,omitempty"`
}

// RevisionJSON is one revision saved after a signature, with the codes of
// what it changed.
type RevisionJSON struct {
	Offset  int64    `json:"offset"`
	Changes []string `json:"changes"`
}

// JSON is rep in the shape of ReportJSON.
func JSON(lang, file string, rep pdfsig.Report) ReportJSON {
	out := ReportJSON{File: file, Verdict: Verdict("en", rep.Verdict()), Signatures: []SignatureJSON{}}
	for _, s := range rep.Signatures {
		var changes []string
		for _, c := range s.Changes {
			changes = append(changes, i18n.In("en", "sig.change."+c.Code()))
		}
		var revs []RevisionJSON
		for _, rv := range s.Revisions {
			r := RevisionJSON{Offset: rv.Offset, Changes: []string{}}
			for _, c := range rv.Changes {
				r.Changes = append(r.Changes, c.Code())
			}
			revs = append(revs, r)
		}
		out.Signatures = append(out.Signatures, SignatureJSON{Verdict("en", s.Verdict), Verdict(lang, s.Verdict), s.Detail,
			s.SignerCN, s.SignerOrg, s.IssuerCN, s.SigningTime, s.TimeSource, s.Reason,
			s.DocTimestamp, s.Certification, s.Revocation.Code(), changes, revs})
	}
	return out
}
