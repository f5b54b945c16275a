// Package testenv is how a test says it cannot run here. On a developer's
// machine a test that needs a tool, a privilege or an interface this machine
// lacks is skipped with the reason; in CI (the CI variable is set) the same
// test fails, so a missing install step shows instead of hiding.
//
// Tests call Skip and Tool instead of t.Skip; TestNoDirectSkips keeps it so.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") != "" }

// Skip skips tb with the reason, or fails it in CI.
func Skip(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("cannot run in CI: "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Tool returns the path of the command name, and skips or fails tb (see
// Skip) when it is not installed; install says which step installs it.
func Tool(tb testing.TB, name, install string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Skip(tb, "%s is not installed (%s)", name, install)
	}
	return path
}

// Root skips or fails tb unless it runs as root.
func Root(tb testing.TB, why string) {
	tb.Helper()
	if os.Geteuid() != 0 {
		Skip(tb, "needs root to %s", why)
	}
}

// Short skips tb under -short, a choice a developer makes; CI never
// passes -short, and fails the test if it does.
func Short(tb testing.TB, why string) {
	tb.Helper()
	if testing.Short() {
		Skip(tb, "%s under -short", why)
	}
}
