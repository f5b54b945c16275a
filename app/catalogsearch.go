package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
)

// catalogSearch is the catalogue of procedures as a person searches it:
// an entry, the procedures found with what matched in bold, and once one
// is picked, its card with its cases. It is a part: the volunteer's first
// step places it, and the kiosk will place it in a window of its own.
type catalogSearch struct {
	cat   *catalog.Catalog
	ix    *catalog.Index
	query string
	code  string // the procedure picked, "" while searching

	// onCase, when set, makes each case of the picked procedure a button;
	// chosen names the case to show as chosen.
	onCase func(p *catalog.Procedure, c *catalog.Case)
	chosen func() string

	entry   *widget.Entry
	results *fyne.Container
}

func newCatalogSearch(c *catalog.Catalog) *catalogSearch {
	s := &catalogSearch{chosen: func() string { return "" }}
	s.setCatalog(c)
	return s
}

// setCatalog searches c from now on.
func (s *catalogSearch) setCatalog(c *catalog.Catalog) { s.cat, s.ix = c, catalog.NewIndex(c) }

// reset clears the query and the procedure picked.
func (s *catalogSearch) reset() { s.query, s.code = "", "" }

// view builds the part's widgets, with the query and the pick kept.
func (s *catalogSearch) view() fyne.CanvasObject {
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(i18n.T("vol.search.hint"))
	s.entry.SetText(s.query)
	s.results = container.NewVBox()
	s.entry.OnChanged = func(q string) { s.query = q; s.refresh() }
	s.entry.OnSubmitted = func(string) {
		if hits := s.ix.Search(s.query, 1); len(hits) > 0 {
			s.pick(hits[0].Procedure.Code)
		}
	}
	s.refresh()
	box := container.NewVBox(wrapped(i18n.T("vol.search.text")))
	if s.cat.Sample {
		n := wrapped(i18n.T("vol.sample"))
		n.Importance = widget.WarningImportance
		box.Add(n)
	}
	box.Add(s.entry)
	box.Add(s.results)
	return box
}

// pick shows a procedure's card instead of the results.
func (s *catalogSearch) pick(code string) {
	s.code = code
	s.refresh()
}

// refresh lists the procedures found, what matched in bold, or the card
// of the procedure picked.
func (s *catalogSearch) refresh() {
	if s.results == nil {
		return
	}
	s.results.Objects = nil
	if p := s.cat.Lookup(s.code); p != nil {
		s.results.Add(s.card(p))
		s.results.Refresh()
		return
	}
	if strings.TrimSpace(s.query) == "" {
		s.results.Refresh()
		return
	}
	hits := s.ix.Search(s.query, 8)
	if len(hits) == 0 {
		s.results.Add(wrapped(i18n.T("vol.search.none")))
	}
	for _, h := range hits {
		p := h.Procedure
		text := widget.NewRichText(highlighted(h, "name", p.Name, true)...)
		text.Wrapping = fyne.TextWrapWord
		sub := widget.NewRichText(append(append(highlighted(h, "code", p.Code, false),
			&widget.TextSegment{Text: " · ", Style: widget.RichTextStyleInline}),
			highlighted(h, "sector", p.Sector, false)...)...)
		code := p.Code
		pick := widget.NewButtonWithIcon(i18n.T("vol.choose"), theme.NavigateNextIcon(), func() { s.pick(code) })
		s.results.Add(widget.NewCard("", "", readingBorder(nil, nil, nil, pick, container.NewVBox(text, sub))))
	}
	s.results.Refresh()
}

// highlighted splits text into segments with the matched spans in bold.
func highlighted(h catalog.Hit, field, text string, big bool) []widget.RichTextSegment {
	style := widget.RichTextStyleInline
	if big {
		style = widget.RichTextStyleStrong
		style.Inline = true
		style.TextStyle = fyne.TextStyle{}
		style.SizeName = theme.SizeNameSubHeadingText
	}
	strong := style
	strong.TextStyle = fyne.TextStyle{Bold: true}
	strong.ColorName = theme.ColorNamePrimary
	var out []widget.RichTextSegment
	for _, p := range catalog.Parts(text, wholeWords(text, h.SpansIn(field))) {
		st := style
		if p.Matched {
			st = strong
		}
		out = append(out, &widget.TextSegment{Text: p.Text, Style: st})
	}
	return out
}

// wholeWords widens each matched span to the words it touches, and joins
// spans that then meet: a segment boundary inside a word is a place where
// Fyne may break the line, so a word matched in part ("sin" of "sinh")
// would be split across lines, letter by letter on a narrow screen.
func wholeWords(text string, spans [][2]int) [][2]int {
	inWord := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
	}
	var out [][2]int
	for _, sp := range spans {
		if sp[0] < 0 || sp[1] > len(text) || sp[0] >= sp[1] {
			continue
		}
		for sp[0] > 0 && inWord(sp[0]) {
			_, size := utf8.DecodeLastRuneInString(text[:sp[0]])
			if !inWord(sp[0] - size) {
				break
			}
			sp[0] -= size
		}
		for sp[1] < len(text) && inWord(sp[1]) {
			_, size := utf8.DecodeRuneInString(text[sp[1]:])
			sp[1] += size
		}
		if n := len(out); n > 0 && sp[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}

// card describes a procedure and its cases, each a button when onCase is
// set.
func (s *catalogSearch) card(p *catalog.Procedure) fyne.CanvasObject {
	lang := i18n.Language()
	info := wrapped(fmt.Sprintf("%s · %s · %s\n%s: %s", p.Code, p.Sector, i18n.Word(lang, "catalog.level.", string(p.Level)), i18n.T("vol.agency"), p.Agency))
	box := container.NewVBox(bigLabel(p.Name), info)
	if p.Status == catalog.StatusReplaced {
		w := wrapped(i18n.T("vol.replaced", p.ReplacedBy))
		w.Importance = widget.WarningImportance
		box.Add(w)
	}
	box.Add(widget.NewLabelWithStyle(i18n.T("vol.cases"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i := range p.Cases {
		c := &p.Cases[i]
		var ch []string
		for _, k := range c.Channels {
			ch = append(ch, i18n.Word(lang, "catalog.channel.", k.Code()))
		}
		desc := wrapped(fmt.Sprintf("%s: %s · %s: %s · %s", i18n.T("vol.fee"), c.Fee, i18n.T("vol.days"), days(c.ProcessingDays), strings.Join(ch, ", ")))
		if s.onCase == nil {
			box.Add(container.NewVBox(widget.NewLabelWithStyle(c.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), desc))
			continue
		}
		b := widget.NewButtonWithIcon(c.Name, theme.ConfirmIcon(), func() { s.onCase(p, c) })
		b.Alignment = widget.ButtonAlignLeading
		if s.chosen() == c.Name {
			b.Importance = widget.HighImportance
		}
		box.Add(container.NewVBox(b, desc))
	}
	other := widget.NewButtonWithIcon(i18n.T("vol.other_procedure"), theme.SearchIcon(), func() { s.pick("") })
	other.Importance = widget.LowImportance
	box.Add(other)
	return widget.NewCard("", "", box)
}

func days(d float64) string {
	if d == 0 {
		return i18n.T("vol.same_day")
	}
	return i18n.T("vol.n_days", fmt.Sprintf("%g", d))
}
