package notes

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"time"

	"dinh/internal/pdfdoc"

	"codeberg.org/go-pdf/fpdf"
)

// Export is what the delegate's own PDF of notes says, in words already
// translated: this package only lays them out, on A4.
type Export struct {
	Title   string    // "My private notes", in the reader's language
	Meeting string    // the meeting's title
	Made    string    // when it was exported, already written out
	Date    time.Time // the PDF's date
	Docs    []ExportDoc
	// Page writes a page number ("Page 3"); Changed flags a note whose
	// page changed ("This page changed in the new version").
	Page    func(page int) string
	Changed string
	Empty   string // said when no document has a note
}

// ExportDoc is one document's notes. Picture, when set, gives the image
// shown with a note: its highlight on the page.
type ExportDoc struct {
	Name    string
	Notes   []Note
	Picture func(n Note) (image.Image, error)
}

// WritePDF writes e as a PDF to w.
func WritePDF(w io.Writer, e Export) error {
	f := pdfdoc.New(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}, e.Title+": "+e.Meeting, e.Date)
	f.SetMargins(18, 18, 18)
	f.SetAutoPageBreak(true, 18)
	f.AddPage()
	const inner = 210 - 2*18

	f.SetFont("noto", "B", 16)
	f.MultiCell(inner, 8, e.Title, "", "L", false)
	f.SetFont("noto", "B", 12)
	f.MultiCell(inner, 6, e.Meeting, "", "L", false)
	f.SetFont("noto", "", 10)
	f.SetTextColor(90, 90, 90)
	f.MultiCell(inner, 5, e.Made, "", "L", false)
	f.SetTextColor(0, 0, 0)
	f.Ln(4)
	if len(e.Docs) == 0 {
		f.SetFont("noto", "", 11)
		f.MultiCell(inner, 6, e.Empty, "", "L", false)
	}
	pics := 0
	for _, d := range e.Docs {
		f.SetFont("noto", "B", 13)
		f.SetFillColor(235, 235, 235)
		f.MultiCell(inner, 7, d.Name, "", "L", true)
		f.Ln(2)
		for _, n := range d.Notes {
			f.SetFont("noto", "B", 11)
			head := e.Page(n.Page)
			f.MultiCell(inner, 6, head, "", "L", false)
			if n.Changed {
				f.SetFont("noto", "", 10)
				f.SetTextColor(176, 0, 32)
				f.MultiCell(inner, 5, e.Changed, "", "L", false)
				f.SetTextColor(0, 0, 0)
			}
			if d.Picture != nil && n.Mark != nil {
				img, err := d.Picture(n)
				if err != nil {
					return fmt.Errorf("notes: picture of a note on page %d of %q: %w", n.Page+1, d.Name, err)
				}
				if err := picture(f, img, &pics); err != nil {
					return err
				}
			}
			if n.Text != "" {
				f.SetFont("noto", "", 11)
				f.MultiCell(inner, 5.5, n.Text, "", "L", false)
			}
			f.Ln(3)
		}
		f.Ln(2)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("notes: export: %w", err)
	}
	return nil
}

// picture places img, a highlight's picture, below what is written; a
// nil img (the page is gone) places nothing.
func picture(f *fpdf.Fpdf, img image.Image, pics *int) error {
	if img == nil {
		return nil
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("notes: %w", err)
	}
	*pics++
	name := fmt.Sprintf("pic%d", *pics)
	f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	b := img.Bounds()
	const inner = 210 - 2*18
	wMM := min(inner, float64(b.Dx())*25.4/pictureDPI)
	hMM := wMM * float64(b.Dy()) / float64(b.Dx())
	if f.GetY()+hMM > 297-18 {
		f.AddPage()
	}
	f.ImageOptions(name, 18, f.GetY()+1, wMM, hMM, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetY(f.GetY() + hMM + 2)
	return nil
}

// PictureDPI is the resolution a page is drawn at for Picture.
const PictureDPI = pictureDPI

const pictureDPI = 110

// markColour is a highlight: green, see-through, as the viewer draws it.
var markColour = color.NRGBA{0x7C, 0xD9, 0x4A, 0x70}

// Picture crops page, drawn at PictureDPI, to the note's highlight with
// a margin around it, and paints the highlight over it.
func Picture(page image.Image, mark Rect) image.Image {
	s := float64(pictureDPI) / 72
	hl := image.Rect(int(mark.X*s), int(mark.Y*s), int((mark.X+mark.W)*s+0.5), int((mark.Y+mark.H)*s+0.5))
	b := page.Bounds()
	m := int(24 * s)
	crop := image.Rect(b.Min.X, hl.Min.Y-m, b.Max.X, hl.Max.Y+m).Intersect(b)
	if crop.Empty() {
		crop = b
	}
	out := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(out, out.Bounds(), page, crop.Min, draw.Src)
	draw.Draw(out, hl.Sub(crop.Min), image.NewUniform(markColour), image.Point{}, draw.Over)
	return out
}
