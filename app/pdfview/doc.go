// Package pdfview is the delegate's PDF viewer: a Fyne widget that shows a
// meeting document as one continuous column of pages, with page
// navigation, fit and zoom, a thumbnail side panel, diacritic-insensitive
// search with highlights, and keyboard shortcuts.
//
// Pages are virtualised: only the pages in (or next to) the viewport have
// canvas objects, and each of them renders in its own goroutine at the
// resolution it is displayed at. Results are applied with fyne.Do, so the
// interface never waits on MuPDF; a page scrolled away cancels its render.
//
// The viewer reads a document through Source, which *pdf.Renderer (package
// dinh/meeting/pdf) satisfies. Open wires the two together.
package pdfview
