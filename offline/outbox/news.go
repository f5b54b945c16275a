package outbox

// What a News reports.
const (
	NewsDelivered = "delivered" // the dossier reached the province
	NewsReceipted = "receipted" // central's receipt came back
	NewsStatus    = "status"    // the office set a status
	NewsDamaged   = "damaged"   // the sealed file changed on the disk: to seal again
	NewsRejected  = "rejected"  // central refused the copy it got (Entry.Rejection says why)
)

// News is one thing that happened to a dossier since it was last seen.
type News struct {
	Kind    string
	ID      string
	Receipt string // for NewsReceipted and NewsStatus
	Status  string // for NewsStatus; the reason, for NewsRejected
}

// Tracker remembers what was last seen of each dossier, so that a sync
// session tells each delivery, receipt and status once, as it comes. The
// zero value has seen nothing.
type Tracker struct{ seen map[string]Entry }

// Since lists what happened in o since the last call, oldest first within
// each dossier. An entry that cannot be read is left to List's caller.
func (t *Tracker) Since(o *Outbox) []News {
	if t.seen == nil {
		t.seen = map[string]Entry{}
	}
	entries, _ := o.List()
	var news []News
	for _, e := range entries {
		old, known := t.seen[e.ID]
		t.seen[e.ID] = e
		if known && old.State == e.State && len(old.Progress) == len(e.Progress) && sameRejection(old.Rejection, e.Rejection) {
			continue
		}
		if e.Rejection != nil && (!known || !sameRejection(old.Rejection, e.Rejection)) {
			news = append(news, News{Kind: NewsRejected, ID: e.ID, Status: e.Rejection.Reason})
		}
		if e.State == Damaged && (!known || old.State != Damaged) {
			news = append(news, News{Kind: NewsDamaged, ID: e.ID})
		}
		if e.State == Delivered && (!known || old.State != Delivered) {
			news = append(news, News{Kind: NewsDelivered, ID: e.ID})
		}
		if e.Receipt != "" && (!known || old.Receipt == "") {
			news = append(news, News{Kind: NewsReceipted, ID: e.ID, Receipt: e.Receipt})
		}
		for _, p := range e.Progress[min(len(old.Progress), len(e.Progress)):] {
			news = append(news, News{Kind: NewsStatus, ID: e.ID, Receipt: e.Receipt, Status: p.Status})
		}
	}
	return news
}

// sameRejection reports whether two refusals are the same one, told the
// same way (a copy sent again for it is news).
func sameRejection(a, b *Rejection) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.At.Equal(b.At) && a.SHA256 == b.SHA256 && a.Resent == b.Resent
}
