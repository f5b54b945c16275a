package pdfview

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"dinh/app/internal/uiqueue"
	"dinh/meeting/demo"
	"dinh/meeting/pdf"
)

var fixtureDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pdfview-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var fixtureMu sync.Mutex

// fixturePDF returns the path of a generated Vietnamese council document,
// made once per test binary.
func fixturePDF(t testing.TB, pages int, password string) string {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	path := filepath.Join(fixtureDir, fmt.Sprintf("doc-%d-%s.pdf", pages, password))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	var buf bytes.Buffer
	err := demo.WritePDF(&buf, demo.PDFSpec{
		Title:    "Tờ trình về dự toán ngân sách xã năm 2027",
		Subtitle: "Ủy ban nhân dân xã Tân Trào",
		Pages:    pages,
		Seed:     7,
		Password: password,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type fixture struct {
	v *Viewer
	w fyne.Window
	c fyne.Canvas
	q *uiqueue.Queue
}

// open shows a generated document of the given pages in a window of the
// given size and waits for the first page.
func open(t *testing.T, pages int, size fyne.Size, before func(*Viewer)) *fixture {
	t.Helper()
	test.NewTempApp(t)
	q := uiqueue.New()
	v, err := OpenWith(fixturePDF(t, pages, ""), q.Post)
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(v)
	}
	w := test.NewTempWindow(t, v)
	t.Cleanup(v.Close)
	w.Resize(size)
	f := &fixture{v: v, w: w, c: w.Canvas(), q: q}
	f.waitRendered(t, 0)
	return f
}

// waitRendered waits until page p shows an image rendered for its current
// displayed size.
func (f *fixture) waitRendered(t *testing.T, p int) {
	t.Helper()
	f.q.WaitFor(t, fmt.Sprintf("page %d rendered at its size", p+1), func() bool {
		pv := f.v.views[p]
		return pv != nil && pv.img.Image != nil && pv.imgDPI == renderDPI(f.v.sizes[p], f.v.scale, f.v.canvasScale())
	})
}

func (f *fixture) pageLabel() string { return f.v.pageEntry.Text + " " + f.v.pageTotal.Text }

func (f *fixture) key(name fyne.KeyName) {
	f.c.Focused().TypedKey(&fyne.KeyEvent{Name: name})
	f.q.Drain()
}

func (f *fixture) shortcut(name fyne.KeyName, mod fyne.KeyModifier) {
	f.c.Focused().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: mod})
	f.q.Drain()
}

// countingSource records the renders asked of a Source. Renders of the
// pages hold names wait until they are cancelled, as a slow page would.
type countingSource struct {
	Source
	hold    func(page int) bool // nil holds none
	mu      sync.Mutex
	renders []renderCall
}

type renderCall struct {
	page int
	dpi  float64
	ctx  context.Context
}

func (s *countingSource) Render(ctx context.Context, i int, dpi float64) (*image.RGBA, error) {
	s.mu.Lock()
	s.renders = append(s.renders, renderCall{i, dpi, ctx})
	hold := s.hold != nil && s.hold(i)
	s.mu.Unlock()
	if hold {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Source.Render(ctx, i, dpi)
}

func (s *countingSource) calls() []renderCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]renderCall(nil), s.renders...)
}

// fakeSource is a document whose pages cannot be drawn, with odd sizes.
type fakeSource struct {
	pages int
	sizes func(i int) (float64, float64, error)
}

func (s *fakeSource) NumPages() int { return s.pages }
func (s *fakeSource) PageSize(i int) (float64, float64, error) {
	return s.sizes(i)
}
func (s *fakeSource) Render(ctx context.Context, i int, dpi float64) (*image.RGBA, error) {
	return nil, fmt.Errorf("render page %d: %w", i, pdf.ErrCorrupt)
}
func (s *fakeSource) Search(ctx context.Context, q string) ([]pdf.Hit, error) {
	return []pdf.Hit{{Page: s.pages + 5, Rects: []pdf.Rect{{X: 1, Y: 1, W: 1, H: 1}}}, {Page: -1}}, nil
}
func (s *fakeSource) Close() error { return nil }

func openRenderer(path string) (*pdf.Renderer, error) { return pdf.NewRenderer(path, renderWorkers) }

// typeText types s into the focused widget, one rune at a time, as a
// keyboard does.
func (f *fixture) typeText(s string) {
	for _, r := range s {
		f.c.Focused().TypedRune(r)
	}
	f.q.Drain()
}
