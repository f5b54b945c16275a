// Command mutreport summarises the gremlins reports that build/mutation.sh
// writes, as the table in TESTING.md.
//
// gremlins v0.6.0 calls a mutant NOT COVERED when Go's coverage profile has
// no block at its position, and Go gives none to the conditions of a
// switch's cases, nor to package-level initialisers (gremlins issue #298).
// Such a mutant is never run. mutreport reads the package's own coverage
// profile and its syntax, and counts a case condition as covered when the
// case's body ran; it reports both figures, and lists every mutant that
// lived or was truly not covered.
//
// A mutant that lives because it changes nothing a user or a caller can
// observe (an equivalent mutant) is listed, with the reason, in
// equivalent.tsv beside this file, by its file, the text of its line and
// its mutator. mutreport sets such mutants aside in a third efficacy
// figure, prints them with their reasons for TESTING.md, and names rows
// that matched no living mutant (stale after an edit, or killed since).
//
//	go run ./build/mutreport build/mutation
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// equivalent is one row of equivalent.tsv: the mutants of mutator (or
// any, for "*") on the line of file whose text is line.
type equivalent struct {
	file, mutator, line, why string
	matched                  []string // the mutants it set aside, as file:line
}

func readEquivalents(path string) ([]*equivalent, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*equivalent
	for i, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 columns (file, mutator, line, why), got %d", path, i+1, len(f))
		}
		out = append(out, &equivalent{file: f[0], mutator: f[1], line: f[2], why: f[3]})
	}
	return out, nil
}

// lookup is the row that sets aside the mutant of kind on src's line
// whose text is text, or nil.
func lookup(eqs []*equivalent, src, kind, text string) *equivalent {
	for _, e := range eqs {
		if e.file == src && (e.mutator == "*" || e.mutator == kind) && e.line == text {
			return e
		}
	}
	return nil
}

type report struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// block is one line of a coverage profile.
type block struct {
	file                       string
	startL, startC, endL, endC int
	count                      int
}

func main() {
	dir := "build/mutation"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "mutreport:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	reports, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(reports)
	eqs, err := readEquivalents(filepath.Join("build", "mutreport", "equivalent.tsv"))
	if err != nil {
		return err
	}
	fmt.Println("| package | killed | lived (equivalent) | timed out | not covered (switch case or initialiser) | efficacy | efficacy, equivalents set aside | mutant coverage, gremlins | counting case conditions whose case ran |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	var details []string
	for _, path := range reports {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		pkg := strings.ReplaceAll(name, "-", "/")
		line, det, err := summarise(path, filepath.Join(dir, name+".cov"), pkg, eqs)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Println(line)
		details = append(details, det...)
	}
	fmt.Println()
	fmt.Println("| mutant | why it lives |")
	fmt.Println("|---|---|")
	for _, e := range eqs {
		if len(e.matched) > 0 {
			fmt.Printf("| %s (%s) | %s |\n", strings.Join(e.matched, ", "), strings.ToLower(e.mutator), e.why)
		}
	}
	fmt.Println()
	for _, d := range details {
		fmt.Println(d)
	}
	for _, e := range eqs {
		if len(e.matched) == 0 && reported(reports, e.file) {
			fmt.Printf("STALE       %s: %s %q matched no living mutant\n", e.file, e.mutator, e.line)
		}
	}
	return nil
}

// reported says whether one of the reports is of file's package.
func reported(reports []string, file string) bool {
	name := strings.ReplaceAll(filepath.Dir(file), "/", "-") + ".json"
	for _, r := range reports {
		if filepath.Base(r) == name {
			return true
		}
	}
	return false
}

// source is the file src as it was at commit, or as it is now when
// commit is "".
func source(commit, src string) ([]byte, error) {
	if commit == "" {
		return os.ReadFile(src)
	}
	out, err := exec.Command("git", "show", commit+":"+filepath.ToSlash(src)).Output()
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", src, commit, err)
	}
	return out, nil
}

func summarise(reportPath, covPath, pkg string, eqs []*equivalent) (string, []string, error) {
	raw, err := os.ReadFile(reportPath)
	if err != nil {
		return "", nil, err
	}
	var r report
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", nil, err
	}
	blocks, err := readProfile(covPath)
	if err != nil {
		return "", nil, err
	}
	// The mutants' lines are read from the commit that was mutated, when
	// mutation.sh wrote it down: the tree may have moved on since.
	commit, _ := os.ReadFile(strings.TrimSuffix(reportPath, ".json") + ".commit")
	var killed, lived, equiv, timedOut, notCovered, caseRan int
	var details []string
	for _, f := range r.Files {
		src := filepath.Join(pkg, f.FileName)
		fset := token.NewFileSet()
		text, err := source(strings.TrimSpace(string(commit)), src)
		if err != nil {
			return "", nil, err
		}
		lines := strings.Split(string(text), "\n")
		file, err := parser.ParseFile(fset, src, text, 0)
		if err != nil {
			return "", nil, err
		}
		for _, m := range f.Mutations {
			at := fmt.Sprintf("%s:%d:%d %s", src, m.Line, m.Column, m.Type)
			switch m.Status {
			case "KILLED":
				killed++
			case "LIVED":
				lived++
				if m.Line <= len(lines) {
					if e := lookup(eqs, filepath.ToSlash(src), m.Type, strings.TrimSpace(lines[m.Line-1])); e != nil {
						equiv++
						where := fmt.Sprintf("`%s:%d`", filepath.ToSlash(src), m.Line)
						if !slices.Contains(e.matched, where) {
							e.matched = append(e.matched, where)
						}
						continue
					}
				}
				details = append(details, "LIVED       "+at)
			case "TIMED OUT":
				timedOut++
			case "NOT COVERED":
				notCovered++
				if why := unrunnable(fset, file, blocks, filepath.ToSlash(src), m.Line, m.Column); why != "" {
					caseRan++
					continue
				}
				details = append(details, "NOT COVERED "+at)
			}
		}
	}
	pct := func(a, b int) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f %%", 100*float64(a)/float64(b))
	}
	run := killed + lived + timedOut
	line := fmt.Sprintf("| `%s` | %d | %d (%d) | %d | %d (%d) | %s | %s | %s | %s |", pkg, killed, lived, equiv, timedOut, notCovered, caseRan,
		pct(killed+timedOut, run), pct(killed+timedOut, run-equiv), pct(run, run+notCovered), pct(run+caseRan, run+notCovered))
	return line, details, nil
}

// unrunnable says why a NOT COVERED mutant at line:col is one that Go's
// coverage cannot see although its code runs: a case condition whose body
// ran, or a package-level initialiser (run before any test). It returns ""
// for a mutant in code the tests really do not run.
func unrunnable(fset *token.FileSet, file *ast.File, blocks []block, path string, line, col int) string {
	var why string
	inFunc := false
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || why != "" {
			return false
		}
		start, end := fset.Position(n.Pos()), fset.Position(n.End())
		if !within(line, col, start, end) {
			return true
		}
		switch n := n.(type) {
		case *ast.FuncDecl:
			inFunc = true
		case *ast.CaseClause:
			for _, e := range n.List {
				if within(line, col, fset.Position(e.Pos()), fset.Position(e.End())) {
					if ran(blocks, path, fset.Position(n.Colon)) {
						why = "case"
					}
					return false
				}
			}
		}
		return true
	})
	if why == "" && !inFunc {
		why = "initialiser"
	}
	return why
}

func within(line, col int, start, end token.Position) bool {
	after := line > start.Line || line == start.Line && col >= start.Column
	before := line < end.Line || line == end.Line && col <= end.Column
	return after && before
}

// ran reports whether the coverage block that starts right after a case's
// colon ran at least once.
func ran(blocks []block, path string, colon token.Position) bool {
	for _, b := range blocks {
		if strings.HasSuffix(b.file, "/"+path) && b.startL == colon.Line && b.startC == colon.Column+1 {
			return b.count > 0
		}
	}
	return false
}

func readProfile(path string) ([]block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []block
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// dinh/offline/outbox/outbox.go:423.20,424.17 1 1
		l := sc.Text()
		colon := strings.LastIndex(l, ":")
		if colon < 0 || strings.HasPrefix(l, "mode:") {
			continue
		}
		var b block
		b.file = l[:colon]
		var stmts int
		if _, err := fmt.Sscanf(l[colon+1:], "%d.%d,%d.%d %d %d", &b.startL, &b.startC, &b.endL, &b.endC, &stmts, &b.count); err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, l, err)
		}
		out = append(out, b)
	}
	return out, sc.Err()
}
