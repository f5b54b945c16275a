// Package slip makes the paper a villager takes home once central's
// receipt is back: the receipt code in large type and as a QR code, what
// was filed and when, when and where the result is expected, and how to
// follow it. It holds nothing personal beyond the villager's initials,
// which the caller puts in a row. Every word comes from the caller, in
// the person's language; this package only lays them out, as a PDF for
// an A5 sheet or an 80 mm receipt-printer roll.
package slip

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/draw"

	"dinh/internal/pdfdoc"
	"dinh/internal/qr"
)

// Paper is the paper a slip is laid out for.
type Paper string

// The papers a volunteer prints on.
const (
	A5     Paper = "a5"     // a sheet, 148 × 210 mm
	Roll80 Paper = "roll80" // an 80 mm receipt-printer roll, as long as the slip
)

// Slip is what the paper says, in words already translated.
type Slip struct {
	Title     string // "Phiếu hẹn trả kết quả"
	Code      string // the receipt code, also drawn as the QR code
	CodeLabel string // "Mã biên nhận"
	Rows      []Row  // what was filed, when, for whom (initials), the result's date and place
	Follow    []string
	Made      time.Time // when the slip was made, written as the PDF's date
}

// Row is one line of the slip: a label and its value.
type Row struct{ Label, Value string }

// ErrNoCode is a slip without a receipt code.
var ErrNoCode = errors.New("slip: no receipt code")

// geometry is a paper's measures, in millimetres.
type geometry struct {
	width, margin      float64
	title, code, body  float64 // font sizes, points
	qr, line, codeLine float64
	fixedHeight        float64 // 0: as long as the content
}

var papers = map[Paper]geometry{
	A5:     {width: 148, margin: 12, title: 16, code: 26, body: 11, qr: 42, line: 6, codeLine: 12, fixedHeight: 210},
	Roll80: {width: 80, margin: 4, title: 12, code: 18, body: 9, qr: 36, line: 4.6, codeLine: 9},
}

// Write writes s as a one-page PDF for paper to w.
func Write(w io.Writer, s Slip, paper Paper) error {
	g, ok := papers[paper]
	if !ok {
		return fmt.Errorf("slip: unknown paper %q", paper)
	}
	if s.Code == "" {
		return ErrNoCode
	}
	code, err := qrPNG(s.Code)
	if err != nil {
		return fmt.Errorf("slip: QR code: %w", err)
	}
	height := g.fixedHeight
	if height == 0 {
		// A roll is cut where the slip ends: lay it out once to measure.
		measure := newPDF(s, g, 1000, code)
		height = lay(measure, s, g) + g.margin
	}
	f := newPDF(s, g, height, code)
	lay(f, s, g)
	if err := f.Output(w); err != nil {
		return fmt.Errorf("slip: %w", err)
	}
	return nil
}

func newPDF(s Slip, g geometry, height float64, code []byte) *fpdf.Fpdf {
	made := s.Made
	if made.IsZero() {
		made = time.Unix(0, 0)
	}
	f := pdfdoc.New(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: g.width, Ht: height}}, s.Title+" "+s.Code, made)
	f.SetMargins(g.margin, g.margin, g.margin)
	f.SetAutoPageBreak(false, 0)
	f.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(code))
	f.AddPage()
	return f
}

// lay draws the slip and returns where it ends.
func lay(f *fpdf.Fpdf, s Slip, g geometry) float64 {
	inner := g.width - 2*g.margin
	f.SetXY(g.margin, g.margin)
	f.SetFont("noto", "B", g.title)
	f.MultiCell(inner, g.line+1.5, s.Title, "", "C", false)

	f.Ln(2)
	f.SetFont("noto", "", g.body)
	f.CellFormat(inner, g.line, s.CodeLabel, "", 1, "C", false, 0, "")
	f.SetFont("noto", "B", g.code)
	f.CellFormat(inner, g.codeLine, s.Code, "", 1, "C", false, 0, "")
	y := f.GetY() + 1
	f.ImageOptions("qr", g.margin+(inner-g.qr)/2, y, g.qr, g.qr, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetY(y + g.qr + 2)

	label := inner * 0.38
	if g.width < 100 {
		label = inner // a roll is narrow: each label above its value
	}
	for _, r := range s.Rows {
		f.SetX(g.margin)
		f.SetFont("noto", "", g.body)
		if label == inner {
			f.MultiCell(inner, g.line, r.Label, "", "L", false)
			f.SetX(g.margin)
			f.SetFont("noto", "B", g.body)
			f.MultiCell(inner, g.line, r.Value, "", "L", false)
			f.Ln(1)
			continue
		}
		top := f.GetY()
		f.MultiCell(label, g.line, r.Label, "", "L", false)
		below := f.GetY()
		f.SetXY(g.margin+label, top)
		f.SetFont("noto", "B", g.body)
		f.MultiCell(inner-label, g.line, r.Value, "", "L", false)
		f.SetY(max(below, f.GetY()) + 1)
	}
	if len(s.Follow) > 0 {
		f.Ln(1)
		f.SetDrawColor(120, 120, 120)
		f.Line(g.margin, f.GetY(), g.margin+inner, f.GetY())
		f.Ln(2)
		f.SetFont("noto", "", g.body)
		for _, l := range s.Follow {
			f.SetX(g.margin)
			f.MultiCell(inner, g.line, l, "", "L", false)
		}
	}
	return f.GetY()
}

// qrPNG is the receipt code as a QR code, eight pixels a module, as PNG.
func qrPNG(code string) ([]byte, error) {
	img, err := qr.Image(code)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	big := image.NewGray(image.Rect(0, 0, b.Dx()*8, b.Dy()*8))
	draw.NearestNeighbor.Scale(big, big.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, big); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
