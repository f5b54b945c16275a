package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// runFunc runs one subcommand with the arguments after its name.
type runFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// subcommand is one name a command dispatches on.
type subcommand struct {
	name string
	run  runFunc
}

// noContext adapts a subcommand that runs too briefly to need cancelling.
func noContext(f func(args []string, stdout, stderr io.Writer) error) runFunc {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return f(args, stdout, stderr)
	}
}

// dispatch runs the subcommand args[0] names; help prints usage.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, usage string, subs []subcommand) error {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	want := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Errorf("give a subcommand: %s", want)}
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(ctx, args[1:], stdout, stderr)
		}
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown subcommand %q; want %s", args[0], want)}
}
