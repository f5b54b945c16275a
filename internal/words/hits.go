package words

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
)

// Hits is a catalogue search's results as lines for a terminal: code,
// name, sector and level of each procedure, with what matched in
// [brackets], the codes padded to one width, and what replaced a
// procedure no longer in force.
func Hits(lang string, hits []catalog.Hit) []string {
	codes := make([]string, len(hits))
	width := 0
	for i, h := range hits {
		codes[i] = bracket(h, "code", h.Procedure.Code)
		width = max(width, utf8.RuneCountInString(codes[i]))
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		p := h.Procedure
		out[i] = fmt.Sprintf("%s%s  %s · %s · %s", codes[i], strings.Repeat(" ", width-utf8.RuneCountInString(codes[i])),
			bracket(h, "name", p.Name), bracket(h, "sector", p.Sector), i18n.Word(lang, "catalog.level.", string(p.Level)))
		if p.Status == catalog.StatusReplaced {
			out[i] += fmt.Sprintf(" · %s → %s", i18n.Word(lang, "catalog.status.", string(p.Status)), p.ReplacedBy)
		}
	}
	return out
}

// bracket is text with the spans matched in field between brackets.
func bracket(h catalog.Hit, field, text string) string {
	var b strings.Builder
	for _, p := range catalog.Parts(text, h.SpansIn(field)) {
		if p.Matched {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
