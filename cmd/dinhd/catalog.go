package main

import (
	"errors"
	"fmt"
	"strings"

	"dinh/internal/cli"
	"dinh/internal/words"
	"dinh/offline/catalog"
)

type catalogSearchCmd struct {
	Query []string `sep:"none" arg:"" help:"${h_catalog_query}" placeholder:"WORDS"`
	File  string   `help:"${h_catalog_file}" placeholder:"CATALOG.json"`
	Limit int      `help:"${h_catalog_limit}" default:"10"`
	JSON  bool     `name:"json" help:"${h_json}"`
}

func (c *catalogSearchCmd) Run(e *cli.Env) error {
	var err error
	if c.Limit < 1 {
		return cli.UsageOf(errors.New(e.T("catalog.limit")))
	}
	query := strings.TrimSpace(strings.Join(c.Query, " "))
	if query == "" {
		return cli.UsageOf(errors.New(e.T("catalog.noWords")))
	}
	cat := catalog.Sample()
	if c.File != "" {
		if cat, err = catalog.Load(c.File); err != nil {
			return err
		}
	}
	hits := catalog.NewIndex(cat).Search(query, c.Limit)
	if c.JSON {
		err = e.JSON(catalog.HitsJSON(hits))
	} else {
		if cat.Sample {
			fmt.Fprintln(e.Stderr, e.T("catalog.sample"))
		}
		if len(hits) == 0 {
			fmt.Fprintln(e.Stdout, e.T("catalog.none"))
		}
		e.Lines(words.Hits(e.Lang, hits)...)
	}
	if err == nil && len(hits) == 0 {
		return cli.Exit(cli.Fail, nil)
	}
	return err
}

type catalogValidateCmd struct {
	File string `arg:"" help:"${h_catalog_validate_file}" placeholder:"FILE.json"`
}

func (c *catalogValidateCmd) Run(e *cli.Env) error {
	cat, err := catalog.Load(c.File)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, e.T("catalog.ok", len(cat.Procedures)))
	return nil
}
