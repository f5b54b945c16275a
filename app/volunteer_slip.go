package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/meeting/pdf"
	"dinh/offline/outbox"
	"dinh/offline/slip"
)

// slipOf is the villager's slip for a receipted dossier, in the app's
// language: the procedure, the initials, the day central received it,
// when and where the result is expected (the procedure's longest case,
// in working days, at the agency that handles it), and how to follow it.
func (w *wizard) slipOf(e outbox.Entry) slip.Slip {
	received := e.ReceiptedAt
	if received.IsZero() {
		received = e.Created
	}
	received = received.Local()
	name := e.Procedure
	expected := ""
	if p := w.cat.Lookup(e.Procedure); p != nil {
		name = p.Name + " (" + p.Code + ")"
		days := 0.0
		for _, c := range p.Cases {
			days = max(days, c.ProcessingDays)
		}
		expected = i18n.T("vol.slip.expected", workingDaysAfter(received, int(math.Ceil(days))).Format("02/01/2006"), p.Agency)
	}
	initials := e.Initials
	if initials == "" {
		initials = "—"
	}
	rows := []slip.Row{
		{Label: i18n.T("vol.slip.procedure"), Value: name},
		{Label: i18n.T("vol.slip.who"), Value: initials},
		{Label: i18n.T("vol.slip.received"), Value: received.Format("02/01/2006")},
	}
	if expected != "" {
		rows = append(rows, slip.Row{Label: i18n.T("vol.slip.result"), Value: expected})
	}
	return slip.Slip{Title: i18n.T("vol.slip.title"), Code: e.Receipt, CodeLabel: i18n.T("vol.slip.code"), Rows: rows,
		Follow: []string{i18n.T("vol.slip.follow")}, Made: received}
}

// workingDaysAfter is the day n working days (Monday to Friday) after
// from; holidays are not counted, so the date is the earliest to expect.
func workingDaysAfter(from time.Time, n int) time.Time {
	d := from
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			n--
		}
	}
	return d
}

// showSlip shows the villager's slip as it prints, to print it, save it
// as a PDF or photograph the screen.
func (w *wizard) showSlip(e outbox.Entry) {
	s := w.slipOf(e)
	var a5 bytes.Buffer
	if err := slip.Write(&a5, s, slip.A5); err != nil {
		w.host.showError(err)
		return
	}
	img, err := renderPDF(a5.Bytes())
	if err != nil {
		w.host.showError(err)
		return
	}
	picture := canvas.NewImageFromImage(img)
	picture.FillMode = canvas.ImageFillContain
	picture.SetMinSize(fyne.NewSize(240, 340)) // A5's shape; it grows with the dialog
	papers := []slip.Paper{slip.A5, slip.Roll80}
	paper := widget.NewSelect([]string{i18n.T("vol.slip.a5"), i18n.T("vol.slip.roll80")}, nil)
	paper.SetSelectedIndex(0)
	chosen := func() slip.Paper { return papers[max(0, paper.SelectedIndex())] }
	win := w.host.window()
	save := widget.NewButtonWithIcon(i18n.T("vol.slip.save"), theme.DocumentSaveIcon(), func() {
		d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			if err != nil || wc == nil {
				return
			}
			err = slip.Write(wc, s, chosen())
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				w.host.showError(err)
				return
			}
			w.host.say(func() string { return i18n.T("vol.slip.saved") })
		}, win)
		d.SetFileName("phieu-" + strings.ToLower(s.Code) + ".pdf")
		d.Resize(fyne.NewSize(900, 600))
		showDialog(win, d)
	})
	buttons := container.NewHBox(paper, save)
	// Asking CUPS for its default printer can take seconds when it is
	// slow to answer: the print button comes once it has.
	w.host.goService(func(ctx context.Context) {
		if printer(ctx) == "" {
			return
		}
		post(func() {
			buttons.Add(widget.NewButtonWithIcon(i18n.T("vol.slip.print"), theme.DocumentPrintIcon(), func() { w.printSlip(s, chosen()) }))
		})
	})
	body := readingBorder(nil, container.NewVBox(wrapped(i18n.T("vol.slip.photo")), buttons), nil, nil, picture)
	d := dialog.NewCustom(i18n.T("vol.slip.title")+" · "+s.Code, i18n.T("vol.close"), body, win)
	// As tall as the window allows: on a 600-pixel screen the buttons stay
	// in sight.
	d.Resize(fyne.NewSize(560, min(640, win.Canvas().Size().Height-80)))
	showDialog(win, d)
}

// printerWait bounds how long CUPS may take to name its default printer.
const printerWait = 5 * time.Second

// printer is the command that prints through CUPS to the default
// printer, or "" when there is none or CUPS does not say in time.
func printer(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, printerWait)
	defer cancel()
	lp, err := exec.LookPath("lp")
	if err != nil {
		return ""
	}
	lpstat, err := exec.LookPath("lpstat")
	if err != nil {
		return ""
	}
	out, err := exec.CommandContext(ctx, lpstat, "-d").Output()
	if err != nil || !strings.Contains(string(out), ":") || strings.Contains(string(out), "no system default") {
		return ""
	}
	return lp
}

// printSlip sends the slip to the default printer, in the background.
func (w *wizard) printSlip(s slip.Slip, paper slip.Paper) {
	w.host.goService(func(ctx context.Context) {
		err := func() error {
			lp := printer(ctx)
			if lp == "" {
				return errors.New("no default printer")
			}
			f, err := os.CreateTemp("", "dinh-slip-*.pdf")
			if err != nil {
				return err
			}
			defer os.Remove(f.Name())
			if err := slip.Write(f, s, paper); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if out, err := exec.CommandContext(ctx, lp, "-t", s.Code, f.Name()).CombinedOutput(); err != nil {
				return fmt.Errorf("lp: %w: %s", err, out)
			}
			return nil
		}()
		post(func() {
			if err != nil {
				showErrorDialog(i18n.T("vol.slip.not_printed"), err, w.host.window())
				return
			}
			w.host.say(func() string { return i18n.T("vol.slip.printed") })
		})
	})
}

// renderPDF draws the first page of a PDF with MuPDF, for the screen.
func renderPDF(b []byte) (*image.RGBA, error) {
	dir, err := os.MkdirTemp("", "dinh-slip-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "slip.pdf")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	doc, err := pdf.Open(file)
	if err != nil {
		return nil, err
	}
	defer doc.Close()
	return doc.Render(0, 110)
}
