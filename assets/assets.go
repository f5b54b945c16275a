// Package assets embeds the files Đình ships inside its binary: the
// translations (Vietnamese first, English second), the fonts used to draw
// Vietnamese text into generated PDFs, and the demo meeting.
package assets

import "embed"

// FS holds every embedded asset, addressed by its path below assets/.
//
//go:embed i18n fonts catalog fyne
var FS embed.FS

// FontRegular returns the regular NotoSans face (SIL Open Font Licence), which
// covers every Vietnamese letter with its stacked diacritics.
func FontRegular() []byte { return mustRead("fonts/NotoSans-Regular.ttf") }

// FontBold returns the bold NotoSans face.
func FontBold() []byte { return mustRead("fonts/NotoSans-Bold.ttf") }

// SampleCatalog returns the sample catalogue of administrative procedures
// (format "dinh-catalog"), read by package dinh/offline/catalog.
func SampleCatalog() []byte { return mustRead("catalog/sample.json") }

// FyneVietnamese is Fyne's own words (file dialogs, entry menus, the
// days of the date picker) in Vietnamese, which Fyne 2.7 does not ship,
// in Fyne's translation format.
func FyneVietnamese() []byte { return mustRead("fyne/vi.json") }

// FyneEnglish is Fyne's own English words, a copy of Fyne 2.7.1's
// lang/translations/base.en.json (BSD-3-Clause, the Fyne authors): the
// app puts them back under the locale Fyne picks when its language turns
// to English.
func FyneEnglish() []byte { return mustRead("fyne/en.json") }

func mustRead(name string) []byte {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic("assets: missing embedded file " + name + ": " + err.Error())
	}
	return b
}
