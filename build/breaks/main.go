// Command breaks checks that each promise in TESTING.md's table is kept by
// its test: for every row of breaks.json it makes the row's change to the
// code in a clean worktree of HEAD, runs the row's test, and expects it to
// fail. It also writes the table into TESTING.md.
//
//	go run ./build/breaks            # run every row (make breaks)
//	go run ./build/breaks -run Vault # only rows whose test or file matches
//	go run ./build/breaks -table     # only rewrite TESTING.md's table
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// A Break is one promise, the test that guards it, and the changes to the
// code that remove the promise, which must make the test fail. A promise
// kept by several guards needs each of them removed.
type Break struct {
	Area    string   `json:"area"`
	Promise string   `json:"promise"`
	Test    string   `json:"test"` // a -run pattern of whole test names
	Pkg     string   `json:"pkg"`
	Changes []Change `json:"changes"`
	Note    string   `json:"note,omitempty"`
}

// A Change replaces Old, which must occur exactly once in File, with New.
type Change struct {
	File string `json:"file"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

const (
	listFile  = "build/breaks/breaks.json"
	docFile   = "TESTING.md"
	beginMark = "<!-- breaks:begin (written by go run ./build/breaks -table) -->"
	endMark   = "<!-- breaks:end -->"
)

func main() {
	run := flag.String("run", "", "only rows whose test or file matches this regexp")
	tableOnly := flag.Bool("table", false, "only rewrite the table in TESTING.md")
	flag.Parse()
	if err := mainErr(*run, *tableOnly); err != nil {
		fmt.Fprintln(os.Stderr, "breaks:", err)
		os.Exit(1)
	}
}

func mainErr(run string, tableOnly bool) error {
	breaks, err := load(".")
	if err != nil {
		return err
	}
	if err := writeTable(".", breaks); err != nil {
		return err
	}
	if tableOnly {
		return nil
	}
	re, err := regexp.Compile(run)
	if err != nil {
		return err
	}
	tree, err := os.MkdirTemp("", "dinh-breaks-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tree)
	if out, err := exec.Command("git", "worktree", "add", "--detach", tree, "HEAD").CombinedOutput(); err != nil {
		return fmt.Errorf("git worktree: %v: %s", err, out)
	}
	defer exec.Command("git", "worktree", "remove", "--force", tree).Run()
	var failed []string
	for _, b := range breaks {
		if !re.MatchString(b.Test) && !re.MatchString(b.Changes[0].File) {
			continue
		}
		start := time.Now()
		verdict, err := check(tree, b)
		if err != nil {
			return err
		}
		fmt.Printf("%-10s %-40s %s (%s)\n", verdict, b.Test, b.Changes[0].File, time.Since(start).Round(time.Second))
		if verdict != "fails" {
			failed = append(failed, b.Test+" in "+b.Changes[0].File+": "+verdict)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d promises are not kept by their tests:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	return nil
}

// load reads the rows and checks that each change applies to the code.
func load(root string) ([]Break, error) {
	raw, err := os.ReadFile(filepath.Join(root, listFile))
	if err != nil {
		return nil, err
	}
	var breaks []Break
	if err := json.Unmarshal(raw, &breaks); err != nil {
		return nil, fmt.Errorf("%s: %w", listFile, err)
	}
	for _, b := range breaks {
		if len(b.Changes) == 0 {
			return nil, fmt.Errorf("%s: %s has no change", listFile, b.Test)
		}
		for _, c := range b.Changes {
			src, err := os.ReadFile(filepath.Join(root, c.File))
			if err != nil {
				return nil, err
			}
			if n := strings.Count(string(src), c.Old); n != 1 {
				return nil, fmt.Errorf("%s: a change for %s is found %d times in %s, want once: the guarded code moved; update %s", listFile, b.Test, n, c.File, listFile)
			}
		}
	}
	return breaks, nil
}

// check makes b's changes in tree, runs its test and undoes the changes.
// It returns "fails" (the promise is kept), "passes" or "no build".
func check(tree string, b Break) (string, error) {
	for _, c := range b.Changes {
		path := filepath.Join(tree, c.File)
		orig, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		defer os.WriteFile(path, orig, 0o644)
		if err := os.WriteFile(path, []byte(strings.Replace(string(orig), c.Old, c.New, 1)), 0o644); err != nil {
			return "", err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^("+b.Test+")$", b.Pkg)
	cmd.Dir = tree
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "passes", nil
	case strings.Contains(string(out), "[build failed]") || strings.Contains(string(out), "[setup failed]"):
		return "no build", nil
	case errors.As(err, &exit) && strings.Contains(string(out), "FAIL"):
		return "fails", nil
	default:
		return "", fmt.Errorf("go test %s: %v: %s", b.Pkg, err, out)
	}
}

// table renders the rows as Markdown, grouped by area.
func table(breaks []Break) string {
	var sb strings.Builder
	area := ""
	for _, b := range breaks {
		if b.Area != area {
			area = b.Area
			fmt.Fprintf(&sb, "\n### %s\n\n| promise | test | broken by (the test is seen to fail) |\n|---|---|---|\n", area)
		}
		var changes []string
		for _, c := range b.Changes {
			changes = append(changes, fmt.Sprintf("in `%s`, `%s` → `%s`", c.File, cell(oneLine(c.Old)), cell(oneLine(c.New))))
		}
		broken := strings.Join(changes, "; and ")
		if b.Note != "" {
			broken += " (" + cell(b.Note) + ")"
		}
		fmt.Fprintf(&sb, "| %s | `%s` (`%s`) | %s |\n", cell(b.Promise), strings.ReplaceAll(b.Test, "|", "`, `"), b.Pkg, broken)
	}
	return sb.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// writeTable replaces the table between the markers in TESTING.md.
func writeTable(root string, breaks []Break) error {
	path := filepath.Join(root, docFile)
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := withTable(string(doc), breaks)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}

func withTable(doc string, breaks []Break) (string, error) {
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("%s lacks the markers %q and %q", docFile, beginMark, endMark)
	}
	return doc[:i+len(beginMark)] + "\n" + table(breaks) + "\n" + doc[j:], nil
}
