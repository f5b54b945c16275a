package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// dinhTheme embeds Fyne's theme and makes text larger, for delegates and
// citizens who read from a distance, in the red of the communal house's
// lacquer.
type dinhTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return dinhTheme{theme.DefaultTheme()} }

var lacquer = color.NRGBA{R: 0xa8, G: 0x1d, B: 0x1d, A: 0xff}

func (t dinhTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return lacquer
	case theme.ColorNameFocus:
		return color.NRGBA{R: 0xa8, G: 0x1d, B: 0x1d, A: 0x7f}
	case theme.ColorNameSelection:
		return color.NRGBA{R: 0xa8, G: 0x1d, B: 0x1d, A: 0x40}
	}
	return t.Theme.Color(n, v)
}

func (t dinhTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 15
	case theme.SizeNameHeadingText:
		return 24
	case theme.SizeNameSubHeadingText:
		return 19
	}
	return t.Theme.Size(n)
}

func iconDelegate() fyne.Resource { return theme.AccountIcon() }

func iconHost() fyne.Resource { return theme.ComputerIcon() }

func iconVolunteer() fyne.Resource { return theme.FolderOpenIcon() }
