package outbox

// State is where a dossier is on its way to the central server.
type State string

// The states, in the order a dossier goes through them.
const (
	Draft     State = "draft"     // being recorded; may still be discarded
	Sealed    State = "sealed"    // sealed for the central server; must not be lost
	Queued    State = "queued"    // waiting for a connection to send it
	Delivered State = "delivered" // handed to the next hop, no receipt yet
	Receipted State = "receipted" // the central server issued a receipt
	Purged    State = "purged"    // sealed file deleted after the retention; the entry stays
	// Damaged is a sealed file whose bytes are no longer those sealed (a
	// flipped bit on a cheap card): it is never sent, and the desk seals
	// the dossier again from the copy it keeps until the receipt.
	Damaged State = "damaged"
)

// States lists every state in order; Damaged comes off Sealed or Queued
// and goes back to Sealed; a Delivered dossier central refused is Queued
// again.
var States = []State{Draft, Sealed, Queued, Delivered, Receipted, Purged, Damaged}

// Valid reports whether s is one of the states.
func (s State) Valid() bool {
	for _, v := range States {
		if s == v {
			return true
		}
	}
	return false
}

// Unreceipted reports whether a dossier in this state has been sealed but
// has no receipt yet: the only copy the central server may ever get is its
// sealed file on this device.
func (s State) Unreceipted() bool {
	return s == Sealed || s == Queued || s == Delivered || s == Damaged
}

// hasSealedFile reports whether a dossier in this state keeps a sealed file.
func (s State) hasSealedFile() bool {
	return s.Unreceipted() || s == Receipted
}
