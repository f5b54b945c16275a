package pdfview

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// scrollStep is how far Up and Down move the document.
const scrollStep = 48

var (
	_ fyne.Focusable    = (*Viewer)(nil)
	_ fyne.Shortcutable = (*Viewer)(nil)
	_ desktop.Keyable   = (*Viewer)(nil)
	_ fyne.Shortcutable = (*searchEntry)(nil)
	_ desktop.Keyable   = (*searchEntry)(nil)
)

// FocusGained shows that the keyboard now drives the document.
func (v *Viewer) FocusGained() {
	v.focusBorder.Show()
	v.focusBorder.Refresh()
}

// FocusLost hides the focus frame.
func (v *Viewer) FocusLost() {
	v.mods = 0
	v.focusBorder.Hide()
	v.focusBorder.Refresh()
}

// TypedRune is part of fyne.Focusable; characters do nothing on the page.
func (v *Viewer) TypedRune(rune) {}

// TypedKey handles page keys: PageUp/PageDown and Left/Right change the
// page, Home/End go to the first or last page, Up/Down scroll, Enter and
// F3 go to the next hit (Shift+F3 to the previous one).
func (v *Viewer) TypedKey(ev *fyne.KeyEvent) {
	v.handleKey(ev.Name, v.modifiers())
}

// KeyDown tracks the modifier keys, for drivers that do not report them.
func (v *Viewer) KeyDown(ev *fyne.KeyEvent) { v.mods = trackModifiers(v.mods, ev.Name, true) }

// KeyUp tracks the modifier keys, for drivers that do not report them.
func (v *Viewer) KeyUp(ev *fyne.KeyEvent) { v.mods = trackModifiers(v.mods, ev.Name, false) }

// TypedShortcut handles Ctrl+F (search), Ctrl+= and Ctrl+- (zoom),
// Ctrl+0 (fit width), Ctrl+Home/End and Shift+F3.
func (v *Viewer) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok {
		v.handleShortcut(cs.KeyName, cs.Modifier)
	}
}

func (v *Viewer) handleKey(name fyne.KeyName, mods fyne.KeyModifier) bool {
	if v.closed {
		return false
	}
	if mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper|fyne.KeyModifierShift) != 0 {
		if v.handleShortcut(name, mods) {
			return true
		}
	}
	switch name {
	case fyne.KeyPageDown, fyne.KeyRight:
		v.GoToPage(v.page + 1)
	case fyne.KeyPageUp, fyne.KeyLeft:
		v.GoToPage(v.page - 1)
	case fyne.KeyHome:
		v.GoToPage(0)
	case fyne.KeyEnd:
		v.GoToPage(v.n - 1)
	case fyne.KeyDown:
		v.scrollBy(0, scrollStep)
	case fyne.KeyUp:
		v.scrollBy(0, -scrollStep)
	case fyne.KeyF3, fyne.KeyReturn, fyne.KeyEnter:
		v.NextHit()
	default:
		return false
	}
	return true
}

// handleShortcut handles a key pressed with modifiers; it reports whether
// the key meant something to the viewer.
func (v *Viewer) handleShortcut(name fyne.KeyName, mods fyne.KeyModifier) bool {
	if v.closed {
		return false
	}
	primary := mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
	if primary {
		switch name {
		case fyne.KeyF:
			v.focusSearch()
		case fyne.KeyEqual, fyne.KeyPlus:
			v.ZoomIn()
		case fyne.KeyMinus:
			v.ZoomOut()
		case fyne.Key0:
			v.SetFit(FitWidth)
		case fyne.KeyHome:
			v.GoToPage(0)
		case fyne.KeyEnd:
			v.GoToPage(v.n - 1)
		default:
			return false
		}
		return true
	}
	if mods&fyne.KeyModifierShift != 0 {
		switch name {
		case fyne.KeyF3, fyne.KeyReturn, fyne.KeyEnter:
			v.PrevHit()
			return true
		}
	}
	return false
}

func trackModifiers(m fyne.KeyModifier, name fyne.KeyName, down bool) fyne.KeyModifier {
	var bit fyne.KeyModifier
	switch name {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		bit = fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		bit = fyne.KeyModifierControl
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		bit = fyne.KeyModifierAlt
	case desktop.KeySuperLeft, desktop.KeySuperRight:
		bit = fyne.KeyModifierSuper
	}
	if down {
		return m | bit
	}
	return m &^ bit
}

func (v *Viewer) focusSelf() {
	if c := v.canvas(); c != nil && !v.closed {
		c.Focus(v)
	}
}

func (v *Viewer) focusSearch() {
	if c := v.canvas(); c != nil {
		c.Focus(v.searchEntry)
		v.searchEntry.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// searchEntry is the search box. Enter and F3 go to the next hit,
// Shift+Enter and Shift+F3 to the previous one, Escape returns to the
// page, and the viewer's zoom shortcuts keep working while typing.
type searchEntry struct {
	widget.Entry
	v    *Viewer
	mods fyne.KeyModifier
}

func newSearchEntry(v *Viewer) *searchEntry {
	e := &searchEntry{v: v}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) modifiers() fyne.KeyModifier {
	if m := e.v.modifiers(); m != 0 {
		return m
	}
	return e.mods
}

// TypedKey handles F3 and Escape, and leaves the rest to the entry.
func (e *searchEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF3:
		if e.modifiers()&fyne.KeyModifierShift != 0 {
			e.v.PrevHit()
		} else {
			e.v.NextHit()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if e.modifiers()&fyne.KeyModifierShift != 0 {
			e.v.PrevHit()
		} else {
			e.v.NextHit()
		}
	case fyne.KeyEscape:
		e.v.focusSelf()
	default:
		e.Entry.TypedKey(ev)
	}
}

// TypedShortcut gives the viewer's shortcuts precedence over the entry's
// for the keys the entry does not use.
func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok {
		switch cs.KeyName {
		case fyne.KeyF, fyne.KeyEqual, fyne.KeyPlus, fyne.KeyMinus, fyne.Key0, fyne.KeyF3, fyne.KeyReturn, fyne.KeyEnter:
			if e.v.handleShortcut(cs.KeyName, cs.Modifier) {
				return
			}
		}
	}
	e.Entry.TypedShortcut(s)
}

// KeyDown tracks Shift for Shift+F3 where the driver does not report it.
func (e *searchEntry) KeyDown(ev *fyne.KeyEvent) {
	e.mods = trackModifiers(e.mods, ev.Name, true)
	e.Entry.KeyDown(ev)
}

// KeyUp is the counterpart of KeyDown.
func (e *searchEntry) KeyUp(ev *fyne.KeyEvent) {
	e.mods = trackModifiers(e.mods, ev.Name, false)
	e.Entry.KeyUp(ev)
}

// FocusLost forgets the modifiers held.
func (e *searchEntry) FocusLost() {
	e.mods = 0
	e.Entry.FocusLost()
}

// pageEntry is the page number box: digits only, Enter jumps, leaving it
// restores the current page.
type pageEntry struct {
	widget.Entry
	onLeave func()
}

func newPageEntry() *pageEntry {
	e := &pageEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// MinSize fits four digits.
func (e *pageEntry) MinSize() fyne.Size {
	m := e.Entry.MinSize()
	return fyne.NewSize(max(64, fyne.MeasureText("0000", theme.TextSize(), fyne.TextStyle{}).Width+4*theme.InnerPadding()), m.Height)
}

// TypedRune accepts digits only.
func (e *pageEntry) TypedRune(r rune) {
	if r >= '0' && r <= '9' {
		e.Entry.TypedRune(r)
	}
}

// FocusLost restores the current page number if nothing was submitted.
func (e *pageEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onLeave != nil {
		e.onLeave()
	}
}
