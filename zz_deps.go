package main

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/gen2brain/go-fitz"
	_ "github.com/go-pdf/fpdf"
	_ "github.com/grandcat/zeroconf"
	_ "github.com/skip2/go-qrcode"
	_ "go.etcd.io/bbolt"
	_ "go.uber.org/goleak"
)

func main() {}
