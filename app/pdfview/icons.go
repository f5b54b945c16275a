package pdfview

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Icons the theme lacks, drawn on a 24-unit grid and recoloured by the
// theme like its own icons.
var (
	fitWidthIcon = theme.NewThemedResource(fyne.NewStaticResource("pdfview-fit-width.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M2 3h2v18H2zM20 3h2v18h-2zM6 12l4-4v3h4V8l4 4-4 4v-3h-4v3z"/></svg>`)))
	fitPageIcon = theme.NewThemedResource(fyne.NewStaticResource("pdfview-fit-page.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" d="M2 2h6v2H4v4H2zM16 2h6v6h-2V4h-4zM2 16h2v4h4v2H2zM20 16h2v6h-6v-2h4zM8 6h8v12H8z"/></svg>`)))
	sidebarIcon = theme.NewThemedResource(fyne.NewStaticResource("pdfview-sidebar.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000000" fill-rule="evenodd" d="M2 4h20v16H2zM4 6v12h4V6zM10 6v12h10V6z"/></svg>`)))
)
