// Package qr draws QR codes for Đình's screens and papers: the host key's
// fingerprint, the receipt code on a villager's slip.
package qr

import (
	"image"
	"image/color"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// Image draws text as a QR code with medium error correction, one pixel
// per module and the four-module quiet zone the standard asks for, black on
// white, for canvas.ImageScalePixels to enlarge without blurring.
func Image(text string) (image.Image, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, err
	}
	var w matrixImage
	if err := qr.Save(&w); err != nil {
		return nil, err
	}
	return w.img, nil
}

// matrixImage is a qrcode.Writer that keeps the matrix as an image.
type matrixImage struct{ img *image.Gray }

// QuietZone is the blank border, in modules, around the code.
const QuietZone = 4

func (m *matrixImage) Write(mat qrcode.Matrix) error {
	w, h := mat.Width()+2*QuietZone, mat.Height()+2*QuietZone
	m.img = image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.img.Pix {
		m.img.Pix[i] = 0xff
	}
	mat.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		if v.IsSet() {
			m.img.SetGray(x+QuietZone, y+QuietZone, color.Gray{})
		}
	})
	return nil
}

func (m *matrixImage) Close() error { return nil }
