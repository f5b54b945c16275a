package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type testGrammar struct {
	Globals
	Help HelpCmd `cmd:"" help:"${h_help}"`
	Wait waitCmd `cmd:"" help:"wait"`
	Fail failCmd `cmd:"" help:"fail"`
}

type waitCmd struct {
	For   time.Duration `help:"how long" required:""`
	Times int           `help:"how often"`
	Kind  string        `help:"kind" enum:"a,b" default:"a"`
	Quiet bool          `help:"quiet" xor:"noise"`
	Loud  bool          `help:"loud" xor:"noise"`
	Name  string        `arg:"" help:"name"`
}

func (c *waitCmd) Run(e *Env) error { return nil }

type failCmd struct {
	Code int `help:"code"`
}

func (c *failCmd) Run(e *Env) error {
	switch c.Code {
	case 0:
		return errors.New("plain")
	case 2:
		return UsageOf(errors.New("wrong"))
	}
	return Exit(c.Code, nil)
}

func testProgram() Program {
	return Program{Name: "prog", Grammar: func() Grammar { return &testGrammar{} }}
}

// TestParseErrorsInTheRunsLanguage: every way a command line can be
// wrong is told in the run's language, in Vietnamese as in English, with
// exit 2 and nothing of kong's English left in a Vietnamese run.
func TestParseErrorsInTheRunsLanguage(t *testing.T) {
	tests := []struct {
		args   []string
		vi, en string
	}{
		{[]string{"fly"}, "không hiểu đối số fly", "unexpected argument fly"},
		{[]string{"waitt"}, `không hiểu đối số waitt, có phải là "wait"?`, `unexpected argument waitt, did you mean "wait"?`},
		{[]string{"wait", "x", "--bogus"}, "không có tuỳ chọn --bogus", "unknown flag --bogus"},
		{[]string{"wait", "x"}, "thiếu tuỳ chọn: --for=DURATION", "missing flags: --for=DURATION"},
		{[]string{"wait", "--for", "1s"}, `cần "<name>"`, `expected "<name>"`},
		{[]string{"wait", "x", "--for", "soon"}, `--for: cần một khoảng thời gian (như 30s, 5m, 1h) nhưng nhận "soon"`, `--for: expected a duration (like 30s, 5m, 1h) but got "soon"`},
		{[]string{"wait", "x", "--for", "1s", "--times", "many"}, `--times: cần một số nguyên nhưng nhận "many"`, `--times: expected an integer but got "many"`},
		{[]string{"wait", "x", "--for", "1s", "--kind", "c"}, `--kind phải là một trong "a","b", không phải "c"`, `--kind must be one of "a","b" but got "c"`},
		{[]string{"wait", "x", "--for", "1s", "--quiet", "--loud"}, "không dùng --quiet cùng với --loud", "--quiet and --loud can't be used together"},
	}
	english := parseErrors
	for _, tt := range tests {
		for lang, want := range map[string]string{"vi": tt.vi, "en": tt.en} {
			var out, errOut bytes.Buffer
			p := testProgram()
			code := p.Run(context.Background(), append(tt.args, "--lang", lang), &out, &errOut)
			first, _, _ := strings.Cut(errOut.String(), "\n")
			if code != Usage || first != "prog: "+want {
				t.Errorf("%v in %s: got %d %q, want 2 and %q", tt.args, lang, code, first, want)
			}
			if lang != "vi" {
				continue
			}
			for _, p := range english {
				if p.re.MatchString(first) {
					t.Errorf("%v: kong's English is left in %q", tt.args, first)
				}
			}
		}
	}
}

// TestExitCodes: a command's error is printed once with the command's
// name and ends the run with 1; a usage error with 2; an exit of its own
// with its code, printing nothing when it has nothing to say; help on
// standard output with 0.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"fail"}, Fail, "", "prog fail: plain\n"},
		{[]string{"fail", "--code", "2"}, Usage, "", "prog fail: wrong\n"},
		{[]string{"fail", "--code", "7"}, 7, "", ""},
		{[]string{"wait", "x", "--for", "1s"}, OK, "", ""},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		p := testProgram()
		if code := p.Run(context.Background(), append(tt.args, "--lang", "en"), &out, &errOut); code != tt.code || out.String() != tt.out || errOut.String() != tt.err {
			t.Errorf("%v: got %d %q %q, want %d %q %q", tt.args, code, out.String(), errOut.String(), tt.code, tt.out, tt.err)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"wait", "--help"}, {"help", "wait"}} {
		var out, errOut bytes.Buffer
		p := testProgram()
		if code := p.Run(context.Background(), append(args, "--lang", "vi"), &out, &errOut); code != OK || !strings.HasPrefix(out.String(), "Cách dùng: prog") || errOut.Len() != 0 {
			t.Errorf("%v: got %d %q %q, want the help in Vietnamese on standard output", args, code, out.String(), errOut.String())
		}
	}
}
