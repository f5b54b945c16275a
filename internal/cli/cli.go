// Package cli runs a command line whose grammar is a kong struct, in one
// language for the whole run: the help's headings and every flag's help
// come from the catalogue of words (assets/i18n, keys under "cli."), an
// error is printed once with the command's name, and each kind of ending
// has its exit code. Commands receive an *Env with the run's output
// streams and language, and the run's context.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/alecthomas/kong"

	"dinh/internal/i18n"
	"dinh/internal/logfile"
)

// Exit codes every command shares; a program lists its own after them.
const (
	OK    = 0
	Fail  = 1 // the command failed, or its answer is no
	Usage = 2 // the command line is wrong
)

// Env is what every command's Run receives: the run's output streams and
// its language.
type Env struct {
	Stdout, Stderr io.Writer
	Lang           string
	Verbose        bool // the services' logs on standard error too
}

// T is the message for key (below "cli.") in the run's language.
func (e *Env) T(key string, args ...any) string { return i18n.In(e.Lang, "cli."+key, args...) }

// JSON writes v to standard output as indented JSON.
func (e *Env) JSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Logger is a service's log in its data folder (package logfile), on
// standard error too with --verbose; close it when the service ends.
func (e *Env) Logger(data, role string) (log *slog.Logger, close func()) {
	return logfile.Open(data, role, e.Stderr, e.Verbose)
}

// Warn writes each line to standard error.
func (e *Env) Warn(ls ...string) {
	for _, l := range ls {
		fmt.Fprintln(e.Stderr, l)
	}
}

// Lines writes each line to standard output.
func (e *Env) Lines(ls ...string) {
	for _, l := range ls {
		fmt.Fprintln(e.Stdout, l)
	}
}

// Exit ends a command with its own exit code, printing err unless it is
// nil (the command has said what it had to say).
func Exit(code int, err error) error { return exitError{code, err} }

// UsageOf is err, ending the run with exit 2.
func UsageOf(err error) error { return usageError{err} }

// Explained is err told in words: its text is msg, and errors.Is and
// errors.As still find err.
func Explained(msg string, err error) error { return explained{msg, err} }

type explained struct {
	msg string
	err error
}

func (e explained) Error() string { return e.msg }
func (e explained) Unwrap() error { return e.err }

type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// exited carries kong's exit (after --help) out of the parser.
type exited int

// Globals are the flags every command takes. A grammar embeds them.
type Globals struct {
	Lang    string `help:"${h_lang}" enum:"vi,en" default:"${lang}" placeholder:"vi|en"`
	Verbose bool   `help:"${h_verbose}"`
}

func (g *Globals) globals() *Globals { return g }

// Grammar is a pointer to a struct that embeds Globals and whose commands
// have Run methods.
type Grammar interface{ globals() *Globals }

// Program is a command line: its name, its grammar and the variables its
// tags name besides the words.
type Program struct {
	Name string
	// Grammar returns a new grammar for each run.
	Grammar func() Grammar
	// Vars are the grammar's ${variables} other than its words (h_*),
	// "lang" and "program".
	Vars kong.Vars
	// Hint, when set, may add a sentence to a parse error.
	Hint func(e *Env, msg string) string
}

// HelpCmd prints the help of the command it names, or the program's own
// (with the exit codes, under the key "help.exit").
type HelpCmd struct {
	Command []string `sep:"none" arg:"" optional:"" help:"${h_help_command}"`
}

// Run prints the help.
func (h *HelpCmd) Run(ctx context.Context, e *Env, p *Program) error {
	args := append(append([]string{}, h.Command...), "--help", "--lang", e.Lang)
	if code := p.Run(ctx, args, e.Stdout, e.Stderr); code != 0 {
		return Exit(code, nil)
	}
	return nil
}

// Run executes one command line and returns the process exit status.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	e := &Env{Stdout: stdout, Stderr: stderr, Lang: language(args)}
	grammar := p.Grammar()
	parser, err := p.parser(ctx, grammar, e)
	if err != nil {
		panic(err) // the grammar is the program's own: a test catches this
	}
	defer func() {
		if r := recover(); r != nil {
			x, ok := r.(exited)
			if !ok {
				panic(r)
			}
			code = int(x)
		}
	}()
	if len(args) == 0 {
		args = []string{"--help"}
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		msg := e.parseError(err.Error())
		if p.Hint != nil {
			msg = p.Hint(e, msg)
		}
		fmt.Fprintf(stderr, "%s: %s\n", p.Name, msg)
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil && pe.Context.Selected() != nil {
			parser.Stdout = stderr
			pe.Context.PrintUsage(false)
		} else {
			fmt.Fprintln(stderr, e.T("help.hint"))
		}
		return Usage
	}
	e.Verbose = grammar.globals().Verbose
	err = kctx.Run()
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stderr, "%s %s: %v\n", p.Name, command(kctx), ee.err)
		}
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s %s: %v\n", p.Name, command(kctx), err)
		return Usage
	default:
		fmt.Fprintf(stderr, "%s %s: %v\n", p.Name, command(kctx), err)
		return Fail
	}
}

func (p *Program) parser(ctx context.Context, grammar any, e *Env) (*kong.Kong, error) {
	vars := kong.Vars{"lang": e.Lang}
	for k, v := range p.Vars {
		vars[k] = v
	}
	for k, v := range i18n.Table(e.Lang, "cli.h.") {
		vars["h_"+strings.NewReplacer(".", "_", "-", "_").Replace(k)] = v
	}
	return kong.New(grammar,
		kong.Name(p.Name),
		kong.Description(e.T("description")),
		kong.Writers(e.Stdout, e.Stderr),
		kong.Exit(func(code int) { panic(exited(code)) }),
		kong.Vars(vars),
		kong.Bind(e, p),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
		kong.Help(func(options kong.HelpOptions, k *kong.Context) error { return p.help(e, options, k) }),
	)
}

// help is kong's help with its headings in the run's language, and the
// exit codes at the top level.
func (p *Program) help(e *Env, options kong.HelpOptions, k *kong.Context) error {
	var b bytes.Buffer
	out := k.Stdout
	k.Stdout = &b
	err := kong.DefaultHelpPrinter(options, k)
	k.Stdout = out
	if err != nil {
		return err
	}
	text := b.String()
	for _, w := range []string{"Usage:", "Arguments:", "Flags:", "Commands:"} {
		text = strings.ReplaceAll(text, "\n"+w+"\n", "\n"+e.T("help."+strings.TrimSuffix(w, ":"))+"\n")
		text = strings.Replace(text, w+" ", e.T("help."+strings.TrimSuffix(w, ":"))+" ", 1)
	}
	if usage, rest, ok := strings.Cut(text, "\n"); ok {
		usage = strings.NewReplacer("<command>", e.T("help.command"), "[flags]", e.T("help.flagsWord")).Replace(usage)
		text = usage + "\n" + rest
	}
	text = strings.ReplaceAll(text, "Show context-sensitive help.", e.T("h.help-flag"))
	text = strings.ReplaceAll(text, `Run "`+p.Name+` <command> --help" for more information on a command.`, e.T("help.more"))
	if k.Selected() == nil || k.Selected().Name == "help" {
		text += "\n" + e.T("help.exit") + "\n"
	}
	_, err = io.WriteString(out, text)
	return err
}

// kong's parse errors, by their English form, and the key of each in the
// catalogue (cli.parse.*): a run speaks one language, its parser too.
var parseErrors = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`, did you mean one of (.+)\?$`), "didYouMeanOneOf"},
	{regexp.MustCompile(`, did you mean (.+)\?$`), "didYouMean"},
	{regexp.MustCompile(`unexpected argument ([^\s,]+)`), "unexpectedArg"},
	{regexp.MustCompile(`unknown flag ([^\s,]+)`), "unknownFlag"},
	{regexp.MustCompile(`^missing flags: (.+)$`), "missingFlags"},
	{regexp.MustCompile(`^missing positional arguments (.+)$`), "missingArgs"},
	{regexp.MustCompile(`^expected one of (.+)$`), "expectedOneOf"},
	{regexp.MustCompile(`^--(\S+) and --(\S+) can't be used together$`), "together"},
	{regexp.MustCompile(`^(\S+) must be one of (\S+) but got (.+)$`), "enum"},
	{regexp.MustCompile(`expected duration but got ("[^"]*")(?:: .*)?$`), "duration"},
	{regexp.MustCompile(`expected (?:an int|a valid \d+ bit u?int) but got ("[^"]*").*$`), "int"},
	{regexp.MustCompile(`^expected ("<[^"]*>(?: \.\.\.)?")$`), "expected"},
}

// parseError is kong's message msg in the run's language.
func (e *Env) parseError(msg string) string {
	for _, p := range parseErrors {
		msg = p.re.ReplaceAllStringFunc(msg, func(m string) string {
			g := p.re.FindStringSubmatch(m)
			args := make([]any, len(g)-1)
			for i, v := range g[1:] {
				args[i] = strings.ReplaceAll(v, " or ", " "+e.T("parse.or")+" ")
			}
			return e.T("parse."+p.key, args...)
		})
	}
	return msg
}

// command is the command's path without its arguments, like "central run".
func command(k *kong.Context) string {
	var words []string
	for _, p := range k.Path {
		if p.Command != nil {
			words = append(words, p.Command.Name)
		}
	}
	return strings.Join(words, " ")
}

// language is the language of this run: --lang when given (checked by the
// parser), else the locale's.
func language(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return i18n.FromLocale()
}

// DataDir is a role's data folder when --data is not given: under
// XDG_DATA_HOME, or ~/.local/share.
func DataDir(role string) string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d + "/dinh/" + role
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".dinh-" + role
	}
	return home + "/.local/share/dinh/" + role
}
