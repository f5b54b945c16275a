package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"dinh/internal/i18n"
)

// Fyne 2.7's file dialog names its places (Home, Computer, Documents…)
// in English, with no word to translate: they are its own constants. The
// dialog places them in a list on the left of a split, and the app names
// them again, in its language, as the list draws them.

// placeKeys are Fyne's names of places and the app's words for them.
var placeKeys = map[string]string{
	"Home":      "fyne.place.home",
	"Computer":  "fyne.place.computer",
	"Documents": "fyne.place.documents",
	"Downloads": "fyne.place.downloads",
	"Desktop":   "fyne.place.desktop",
	"Music":     "fyne.place.music",
	"Pictures":  "fyne.place.pictures",
	"Videos":    "fyne.place.videos",
	"Movies":    "fyne.place.movies",
	"App Files": "fyne.place.app_files",
}

// placesInLanguage names the places of the file dialog showing in win in
// the app's language.
func placesInLanguage(win fyne.Window) {
	top, ok := win.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok {
		return
	}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Split:
			if l, ok := x.Leading.(*widget.List); ok {
				namePlaces(l)
			}
		}
	}
	walk(top.Content)
}

// namePlaces makes l draw each place's name in the app's language.
func namePlaces(l *widget.List) {
	update := l.UpdateItem
	if update == nil {
		return
	}
	l.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		update(id, item)
		c, ok := item.(*fyne.Container)
		if !ok {
			return
		}
		for _, o := range c.Objects {
			if lb, ok := o.(*widget.Label); ok {
				if k, ok := placeKeys[lb.Text]; ok {
					lb.SetText(i18n.T(k))
				}
			}
		}
	}
	l.Refresh()
}
