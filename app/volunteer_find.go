package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/fold"
	"dinh/internal/i18n"
	"dinh/offline/outbox"
)

// finder narrows the volunteer's list of dossiers: words typed (the
// villager's initials, the procedure's code or name, the receipt code, a
// date as dd/mm/yyyy, without caring for accents or case) and a state to
// show. Every word must match something of the dossier.
type finder struct {
	entry *widget.Entry
	state *widget.Select
	shows string // the state filter's key, as findStates names it
}

// findStates are the state filters, by their words' keys: what a
// volunteer asks of the list.
var findStates = []string{"vol.find.all", "vol.find.drafts", "vol.find.waiting", "vol.find.receipted", "vol.find.act"}

// newFinder builds the search field and the state filter; changed runs
// when either changes. It keeps what was typed and chosen from before a
// language switch (old, which may be nil).
func newFinder(old *finder, changed func()) *finder {
	f := &finder{entry: widget.NewEntry(), shows: findStates[0]}
	f.entry.SetPlaceHolder(i18n.T("vol.find.placeholder"))
	var labels []string
	for _, k := range findStates {
		labels = append(labels, i18n.T(k))
	}
	f.state = widget.NewSelect(labels, nil)
	if old != nil {
		f.entry.SetText(old.entry.Text)
		f.shows = old.shows
	}
	for i, k := range findStates {
		if k == f.shows {
			f.state.SetSelectedIndex(i)
		}
	}
	f.entry.OnChanged = func(string) { changed() }
	f.state.OnChanged = func(string) {
		f.shows = findStates[max(0, f.state.SelectedIndex())]
		changed()
	}
	return f
}

func (f *finder) view() fyne.CanvasObject {
	f.entry.ActionItem = widget.NewIcon(theme.SearchIcon())
	return container.NewVBox(f.entry, f.state)
}

// active reports whether the list is narrowed at all.
func (f *finder) active() bool {
	return strings.TrimSpace(f.entry.Text) != "" || f.shows != findStates[0]
}

// matches reports whether dossier e, whose procedure is called name,
// stays in the list.
func (f *finder) matches(e outbox.Entry, name string) bool {
	act := e.State == outbox.Damaged || e.Rejection != nil && e.State.Unreceipted() && !e.Rejection.Resent
	switch f.shows {
	case "vol.find.drafts":
		if e.State != outbox.Draft {
			return false
		}
	case "vol.find.waiting":
		if !e.State.Unreceipted() || act {
			return false
		}
	case "vol.find.receipted":
		if e.State != outbox.Receipted && e.State != outbox.Purged {
			return false
		}
	case "vol.find.act":
		if !act {
			return false
		}
	}
	haystack := fold.String(strings.Join([]string{e.Initials, e.Procedure, name, e.Receipt,
		strings.ReplaceAll(e.Receipt, "-", ""), e.Created.Local().Format("02/01/2006")}, " "))
	for _, w := range strings.Fields(fold.String(f.entry.Text)) {
		if !strings.Contains(haystack, w) {
			return false
		}
	}
	return true
}
