package meeting

// Changes is what a republished package changed, as a delegate sees it.
type Changes struct {
	Added      []string // documents new in this revision
	Removed    []string // documents no longer in the package
	Replaced   []string // documents whose content changed
	ItemsAdded []string // agenda item titles new in this revision
	ItemsGone  []string // agenda item titles removed
	Reordered  bool     // the remaining items are in a different order
	Details    bool     // title, time, place or participants changed
}

// Empty reports whether nothing a delegate would notice changed.
func (c Changes) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.Replaced)+len(c.ItemsAdded)+len(c.ItemsGone) == 0 &&
		!c.Reordered && !c.Details
}

// Diff compares an old revision with a new one. A nil old means a first
// download, and everything counts as added.
func Diff(old, cur *Manifest) Changes {
	var c Changes
	oldDocs := map[string]string{}
	if old != nil {
		for _, d := range old.Documents {
			oldDocs[d.Name] = d.SHA256
		}
	}
	newDocs := map[string]bool{}
	for _, d := range cur.Documents {
		newDocs[d.Name] = true
		sum, ok := oldDocs[d.Name]
		switch {
		case !ok:
			c.Added = append(c.Added, d.Name)
		case sum != d.SHA256:
			c.Replaced = append(c.Replaced, d.Name)
		}
	}
	if old == nil {
		for _, it := range cur.Meeting.Agenda {
			c.ItemsAdded = append(c.ItemsAdded, it.Title)
		}
		return c
	}
	for _, d := range old.Documents {
		if !newDocs[d.Name] {
			c.Removed = append(c.Removed, d.Name)
		}
	}
	oldItems := map[string]bool{}
	for _, it := range old.Meeting.Agenda {
		oldItems[it.Title] = true
	}
	newItems := map[string]bool{}
	var keptNew []string
	for _, it := range cur.Meeting.Agenda {
		newItems[it.Title] = true
		if oldItems[it.Title] {
			keptNew = append(keptNew, it.Title)
		} else {
			c.ItemsAdded = append(c.ItemsAdded, it.Title)
		}
	}
	var keptOld []string
	for _, it := range old.Meeting.Agenda {
		if newItems[it.Title] {
			keptOld = append(keptOld, it.Title)
		} else {
			c.ItemsGone = append(c.ItemsGone, it.Title)
		}
	}
	for i := range keptOld {
		if i < len(keptNew) && keptOld[i] != keptNew[i] {
			c.Reordered = true
			break
		}
	}
	om, nm := old.Meeting, cur.Meeting
	c.Details = om.Title != nm.Title || !om.Start.Equal(nm.Start) || om.Place != nm.Place ||
		!sameParticipants(om.Participants, nm.Participants)
	return c
}

func sameParticipants(a, b []Participant) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
