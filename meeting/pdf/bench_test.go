package pdf

import (
	"context"
	"testing"

	"dinh/meeting/demo"
)

// BenchmarkRender150 renders the pages of a generated 12-page document at
// 150 DPI, one page per iteration, on one Document.
func BenchmarkRender150(b *testing.B) {
	d := openDoc(b, 12)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Render(i%12, 150); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenFirstPage300 opens a generated 300-page document and renders
// its first page at 150 DPI: what a delegate waits for after tapping a
// document. The goal is under 150 ms.
func BenchmarkOpenFirstPage300(b *testing.B) {
	path := writeDoc(b, b.TempDir(), demo.PDFSpec{Pages: 300, Seed: 300})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Render(0, 150); err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

// BenchmarkRendererFirstPage300 is BenchmarkOpenFirstPage300 through a
// Renderer with two workers, as the viewer uses it.
func BenchmarkRendererFirstPage300(b *testing.B) {
	path := writeDoc(b, b.TempDir(), demo.PDFSpec{Pages: 300, Seed: 300})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewRenderer(path, 2)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Render(context.Background(), 0, 150); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkSearch300 searches a generated 300-page document with a fresh
// Renderer, so every page's text is extracted.
func BenchmarkSearch300(b *testing.B) {
	path := writeDoc(b, b.TempDir(), demo.PDFSpec{Pages: 300, Seed: 300})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := NewRenderer(path, 1)
		if err != nil {
			b.Fatal(err)
		}
		hits, err := r.Search(context.Background(), "ngan sach")
		if err != nil || len(hits) < 300 {
			b.Fatalf("got %d hits (%v), want at least 300", len(hits), err)
		}
		r.Close()
	}
}
