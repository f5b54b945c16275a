package main

import (
	"errors"
	"fmt"
	"strings"

	"dinh/internal/words"
	"dinh/offline/catalog"
)

type catalogSearchCmd struct {
	Query []string `sep:"none" arg:"" help:"${h_catalog_query}" placeholder:"WORDS"`
	File  string   `help:"${h_catalog_file}" placeholder:"CATALOG.json"`
	Limit int      `help:"${h_catalog_limit}" default:"10"`
	JSON  bool     `name:"json" help:"${h_json}"`
}

func (c *catalogSearchCmd) Run(e *env) error {
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
		out := []catalog.HitJSON{}
		for _, h := range hits {
			out = append(out, h.JSON())
		}
		if err := e.json(out); err != nil {
			return err
		}
	} else {
		if cat.Sample {
			fmt.Fprintln(e.stderr, e.T("catalog.sample"))
		}
		if len(hits) == 0 {
			fmt.Fprintln(e.stdout, e.T("catalog.none"))
		}
		e.lines(words.Hits(e.lang, hits))
	}
	if len(hits) == 0 {
		return exitError{code: exitFail}
	}
	return nil
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
