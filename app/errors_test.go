package app

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/offline/photo"
	"dinh/offline/vault"
)

// TestErrorText: each kind of failure is told in Vietnamese words of its
// own, never with the error's English text; an unknown one is told as
// unexpected, with the detail folded under "Chi tiết".
func TestErrorText(t *testing.T) {
	test.NewTempApp(t)
	i18n.SetLanguage("vi")
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("dossier: attach: %w", photo.ErrNotImage), i18n.T("vol.err.not_image")},
		{fmt.Errorf("vault: %w", vault.ErrOldFormat), i18n.T("vol.err.old_vault")},
		{fmt.Errorf("%w: title is empty", meeting.ErrInvalid), i18n.T("err.meeting_invalid")},
		{errors.New("x509: certificate signed by unknown authority"), i18n.T("err.unexpected")},
	}
	for _, tt := range tests {
		got := errorText(tt.err)
		if got != tt.want || strings.Contains(got, tt.err.Error()) {
			t.Errorf("%v: got %q, want %q", tt.err, got, tt.want)
		}
	}
	err := errors.New("x509: certificate signed by unknown authority")
	box := errorBox("Không xuất bản được.", err)
	w := test.NewTempWindow(t, box)
	if got := shown(w.Content()); !strings.Contains(got, "Không xuất bản được. "+i18n.T("err.unexpected")) || !strings.Contains(got, "Chi tiết") {
		t.Errorf("the box shows %q", got)
	}
}

// TestNoErrorTextInSentences: no code of the app puts an error's own text
// into a translated sentence (i18n.T with an error, or err.Error(),
// among its arguments); errorText and errorBox are the only way.
func TestNoErrorTextInSentences(t *testing.T) {
	appSources(t, func(fset *token.FileSet, f *ast.File) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "i18n" && sel.Sel.Name == "T" {
				for _, a := range call.Args[1:] {
					if splicesError(a) {
						t.Errorf("%s: i18n.T is given an error's text", fset.Position(a.Pos()))
					}
				}
			}
			if sel.Sel.Name == "Error" && len(call.Args) == 0 {
				if p := fset.Position(call.Pos()); !strings.HasSuffix(p.Filename, "errors.go") {
					t.Errorf("%s: err.Error() shown outside errorBox", p)
				}
			}
			return true
		})
	})
}

// appSources calls fn on every Go file of the app but its tests.
func appSources(t *testing.T, fn func(*token.FileSet, *ast.File)) {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		fn(fset, f)
	}
}

func splicesError(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "err" || strings.HasSuffix(x.Name, "Err")
	case *ast.SelectorExpr:
		return x.Sel.Name == "err" || strings.HasSuffix(x.Sel.Name, "Err")
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
			return true
		}
		if id, ok := x.Fun.(*ast.SelectorExpr); ok && id.Sel.Name == "Sprint" {
			return true
		}
	}
	return false
}
