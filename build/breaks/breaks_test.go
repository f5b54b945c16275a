package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTableIsCurrent: every change in breaks.json still applies to the
// code (the guarded line has not moved), and TESTING.md shows the table
// as breaks.json says. It runs in make test; the changes themselves are
// checked by make breaks.
func TestTableIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	breaks, err := load(root)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, docFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := withTable(string(doc), breaks)
	if err != nil {
		t.Fatal(err)
	}
	if want != string(doc) {
		t.Error("TESTING.md's table differs from breaks.json: run go run ./build/breaks -table")
	}
}
