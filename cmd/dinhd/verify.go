package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"dinh/internal/words"
	"dinh/meeting/pdfsig"
)

type verifyCmd struct {
	File  string `arg:"" help:"${h_verify_file}" placeholder:"FILE.pdf"`
	Roots string `help:"${h_verify_roots}" placeholder:"DIR"`
	JSON  bool   `name:"json" help:"${h_json}"`
}

func (c *verifyCmd) Run(e *env) error {
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
		if err := e.json(words.JSON(e.lang, c.File, rep)); err != nil {
			return err
		}
	} else {
		e.lines(words.Report(e.lang, c.File, rep))
	}
	if len(rep.Signatures) == 0 || rep.Verdict() != pdfsig.Valid {
		return exitError{code: exitFail}
	}
	return nil
}

// json writes v to standard output as indented JSON.
func (e *env) json(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// lines writes each line to standard output.
func (e *env) lines(ls []string) {
	for _, l := range ls {
		fmt.Fprintln(e.stdout, l)
	}
}
