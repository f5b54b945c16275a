package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
)

type catalogSearchCmd struct {
	Query []string `sep:"none" arg:"" help:"${h_catalog_query}" placeholder:"WORDS"`
	File  string   `help:"${h_catalog_file}" placeholder:"CATALOG.json"`
	Limit int      `help:"${h_catalog_limit}" default:"10"`
	JSON  bool     `name:"json" help:"${h_json}"`
}

func (c *catalogSearchCmd) Run(e *env) error {
	stdout, stderr := e.stdout, e.stderr
	var err error
	if c.Limit < 1 {
		return usageError{errors.New(e.T("catalog.limit"))}
	}
	query := strings.TrimSpace(strings.Join(c.Query, " "))
	if query == "" {
		return usageError{errors.New(e.T("catalog.noWords"))}
	}
	cat := catalog.Sample()
	if c.File != "" {
		if cat, err = catalog.Load(c.File); err != nil {
			return err
		}
	}
	hits := catalog.NewIndex(cat).Search(query, c.Limit)
	if c.JSON {
		type hit struct {
			Code   string  `json:"code"`
			Name   string  `json:"name"`
			Sector string  `json:"sector"`
			Level  string  `json:"level"`
			Score  float64 `json:"score"`
		}
		out := []hit{}
		for _, h := range hits {
			p := h.Procedure
			out = append(out, hit{p.Code, p.Name, p.Sector, string(p.Level), h.Score})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if cat.Sample {
			fmt.Fprintln(stderr, e.T("catalog.sample"))
		}
		if len(hits) == 0 {
			fmt.Fprintln(stdout, e.T("catalog.none"))
		}
		printHits(stdout, hits, e.lang)
	}
	if len(hits) == 0 {
		return exitError{code: exitFail}
	}
	return nil
}

// printHits writes one line per procedure: code, name, sector, level, with
// what matched in [brackets].
func printHits(w io.Writer, hits []catalog.Hit, lang string) {
	codes := make([]string, len(hits))
	width := 0
	for i, h := range hits {
		codes[i] = bracket(h, "code", h.Procedure.Code)
		width = max(width, utf8.RuneCountInString(codes[i]))
	}
	for i, h := range hits {
		p := h.Procedure
		line := fmt.Sprintf("%s%s  %s · %s · %s", codes[i], strings.Repeat(" ", width-utf8.RuneCountInString(codes[i])),
			bracket(h, "name", p.Name), bracket(h, "sector", p.Sector), i18n.Word(lang, "catalog.level.", string(p.Level)))
		if p.Status == catalog.StatusReplaced {
			line += fmt.Sprintf(" · %s → %s", i18n.Word(lang, "catalog.status.", string(p.Status)), p.ReplacedBy)
		}
		fmt.Fprintln(w, line)
	}
}

// bracket returns text with the spans matched in field between brackets.
func bracket(h catalog.Hit, field, text string) string {
	for _, m := range h.Matches {
		if m.Field != field {
			continue
		}
		var b strings.Builder
		last := 0
		for _, s := range m.Spans {
			b.WriteString(text[last:s[0]])
			b.WriteString("[" + text[s[0]:s[1]] + "]")
			last = s[1]
		}
		b.WriteString(text[last:])
		return b.String()
	}
	return text
}

type catalogValidateCmd struct {
	File string `arg:"" help:"${h_catalog_validate_file}" placeholder:"FILE.json"`
}

func (c *catalogValidateCmd) Run(e *env) error {
	cat, err := catalog.Load(c.File)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.T("catalog.ok", len(cat.Procedures)))
	return nil
}
