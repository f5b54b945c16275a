// Command dinhd is Đình without a screen: it hosts a meeting folder on the
// LAN or joins one, verifies signed PDFs, searches the catalogue, records a
// volunteer's dossiers, and runs a commune hub or the province's central
// server. It imports no Fyne and runs on a server with no display and no
// libGL.
//
// It is a shell: the grammar (cli.go) is kong's, every word it prints comes
// from assets/i18n (cli.*.json), and each command parses its flags and calls
// the packages that do the work.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"dinh/internal/i18n"

	"github.com/alecthomas/kong"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes, listed in `dinhd help`.
const (
	exitOK    = 0
	exitFail  = 1 // the command failed, or its answer is no (verify, catalog search)
	exitUsage = 2 // the command line is wrong
	exitNoPDF = 3 // verify: the file is not a PDF at all

	// dossier sync --until-receipted, when its time is up: why the
	// dossiers are still waiting.
	exitHubUnreachable = 4 // nothing answers at the hub's address
	exitNotEnrolled    = 5 // the hub answers but does not let this device in
	exitAtHub          = 6 // delivered to the hub, waiting for central's receipt
	exitDamaged        = 7 // a sealed file is damaged: dossier seal ID seals it again
	exitRejected       = 8 // central refused a dossier: dossier list says why and what to do
)

// exitError ends a command with its own exit code, having said what it
// had to say (or with msg, printed as other errors are).
type exitError struct {
	code int
	err  error // printed unless nil
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

// usageError is a command line that cannot be run: exit 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// exited carries kong's exit (after --help) out of the parser.
type exited int

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	lang := language(args)
	e := &env{stdout: stdout, stderr: stderr, lang: lang}
	var c cli
	parser, err := newParser(ctx, &c, e)
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
		fmt.Fprintf(stderr, "dinhd: %s\n", e.parseError(err))
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil && len(args) > 0 && pe.Context.Selected() != nil {
			parser.Stdout = stderr
			pe.Context.PrintUsage(false)
		} else {
			fmt.Fprintln(stderr, e.T("help.hint"))
		}
		return exitUsage
	}
	e.verbose = c.Verbose
	err = kctx.Run()
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stderr, "dinhd %s: %v\n", command(kctx), ee.err)
		}
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "dinhd %s: %v\n", command(kctx), err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "dinhd %s: %v\n", command(kctx), err)
		return exitFail
	}
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

// parseError is a command line error as the person reads it; someone who
// tries to give the passphrase as an argument is told why that is refused.
func (e *env) parseError(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "--passphrase") && !strings.Contains(msg, "--passphrase-file:") {
		msg += "\n" + e.T("dossier.passFlag")
	}
	return msg
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
