// Package fitz holds what the packages that call MuPDF through cgo
// (meeting/pdf and offline/photo) share: the MuPDF declarations and C
// helpers in fitz.h, the library version they were copied from, and the Go
// error for a caught MuPDF exception. It has no cgo itself; each package
// adds "#cgo CFLAGS: -I${SRCDIR}/../../internal/fitz" and imports it.
package fitz

import (
	_ "embed"
	"fmt"
)

// Version must equal FZ_VERSION of the linked library; see fitz.h.
const Version = "1.24.9"

// Header is fitz.h. Go's build cache does not see a header that a package
// includes from another directory; embedding it here makes this package's
// output, and so every package importing it, rebuild when it changes.
//
//go:embed fitz.h
var Header string

// Error is an exception caught from MuPDF: its fz_error_type code and
// message.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("mupdf error %d", e.Code)
	}
	return "mupdf: " + e.Msg
}
