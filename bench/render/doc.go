// Command render compares the page rendering of dinh/meeting/pdf with
// MuPDF's own command-line renderer, `mutool draw`, and with go-fitz's
// ImageDPI, on a generated 300-page council document and on PDFs found on
// the machine. It prints a markdown table and, with -out, writes it to a
// file.
//
// Timing is fair to mutool: each tool opens each file once and renders its
// pages in sequence on one core (GOMAXPROCS is 1 while ours is timed, and
// mutool draw renders on one thread). mutool's process start-up, measured
// separately with `mutool -v`, is subtracted from its time. Every figure is
// the best of -runs runs.
//
//	go run ./bench/render -out bench-render.md
package main
