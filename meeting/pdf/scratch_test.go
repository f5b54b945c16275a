package pdf

import (
	"testing"

	fitz "github.com/gen2brain/go-fitz"
)

func BenchmarkScratch(b *testing.B) {
	for _, f := range []string{"/tmp/pdfgen/twelve_pages.pdf", "/usr/share/doc/libtasn1-doc/libtasn1.pdf"} {
		b.Run(f[len(f)-10:], func(b *testing.B) {
			d, err := fitz.New(f)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			n := d.NumPage()
			for i := 0; i < b.N; i++ {
				if _, err := d.ImageDPI(i%n, 150); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
