// Package meeting is the paperless-meeting domain in plain Go, with no
// network and no Fyne: a meeting with its participants and ordered agenda,
// the meeting folder format (meeting.json plus PDFs), and the signed package
// a host publishes.
//
// The data flow starts here. LoadFolder reads and validates a secretariat's
// folder; Build hashes every document and produces a Manifest; Sign seals it
// with the host's Ed25519 key into a Package; a delegate's Open verifies a
// Package against the key it pinned, with hard limits so a hostile host
// cannot exhaust memory or escape the cache with a crafted name; Diff tells
// a delegate what a republished package changed.
package meeting
