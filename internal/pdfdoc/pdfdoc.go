// Package pdfdoc starts the PDFs Đình writes for people (the villager's
// slip, a delegate's notes) the same way: the same bytes for the same
// content and date, Vietnamese text in the embedded NotoSans ("noto",
// regular and bold), Đình as producer and creator, Vietnamese as the
// document's language.
package pdfdoc

import (
	"time"

	"codeberg.org/go-pdf/fpdf"

	"dinh/assets"
)

// New returns a document of the given page set-up, titled title and
// dated at.
func New(init *fpdf.InitType, title string, at time.Time) *fpdf.Fpdf {
	f := fpdf.NewCustom(init)
	at = at.UTC()
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetProducer("Đình", true)
	f.SetCreator("Đình", true)
	f.SetTitle(title, true)
	f.SetLang("vi-VN")
	f.AddUTF8FontFromBytes("noto", "", assets.FontRegular())
	f.AddUTF8FontFromBytes("noto", "B", assets.FontBold())
	return f
}
