package app

import (
	"errors"
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/vault"
)

// pressKey presses a key in c as Fyne's window does: the focused widget
// gets it, else the window's own handler.
func pressKey(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TestEscapeClosesDialogs: Escape closes each kind of dialog the app
// shows, as its cancelling button would, whether or not a field had the
// focus: a question (the answer is no, and nothing changes), an error, a
// file dialog, and a dialog of fields with the focus in one of them. In
// that dialog, Enter goes from field to field and from the last one does
// the dialog's action.
func TestDialogKeys(t *testing.T) {
	t.Run("question, error, file", func(t *testing.T) {
		u := startDemo(t)
		fyne.DoAndWait(func() {
			u.tabs.SelectIndex(1)
			h := u.host
			title := h.m.Title
			if title == "" {
				t.Fatal("the demo's meeting has no title")
			}
			c := u.win.Canvas()
			var field *widget.Entry
			walk(h.form, func(o fyne.CanvasObject) {
				if e, ok := o.(*widget.Entry); ok && field == nil {
					field = e
				}
			})
			c.Focus(field) // the person was typing in the form
			dialogs := []struct {
				name string
				show func()
			}{
				{"the new meeting question", func() { test.Tap(findButton(u.tabs.Items[1].Content, "Cuộc họp mới")) }},
				{"an error", func() { showErrorDialog("", vault.ErrDecrypt, u.win) }},
				{"a problem", func() { showProblem("Tên tệp không hợp lệ", u.win) }},
				{"the file dialog", func() { h.pickDocument(&h.m.Agenda[0]) }},
			}
			for _, d := range dialogs {
				d.show()
				if c.Overlays().Top() == nil {
					t.Fatalf("%s did not show", d.name)
				}
				pressKey(c, fyne.KeyEscape)
				if top := c.Overlays().Top(); top != nil {
					t.Errorf("Escape left %s open: %q", d.name, shown(top))
					top.Hide()
				}
			}
			if h.m.Title != title {
				t.Errorf("Escape on the new meeting question emptied the form: title %q, was %q", h.m.Title, title)
			}
		})
	})
	t.Run("fields, one focused", func(t *testing.T) {
		u, v := startVolunteer(t, vault.Options{IdleTimeout: -1})
		c := u.win.Canvas()
		test.Tap(button(v.root, "Đổi mật khẩu"))
		dlg := c.Overlays().Top()
		if dlg == nil {
			t.Fatal("the passphrase dialog did not show")
		}
		fields := dialogEntries(dlg)
		if len(fields) == 0 {
			t.Fatal("the passphrase dialog has no field")
		}
		old := fields[0]
		c.Focus(old) // as a click on it does
		test.Type(old, "mật khẩu đang gõ")
		if c.Focused() != old {
			t.Fatalf("the field clicked has no focus: %v", c.Focused())
		}
		pressKey(c, fyne.KeyEscape)
		if top := c.Overlays().Top(); top != nil {
			t.Errorf("Escape in a focused field left the dialog open: %q", shown(top))
		}
		if !errors.Is(v.ws.Vault.Unlock([]byte(volunteerPass)), nil) {
			t.Error("the passphrase changed")
		}

		// Enter moves from field to field, and from the last one changes
		// the passphrase.
		test.Tap(button(v.root, "Đổi mật khẩu"))
		fields = dialogEntries(c.Overlays().Top())
		if len(fields) != 3 {
			t.Fatalf("the passphrase dialog has %d fields, want 3", len(fields))
		}
		c.Focus(fields[0])
		for _, text := range []string{volunteerPass, "mật khẩu mới của tổ", "mật khẩu mới của tổ"} {
			test.Type(c.Focused(), text)
			pressKey(c, fyne.KeyReturn)
		}
		if got := v.foot.status.Text; got != "Đã đổi mật khẩu." || c.Overlays().Top() != nil {
			t.Errorf("after Enter in the last field: status %q, dialog left %v", got, c.Overlays().Top() != nil)
		}
	})
}

// TestEveryDialogClosesWithEscape: no dialog is shown but through
// showDialog, which makes Escape close it: no dialog.Show* helper, and no
// Show() of a dialog made with dialog.New*.
func TestEveryDialogClosesWithEscape(t *testing.T) {
	appSources(t, func(fset *token.FileSet, f *ast.File) {
		isDialogCall := func(e ast.Expr, prefix string) bool {
			call, ok := e.(*ast.CallExpr)
			if !ok {
				return false
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return false
			}
			x, ok := sel.X.(*ast.Ident)
			return ok && x.Name == "dialog" && strings.HasPrefix(sel.Sel.Name, prefix)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			dialogs := map[string]bool{}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if as, ok := n.(*ast.AssignStmt); ok {
					for i, r := range as.Rhs {
						if id, ok := as.Lhs[i].(*ast.Ident); ok && isDialogCall(r, "New") {
							dialogs[id.Name] = true
						}
					}
				}
				return true
			})
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				e, ok := n.(ast.Expr)
				if !ok {
					return true
				}
				if isDialogCall(e, "Show") {
					t.Errorf("%s: a dialog.Show* helper: show the dialog with showDialog", fset.Position(e.Pos()))
				}
				if call, ok := e.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Show" {
						if id, ok := sel.X.(*ast.Ident); ok && dialogs[id.Name] {
							t.Errorf("%s: %s.Show(): show the dialog with showDialog", fset.Position(e.Pos()), id.Name)
						}
					}
				}
				return true
			})
		}
	})
}

// dialogEntries are the fields of a dialog's forms, in order.
func dialogEntries(o fyne.CanvasObject) []*dialogEntry {
	var out []*dialogEntry
	walk(o, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				if e, ok := it.Widget.(*dialogEntry); ok {
					out = append(out, e)
				}
			}
		}
	})
	return out
}

// TestFileDialogPlacesInTheAppsLanguage: the places of Fyne's file dialog
// (Home, Computer…), which Fyne names in English only, are named in the
// app's language.
func TestFileDialogPlacesInTheAppsLanguage(t *testing.T) {
	test.NewTempApp(t)
	defer i18n.SetLanguage("vi")
	for _, l := range []struct{ lang, home, computer string }{{"vi", "Thư mục nhà", "Máy tính"}, {"en", "Home", "Computer"}} {
		i18n.SetLanguage(l.lang)
		win := test.NewTempWindow(t, widget.NewLabel(""))
		win.Resize(fyne.NewSize(900, 700))
		showDialog(win, dialog.NewFileSave(func(fyne.URIWriteCloser, error) {}, win))
		var labels []string
		walkRendered(win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if lb, ok := o.(*widget.Label); ok {
				labels = append(labels, lb.Text)
			}
		})
		if !slices.Contains(labels, l.home) || !slices.Contains(labels, l.computer) {
			t.Errorf("in %s the file dialog's places are %q, want %q and %q", l.lang, labels, l.home, l.computer)
		}
		if l.lang == "vi" && (slices.Contains(labels, "Home") || slices.Contains(labels, "Computer")) {
			t.Errorf("in Vietnamese the file dialog still says %q", labels)
		}
	}
}
