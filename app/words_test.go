package app

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/assets"
	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/offline/vault"
)

// catalogue is every Vietnamese text the app may show: the app's own
// words (assets/i18n/*.vi.json) and Fyne's (assets/fyne/vi.json), each as
// a pattern whose verbs (%s, %d…) stand for anything.
func catalogue(t *testing.T) []*regexp.Regexp {
	t.Helper()
	var texts []string
	names, _ := fs.Glob(assets.FS, "i18n/*.vi.json")
	for _, name := range append(names, "fyne/vi.json") {
		b, err := assets.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", path.Base(name), err)
		}
		for _, v := range m {
			switch v := v.(type) {
			case string:
				texts = append(texts, v)
			case map[string]any: // plural forms
				for _, f := range v {
					if s, ok := f.(string); ok {
						texts = append(texts, s)
					}
				}
			}
		}
	}
	verb := regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z]`)
	var out []*regexp.Regexp
	for _, s := range texts {
		parts := verb.Split(s, -1)
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		out = append(out, regexp.MustCompile(`^`+strings.Join(parts, `(?s:.*)`)+`$`))
	}
	return out
}

// data is what a screen shows that is not words of the app's: names,
// numbers, dates, codes, document titles, the catalogue's procedures.
var data = regexp.MustCompile(`^[\p{N}\s.,:;/%×()+–—-]*$|` + // numbers, dates, times
	`^[A-Z0-9]{4}(-[A-Z0-9]{4})+$|` + // the host's code, device IDs
	`^[\d.,]+\s?[kMG]?B$`) // sizes

// TestEveryWordIsInTheCatalogue walks the screens a person meets, in
// Vietnamese, and fails on any text that is neither the catalogue's words
// nor data (names, numbers, document titles, the catalogue's procedures):
// no English developer text, no word typed into a screen's code.
func TestEveryWordIsInTheCatalogue(t *testing.T) {
	words := catalogue(t)
	u := startDemo(t)
	eventually(t, "the demo meeting", func() bool { return u.delegate.pane.man != nil })

	known := map[string]bool{}
	var man *meeting.Manifest
	fyne.DoAndWait(func() { man = u.delegate.pane.man })
	addData := func(ss ...string) {
		for _, s := range ss {
			if s = strings.TrimSpace(s); s != "" {
				known[s] = true
			}
		}
	}
	m := man.Meeting
	addData(m.ID, m.Title, m.Place)
	for _, p := range m.Participants {
		addData(p.Name, p.Role, p.Seat)
	}
	for _, it := range m.Agenda {
		addData(it.Title, it.Presenter)
		addData(it.Documents...)
	}
	for _, d := range man.Documents {
		addData(d.Name)
	}
	// The catalogue's procedures, with their cases, papers and steps.
	var strs func(any)
	strs = func(x any) {
		switch x := x.(type) {
		case string:
			addData(x)
			addData(strings.Split(x, "\n")...)
		case []any:
			for _, e := range x {
				strs(e)
			}
		case map[string]any:
			for _, e := range x {
				strs(e)
			}
		}
	}
	var cat any
	json.Unmarshal(assets.SampleCatalog(), &cat)
	strs(cat)

	for _, l := range i18n.Languages {
		addData(i18n.In(l, "lang.name")) // the language choice names each in its own
	}
	numbered := regexp.MustCompile(`^\d+\. `) // an agenda item's number
	isWords := func(s string) bool {
		s = numbered.ReplaceAllString(strings.TrimSpace(s), "")
		if s == "" || data.MatchString(s) || known[s] {
			return true
		}
		for _, w := range words {
			if w.MatchString(s) {
				return true
			}
		}
		return false
	}
	// A text may be words and data joined (a list row: "initials ·
	// procedure\ndate · state"; "Nơi cấp: the office"; a mark before a
	// problem): each part must be one or the other.
	mark := regexp.MustCompile(`^(• |⚠ |✓ |✔ )`)
	var ok func(s string, seps []string) bool
	ok = func(s string, seps []string) bool {
		s = mark.ReplaceAllString(strings.TrimSpace(s), "")
		if isWords(s) {
			return true
		}
		if len(seps) == 0 {
			return false
		}
		for _, part := range strings.Split(s, seps[0]) {
			if !ok(part, seps[1:]) {
				return false
			}
		}
		return true
	}
	separators := []string{"\n", " · ", " – ", ": "}
	bad := map[string]string{} // text → screen
	look := func(screen string) {
		fyne.DoAndWait(func() {
			// Meetings other hosts announce on the LAN (other tests on
			// this machine do) are data too.
			for _, r := range u.delegate.meetings.rows {
				addData(r.id, r.title)
				if r.listing != nil {
					addData(r.listing.Short())
				}
			}
			objs := []fyne.CanvasObject{u.win.Content()}
			objs = append(objs, u.win.Canvas().Overlays().List()...)
			for _, o := range objs {
				walkRendered(o, func(o fyne.CanvasObject) {
					var texts []string
					switch v := o.(type) {
					case *widget.Label:
						texts = append(texts, v.Text)
					case *widget.Button:
						texts = append(texts, v.Text)
					case *widget.Check:
						texts = append(texts, v.Text)
					case *widget.Entry:
						texts = append(texts, v.PlaceHolder)
					case *widget.Select:
						if v.Selected == "" {
							texts = append(texts, v.PlaceHolder)
						}
						texts = append(texts, v.Options...)
					case *widget.Hyperlink:
						texts = append(texts, v.Text)
					case *widget.Card:
						texts = append(texts, v.Title, v.Subtitle)
					case *widget.Accordion:
						for _, it := range v.Items {
							texts = append(texts, it.Title)
						}
					}
					for _, s := range texts {
						if !ok(s, separators) {
							bad[s] = screen
						}
					}
				})
			}
		})
	}

	// The delegate: the meeting, a document and its signatures.
	fyne.DoAndWait(func() { u.tabs.SelectIndex(0) })
	look("delegate, meeting")
	fyne.DoAndWait(func() { test.Tap(u.delegate.doc.sigButton) })
	look("delegate, signatures")
	// The delegate's private notes: before set-up, the set-up, a note.
	notes := u.delegate.doc.notes
	fyne.DoAndWait(func() { test.Tap(u.delegate.doc.notesButton) })
	look("delegate, notes")
	fyne.DoAndWait(notes.setUp)
	look("delegate, notes set-up")
	inDialog(t, u, []string{"mật khẩu ghi chú", "mật khẩu ghi chú"}, "Đặt mật khẩu")
	fyne.DoAndWait(func() { notes.edit(nil, 0, nil) })
	look("delegate, a note")
	inDialog(t, u, []string{"Ghi chú thử"}, "Lưu ghi chú")
	addData("Ghi chú thử")
	look("delegate, the notes")
	// The secretariat's host screen.
	fyne.DoAndWait(func() { u.tabs.SelectIndex(1) })
	look("host")
	closeAll := func() {
		fyne.DoAndWait(func() {
			for _, o := range u.win.Canvas().Overlays().List() {
				u.win.Canvas().Overlays().Remove(o)
			}
		})
	}
	fyne.DoAndWait(u.host.newMeeting)
	look("host, new meeting?")
	closeAll()
	fyne.DoAndWait(func() {
		walkRendered(u.host.form, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon == theme.CalendarIcon() {
				test.Tap(b)
			}
		})
	})
	look("host, calendar")
	closeAll()
	fyne.DoAndWait(func() { u.host.removeItem(0) })
	look("host, remove an item?")
	closeAll()
	// The volunteer: set-up, the empty list, each step of a new dossier.
	fyne.DoAndWait(func() { u.tabs.SelectIndex(2) })
	look("volunteer, set-up")
	v := u.volunteer
	v.opts.KDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	fyne.DoAndWait(func() {
		if err := v.gate.setUp(volunteerPass, volunteerPass, "", ""); err != nil {
			t.Fatal(err)
		}
		v.show()
	})
	look("volunteer, list")
	fyne.DoAndWait(v.syncSettingsDialog)
	look("volunteer, sync settings")
	fyne.DoAndWait(func() {
		for _, o := range u.win.Canvas().Overlays().List() {
			u.win.Canvas().Overlays().Remove(o)
		}
	})
	test.Tap(button(v.root, "Hồ sơ mới"))
	test.Type(v.wiz.search.entry, "dang ky khai sinh")
	look("volunteer, search")
	test.Tap(button(v.wiz.search.results, "Chọn"))
	look("volunteer, cases")
	test.Tap(button(v.wiz.search.results, "Khai sinh đúng hạn"))
	for step := 2; step <= 6; step++ {
		look(fmt.Sprintf("volunteer, step %d", step))
		if step < 6 {
			test.Tap(v.wiz.nextBtn)
		}
	}

	if len(bad) > 0 {
		var lines []string
		for s, screen := range bad {
			lines = append(lines, fmt.Sprintf("%s: %q", screen, s))
		}
		sort.Strings(lines)
		t.Errorf("texts that are not in the catalogue:\n%s", strings.Join(lines, "\n"))
	}
}
