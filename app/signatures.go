package app

import (
	"context"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/meeting"
	"dinh/meeting/pdfsig"
	"dinh/sync/room"
)

// sigCheck is this device's verdict on one document, next to the host's.
type sigCheck struct {
	done   bool
	report pdfsig.Report
	err    error
	host   string // the host's verdict code from the manifest, "" if none
}

// verdict is the document's verdict on this device.
func (c *sigCheck) verdict() pdfsig.Verdict {
	if c.err != nil {
		return pdfsig.Invalid
	}
	return c.report.Verdict()
}

// mismatch is true when the host recorded a different verdict.
func (c *sigCheck) mismatch() bool {
	return c.done && c.host != "" && c.host != c.verdict().Code()
}

// signatures verifies a meeting's documents on this device, each once,
// with the trust of the bundle they were checked against.
type signatures struct {
	local  *pdfsig.Trust
	bundle [32]byte      // room.BundleSum of the manifest's bundle
	trust  *pdfsig.Trust // local plus that bundle
	checks map[string]*sigCheck
}

// check returns the check of doc, starting it in the background when it
// is not known yet; done is called on the UI goroutine when it finishes.
func (d *delegateScreen) check(doc meeting.Document, done func()) *sigCheck {
	s, man := &d.sigs, d.pane.man
	if man == nil {
		// The meeting's package is not here yet (a language switch during
		// the first download shows the meeting again from the cache): its
		// bundle is unknown, so the check waits for it.
		return &sigCheck{host: doc.Verdict}
	}
	if sum := room.BundleSum(man.Trust); s.checks == nil || sum != s.bundle {
		s.checks, s.bundle, s.trust = map[string]*sigCheck{}, sum, room.DocumentTrust(s.local, man)
	}
	if c, ok := s.checks[doc.SHA256]; ok {
		c.host = doc.Verdict
		return c
	}
	c := &sigCheck{host: doc.Verdict}
	s.checks[doc.SHA256] = c
	trust, path := s.trust, d.blobs.Path(doc.SHA256)
	d.u.goService(func(ctx context.Context) {
		r, err := pdfsig.VerifyFile(path, trust)
		post(func() {
			c.report, c.err, c.done = r, err, true
			done()
		})
	})
	return c
}

var (
	colorGood    = color.NRGBA{R: 0x1b, G: 0x7a, B: 0x3d, A: 0xff}
	colorCaution = color.NRGBA{R: 0xa8, G: 0x6a, B: 0x00, A: 0xff}
	colorBad     = color.NRGBA{R: 0xb0, G: 0x1e, B: 0x1e, A: 0xff}
	colorNeutral = color.NRGBA{R: 0x5f, G: 0x63, B: 0x68, A: 0xff}
)

func verdictColor(v pdfsig.Verdict) color.Color {
	switch v {
	case pdfsig.Valid:
		return colorGood
	case pdfsig.Unsigned:
		return colorNeutral
	case pdfsig.UntrustedRoot:
		return colorCaution
	}
	return colorBad
}

// badge is a small coloured label.
func badge(text string, bg color.Color) fyne.CanvasObject {
	t := canvas.NewText(text, color.White)
	t.TextSize = theme.TextSize() - 2
	t.TextStyle = fyne.TextStyle{Bold: true}
	r := canvas.NewRectangle(bg)
	r.CornerRadius = 4
	return container.NewStack(r, container.New(layout.NewCustomPaddedLayout(2, 2, 8, 8), t))
}

// verdictBadges is the line under a document in the agenda.
func verdictBadges(c *sigCheck) fyne.CanvasObject {
	if !c.done {
		return badge(i18n.T("sig.badge.checking"), colorNeutral)
	}
	v := c.verdict()
	row := container.NewHBox(badge(i18n.T("sig.badge."+v.Code()), verdictColor(v)))
	if c.mismatch() {
		row.Add(badge(i18n.T("sig.badge.mismatch"), colorBad))
	}
	return row
}

// signaturePanel describes every signature of the open document.
func signaturePanel(c *sigCheck) fyne.CanvasObject {
	scroll := container.NewVScroll(signatureList(c))
	scroll.SetMinSize(fyne.NewSize(270, 100))
	return scroll
}

func signatureList(c *sigCheck) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(i18n.T("sig.panel.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(title)
	wrap := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	switch {
	case !c.done:
		box.Add(wrap(i18n.T("sig.badge.checking")))
		return box
	case c.err != nil:
		box.Add(badge(verdictWords(pdfsig.Invalid), colorBad))
		box.Add(errorBox(i18n.T("sig.panel.error"), c.err))
		return box
	}
	v := c.verdict()
	box.Add(container.NewHBox(badge(verdictWords(v), verdictColor(v))))
	n := len(c.report.Signatures)
	if n == 0 {
		box.Add(wrap(i18n.T("sig.panel.unsigned")))
	} else {
		box.Add(wrap(i18n.T("sig.panel.count", n)))
	}
	if c.host != "" {
		if hv, ok := pdfsig.ParseCode(c.host); ok {
			box.Add(wrap(i18n.T("sig.panel.host", verdictWords(hv))))
		}
	}
	if c.mismatch() {
		warn := wrap(i18n.T("sig.panel.mismatch"))
		warn.Importance = widget.DangerImportance
		box.Add(readingBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warn))
	}
	for i, s := range c.report.Signatures {
		box.Add(widget.NewSeparator())
		head := i18n.T("sig.panel.signature", i+1, n)
		switch {
		case s.DocTimestamp:
			head = i18n.T("sig.panel.timestamp", i+1, n)
		case s.Certification > 0:
			head = i18n.T("sig.panel.certification", i+1, n)
		}
		box.Add(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(container.NewHBox(badge(verdictWords(s.Verdict), verdictColor(s.Verdict))))
		if s.Certification > 0 {
			box.Add(wrap(i18n.T(fmt.Sprintf("sig.certification.%d", s.Certification))))
		}
		if s.SignerCN != "" {
			who := s.SignerCN
			if s.SignerOrg != "" && s.SignerOrg != s.SignerCN {
				who += " – " + s.SignerOrg
			}
			box.Add(wrap(i18n.T("sig.panel.signer", who)))
			box.Add(wrap(i18n.T("sig.panel.issuer", s.IssuerCN)))
		}
		if !s.SigningTime.IsZero() {
			src := i18n.T("sig.time.claimed")
			if s.TimeSource == "timestamp" {
				src = i18n.T("sig.time.timestamp")
			}
			box.Add(wrap(i18n.T("sig.panel.time", s.SigningTime.Local().Format("15:04 02/01/2006"), src)))
		}
		if s.Reason != "" {
			box.Add(wrap(i18n.T("sig.panel.reason", s.Reason)))
		}
		if s.Location != "" {
			box.Add(wrap(i18n.T("sig.panel.location", s.Location)))
		}
		if s.Verdict != pdfsig.Invalid {
			box.Add(wrap(words.Revocation(i18n.Language(), s.Revocation)))
		}
		switch {
		case s.CoversWholeFile:
			box.Add(wrap(i18n.T("sig.panel.whole")))
		case len(s.Revisions) > 0:
			for k, rv := range s.Revisions {
				box.Add(wrap("• " + i18n.T("sig.panel.revision", k+1, words.Kinds(i18n.Language(), rv.Changes))))
			}
		}
		if s.Detail != "" {
			detail := wrap(s.Detail)
			detail.TextStyle = fyne.TextStyle{Italic: true}
			box.Add(widget.NewAccordion(widget.NewAccordionItem(i18n.T("sig.panel.detail"), detail)))
		}
	}
	return box
}

// verdictWords is the verdict as a person reads it, in the app's language.
func verdictWords(v pdfsig.Verdict) string { return words.Verdict(i18n.Language(), v) }
