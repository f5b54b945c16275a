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
	"path/filepath"
	"sort"
	"strings"
)

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
	fmt.Println("| package | killed | lived | timed out | not covered (switch case or initialiser) | efficacy | mutant coverage, gremlins | counting case conditions whose case ran |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	var details []string
	for _, path := range reports {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		pkg := strings.ReplaceAll(name, "-", "/")
		line, det, err := summarise(path, filepath.Join(dir, name+".cov"), pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Println(line)
		details = append(details, det...)
	}
	fmt.Println()
	for _, d := range details {
		fmt.Println(d)
	}
	return nil
}

func summarise(reportPath, covPath, pkg string) (string, []string, error) {
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
	var killed, lived, timedOut, notCovered, caseRan int
	var details []string
	for _, f := range r.Files {
		src := filepath.Join(pkg, f.FileName)
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, src, nil, 0)
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
	line := fmt.Sprintf("| `%s` | %d | %d | %d | %d (%d) | %s | %s | %s |", pkg, killed, lived, timedOut, notCovered, caseRan,
		pct(killed+timedOut, run), pct(run, run+notCovered), pct(run+caseRan, run+notCovered))
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
