package main

import (
	"errors"
	"os"

	"dinh/internal/cli"
	"dinh/internal/words"
	"dinh/meeting/pdfsig"
)

type verifyCmd struct {
	File  string `arg:"" help:"${h_verify_file}" placeholder:"FILE.pdf"`
	Roots string `help:"${h_verify_roots}" placeholder:"DIR"`
	JSON  bool   `name:"json" help:"${h_json}"`
}

func (c *verifyCmd) Run(e *cli.Env) error {
	var trust *pdfsig.Trust
	var err error
	if c.Roots != "" {
		if trust, err = pdfsig.LoadTrust(c.Roots); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	if !pdfsig.IsPDF(b) {
		return cli.Exit(exitNoPDF, errors.New(e.T("verify.notPDF", c.File)))
	}
	rep, err := pdfsig.Verify(b, trust)
	if err != nil {
		return err
	}
	if c.JSON {
		if err := e.JSON(words.JSON(e.Lang, c.File, rep)); err != nil {
			return err
		}
	} else {
		e.Lines(words.Report(e.Lang, c.File, rep)...)
	}
	if len(rep.Signatures) == 0 || rep.Verdict() != pdfsig.Valid {
		return cli.Exit(cli.Fail, nil)
	}
	return nil
}
