package pdfview

import (
	"testing"

	"go.uber.org/goleak"

	"fyne.io/fyne/v2/test"

	"dinh/app/internal/uiqueue"
)

// TestCloseLeavesNoGoroutines closes the viewer while pages render and a
// search runs, and expects every goroutine it started to be gone.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	test.NewTempApp(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	q := uiqueue.New()
	v, err := OpenWith(fixturePDF(t, 30, ""), q.Post)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(v)
	w.Resize(windowSize)
	f := &fixture{v: v, w: w, c: w.Canvas(), q: q}
	f.waitRendered(t, 0)
	v.Search("giáo dục")
	v.GoToPage(20)
	v.Zoom(1.5) // leaves a re-render timer pending
	v.Close()
	w.Close()
	q.Drain()
}
