package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/offline/catalog"
)

// TestCatalogSearchAlone places the catalogue search in a window of its
// own, as the kiosk will: it finds a procedure with one typo and without
// diacritics, shows its cases as plain text when nobody chooses one, and
// renders as its golden markup.
func TestCatalogSearchAlone(t *testing.T) {
	test.NewTempApp(t)
	i18n.SetLanguage("vi")
	s := newCatalogSearch(catalog.Sample())
	w := test.NewTempWindow(t, s.view())
	w.Resize(fyne.NewSize(640, 480))
	w.Content().Refresh() // wrapped labels size themselves once they have a width
	test.AssertRendersToMarkup(t, "catalogsearch_empty.xml", w.Canvas())

	test.Type(s.entry, "dang ky khai sinnh")
	if got := shown(s.results); !strings.Contains(got, "Đăng ký khai sinh") {
		t.Fatalf("results: %q", got)
	}
	test.Tap(button(s.results, "Chọn"))
	got := shown(s.results)
	if !strings.Contains(got, "Khai sinh đúng hạn") || !strings.Contains(got, "Cấp xã") {
		t.Fatalf("the procedure's card: %q", got)
	}
	if b := button(s.results, "Khai sinh đúng hạn"); b != nil {
		t.Errorf("a case is a button with nobody to choose it")
	}
	test.Tap(button(s.results, "Chọn thủ tục khác"))
	if got := shown(s.results); !strings.Contains(got, "Đăng ký khai sinh") {
		t.Errorf("back to the results: %q", got)
	}
}

// TestHighlightsKeepWordsWhole: a word matched in part is highlighted
// whole, so no segment boundary falls inside a word, where Fyne could
// break the line and split the word letter by letter on a narrow screen.
func TestHighlightsKeepWordsWhole(t *testing.T) {
	text := "Đăng ký khai sinh cho trẻ"
	for _, tt := range []struct {
		name  string
		spans [][2]int
		bold  []string
	}{
		{"a prefix", [][2]int{{strings.Index(text, "sin"), strings.Index(text, "sin") + 3}}, []string{"sinh"}},
		{"inside a word, with accents", [][2]int{{strings.Index(text, "ăn"), strings.Index(text, "ăn") + len("ăn")}}, []string{"Đăng"}},
		{"letters one by one", [][2]int{{strings.Index(text, "k"), strings.Index(text, "k") + 1}, {strings.Index(text, "k") + 1, strings.Index(text, "k") + 2}}, []string{"ký"}},
		{"two words that meet", [][2]int{{strings.Index(text, "khai"), strings.Index(text, "khai") + 2}, {strings.Index(text, "sinh"), strings.Index(text, "sinh") + 2}}, []string{"khai", "sinh"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			segs := highlighted(catalog.Hit{Matches: []catalog.Match{{Field: "name", Spans: tt.spans}}}, "name", text, false)
			var all strings.Builder
			var bold []string
			for _, s := range segs {
				ts := s.(*widget.TextSegment)
				if ts.Style.TextStyle.Bold {
					bold = append(bold, ts.Text)
				}
				if b := all.String(); b != "" && !strings.HasSuffix(b, " ") && !strings.HasPrefix(ts.Text, " ") {
					t.Errorf("a segment boundary inside a word: %q | %q", b, ts.Text)
				}
				all.WriteString(ts.Text)
			}
			if all.String() != text || !slices.Equal(bold, tt.bold) {
				t.Errorf("got %q with %q in bold, want %q in bold", all.String(), bold, tt.bold)
			}
		})
	}
}
