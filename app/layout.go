package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
)

// readingBorder is container.NewBorder with its parts in reading order:
// top, left, centre, right, bottom. Tab visits a container's objects in
// their order, and container.NewBorder puts the centre first, so a
// toolbar above a form was reached only after the whole form.
func readingBorder(top, bottom, left, right fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	add := func(os ...fyne.CanvasObject) {
		for _, o := range os {
			if o != nil {
				objs = append(objs, o)
			}
		}
	}
	add(top, left)
	add(center...)
	add(right, bottom)
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}
