package catalog

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// problem is a validation failure at a field path.
type problem struct{ path, msg string }

// Length limits, in characters.
const (
	maxCode  = 64
	maxLine  = 500  // names, titles, agencies
	maxText  = 4000 // details, notes, conditions
	maxDays  = 366
	maxCount = 100 // originals or copies of one paper
	maxFee   = 1_000_000_000_000
)

// validate checks what the JSON types cannot express. It returns the first
// problem in document order, or nil.
func validate(c *Catalog) *problem {
	v := &validator{}
	v.check(c)
	return v.first
}

type validator struct{ first *problem }

func (v *validator) fail(path, format string, args ...any) {
	if v.first == nil {
		v.first = &problem{path, fmt.Sprintf(format, args...)}
	}
}

// line checks a one-line text: no control characters at all.
func (v *validator) line(path, s string, required bool, limit int) {
	v.text(path, s, required, limit, false)
}

// text checks a text; multiline allows line breaks and tabs.
func (v *validator) text(path, s string, required bool, limit int, multiline bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required || s != "" {
			v.fail(path, "must not be empty")
		}
	case utf8.RuneCountInString(s) > limit:
		v.fail(path, "too long (at most %d characters)", limit)
	default:
		for _, r := range s {
			if multiline && (r == '\n' || r == '\t' || r == '\r') {
				continue
			}
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				v.fail(path, "must not contain control character %U", r)
				return
			}
		}
	}
}

func (v *validator) date(path, s string) {
	if _, err := time.Parse(DateLayout, s); err != nil {
		v.fail(path, "must be a date written YYYY-MM-DD")
	}
}

func (v *validator) check(c *Catalog) {
	if c.Format != FormatID {
		v.fail("format", "must be %q", FormatID)
	}
	if c.Version != FormatVersion {
		v.fail("version", "unsupported version %d; this program reads version %d", c.Version, FormatVersion)
	}
	v.text("notice", c.Notice, false, maxText, true)
	v.date("updated", c.Updated)
	if len(c.Procedures) == 0 {
		v.fail("procedures", "must list at least one procedure")
	}
	first := make(map[string]int, len(c.Procedures))
	for i := len(c.Procedures) - 1; i >= 0; i-- {
		first[c.Procedures[i].Code] = i
	}
	for i := range c.Procedures {
		if v.first != nil {
			return
		}
		v.procedure(fmt.Sprintf("procedures[%d]", i), &c.Procedures[i], i, first)
	}
}

func (v *validator) procedure(at string, p *Procedure, i int, first map[string]int) {
	v.code(at+".code", p.Code)
	if j := first[p.Code]; j != i {
		v.fail(at+".code", "code %q is used twice (also by procedures[%d])", p.Code, j)
	}
	v.line(at+".name", p.Name, true, maxLine)
	v.line(at+".sector", p.Sector, true, maxLine)
	if !p.Level.Valid() {
		v.fail(at+".level", `must be one of "commune", "district", "province"`)
	}
	v.line(at+".agency", p.Agency, true, maxLine)
	v.text(at+".audience", p.Audience, false, maxText, true)
	for j, s := range p.Conditions {
		v.text(fmt.Sprintf("%s.conditions[%d]", at, j), s, true, maxText, true)
	}
	if len(p.Cases) == 0 {
		v.fail(at+".cases", "must list at least one case")
	}
	for j := range p.Cases {
		v.caseOf(fmt.Sprintf("%s.cases[%d]", at, j), &p.Cases[j])
	}
	for j, s := range p.LegalBases {
		v.line(fmt.Sprintf("%s.legalBases[%d]", at, j), s, true, maxLine)
	}
	for j, f := range p.Forms {
		fa := fmt.Sprintf("%s.forms[%d]", at, j)
		v.line(fa+".name", f.Name, true, maxLine)
		v.file(fa+".file", f.File)
	}
	v.text(at+".result", p.Result, true, maxText, true)
	switch p.Status {
	case StatusInForce:
		if p.ReplacedBy != "" {
			v.fail(at+".replacedBy", `only allowed when status is "replaced"`)
		}
	case StatusReplaced:
		switch j, ok := first[p.ReplacedBy]; {
		case p.ReplacedBy == "":
			v.fail(at+".replacedBy", `required when status is "replaced"`)
		case !ok:
			v.fail(at+".replacedBy", "no procedure has code %q", p.ReplacedBy)
		case j == i:
			v.fail(at+".replacedBy", "a procedure cannot replace itself")
		}
	default:
		v.fail(at+".status", `must be "in-force" or "replaced"`)
	}
	v.text(at+".source", p.Source, false, maxLine, false)
	v.date(at+".updated", p.Updated)
}

func (v *validator) code(path, s string) {
	if s == "" {
		v.fail(path, "must not be empty")
		return
	}
	if len(s) > maxCode {
		v.fail(path, "too long (at most %d characters)", maxCode)
		return
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-' || r == '_') {
			v.fail(path, "must contain only letters, digits, '.', '-' and '_'")
			return
		}
	}
}

// file checks a form's path: relative, inside the catalogue's folder.
func (v *validator) file(path, s string) {
	v.line(path, s, true, maxLine)
	if v.first != nil {
		return
	}
	bad := strings.HasPrefix(s, "/") || strings.ContainsAny(s, `\:`)
	for _, part := range strings.Split(s, "/") {
		bad = bad || part == "" || part == "." || part == ".."
	}
	if bad {
		v.fail(path, `must be a relative path such as "forms/to-khai.docx", without "..", "\" or a leading "/"`)
	}
}

func (v *validator) caseOf(at string, c *Case) {
	v.line(at+".name", c.Name, true, maxLine)
	for j := range c.Papers {
		pa, p := fmt.Sprintf("%s.papers[%d]", at, j), &c.Papers[j]
		v.line(pa+".name", p.Name, true, maxLine)
		if p.Originals < 0 || p.Originals > maxCount {
			v.fail(pa+".originals", "must be between 0 and %d", maxCount)
		}
		if p.Copies < 0 || p.Copies > maxCount {
			v.fail(pa+".copies", "must be between 0 and %d", maxCount)
		}
		v.text(pa+".note", p.Note, false, maxText, true)
		v.line(pa+".whereToGet", p.WhereToGet, false, maxLine)
	}
	v.line(at+".fee", c.Fee, true, maxLine)
	if c.FeeVND < 0 || c.FeeVND > maxFee {
		v.fail(at+".feeVND", "must be >= 0 and at most %d", maxFee)
	}
	if c.ProcessingDays < 0 {
		v.fail(at+".processingDays", "must be >= 0")
	} else if c.ProcessingDays > maxDays {
		v.fail(at+".processingDays", "must be at most %d", maxDays)
	}
	for j, s := range c.Steps {
		sa := fmt.Sprintf("%s.steps[%d]", at, j)
		v.line(sa+".title", s.Title, true, maxLine)
		v.text(sa+".detail", s.Detail, false, maxText, true)
	}
	if len(c.Channels) == 0 {
		v.fail(at+".channels", "must list at least one channel")
	}
	for j, ch := range c.Channels {
		ca := fmt.Sprintf("%s.channels[%d]", at, j)
		if !ch.Kind.Valid() {
			v.fail(ca+".kind", `must be one of "in-person", "postal", "online"`)
		}
		switch {
		case ch.Kind == KindOnline && ch.Online == "":
			v.fail(ca+".online", `required when kind is "online": "whole" or "partial"`)
		case ch.Kind == KindOnline && !ch.Online.Valid():
			v.fail(ca+".online", `must be "whole" or "partial"`)
		case ch.Kind != KindOnline && ch.Online != "":
			v.fail(ca+".online", `only allowed when kind is "online"`)
		}
		if ch.URL != "" {
			u, err := url.Parse(ch.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(ch.URL) > 2000 {
				v.fail(ca+".url", "must be an http or https address")
			}
		}
	}
}
