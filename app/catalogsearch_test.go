package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
