// Package app is Đình's Fyne interface and nothing else: the window, the
// theme, the host (secretariat) and delegate screens, with the PDF viewer in
// app/pdfview and translations through app/i18n. Business rules live in the
// plain-Go packages; this package declares the small interfaces it
// consumes and applies every update from a background goroutine with
// post, which is fyne.Do in the app and a queue the test goroutine drains
// in the tests (app/internal/uiqueue).
package app
