// Package words puts Đình's codes and errors into the catalogue's words
// (assets/i18n), in the language asked for, so that the app and dinhd say
// one thing one way: a meeting's changes, a signature's verdict, its
// revocation source and its later changes, and every kind of failure a
// person may meet. Domain packages return codes and sentinel errors; this
// package alone turns them into sentences. It never splices an error's
// own text, which is technical and in English, into one.
package words

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/notes"
	"dinh/meeting/pdf"
	"dinh/meeting/pdfsig"
	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/sync/field"
	"dinh/sync/lan"
	"dinh/sync/province"
	"dinh/sync/receipt"
)

// kinds is every kind of failure a person may meet, first match wins.
var kinds = []struct {
	err error
	key string
}{
	// A damaged notes file is also one vault.ErrDecrypt cannot open: the
	// notes' own words come first.
	{notes.ErrDamaged, "notes.err.damaged"},
	{notes.ErrTooLong, "notes.err.too_long"},
	{notes.ErrTooMany, "notes.err.too_many"},
	{notes.ErrEmpty, "notes.err.empty"},
	{vault.ErrLocked, "vol.locked.idle"},
	{vault.ErrOldFormat, "vol.err.old_vault"},
	{vault.ErrDecrypt, "vol.err.damaged"},
	{dossier.ErrDamaged, "vol.err.damaged"},
	{dossier.ErrDiskFull, "vol.err.disk_full"},
	{syscall.ENOSPC, "vol.err.disk_full"},
	{photo.ErrTooLarge, "vol.err.too_large"},
	{photo.ErrNotImage, "vol.err.not_image"},
	{photo.ErrTruncated, "vol.err.truncated"},
	{photo.ErrTooManyPixels, "vol.err.too_many_pixels"},
	{photo.ErrCorrupt, "vol.err.corrupt"},
	{province.ErrBadCommune, "vol.sync.bad_commune"},
	{field.ErrBadAddress, "vol.sync.bad_address"},
	{field.ErrBadHubID, "vol.sync.bad_hub"},
	{field.ErrBadCentralID, "vol.sync.bad_central"},
	{store.ErrLocked, "err.in_use"},
	{agekey.ErrIsPrivate, "vol.rekey.is_private"},
	{agekey.ErrMalformed, "vol.rekey.malformed"},
	{meeting.ErrInvalid, "err.meeting_invalid"},
	{pdf.ErrPassword, "err.pdf_password"},
	{pdf.ErrCorrupt, "err.pdf_corrupt"},
	{fs.ErrPermission, "err.permission"},
	{fs.ErrNotExist, "err.not_found"},
}

// Error is a failure as the person reads it: the words of its kind, or a
// plain "something went wrong" for a kind Đình does not know.
func Error(lang string, err error) string {
	var inc *dossier.IncompleteError
	if errors.As(err, &inc) {
		return i18n.In(lang, "vol.err.incomplete")
	}
	var doc *lan.DocumentError
	if errors.As(err, &doc) {
		return i18n.In(lang, "host.err.document", doc.Name, Error(lang, doc.Err))
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return i18n.In(lang, k.key)
		}
	}
	return i18n.In(lang, "err.unexpected")
}

// Changes lists what changed between two versions of a meeting, or says
// "" when nothing did.
func Changes(lang string, c meeting.Changes) string {
	var parts []string
	add := func(key string, xs []string) {
		if len(xs) > 0 {
			parts = append(parts, i18n.In(lang, "changes."+key, len(xs), strings.Join(xs, ", ")))
		}
	}
	add("added", c.Added)
	add("replaced", c.Replaced)
	add("removed", c.Removed)
	add("items_added", c.ItemsAdded)
	add("items_gone", c.ItemsGone)
	if c.Reordered {
		parts = append(parts, i18n.In(lang, "changes.reordered"))
	}
	if c.Details {
		parts = append(parts, i18n.In(lang, "changes.details"))
	}
	return strings.Join(parts, "; ")
}

// Verdict is a signature's verdict as a person reads it.
func Verdict(lang string, v pdfsig.Verdict) string { return i18n.In(lang, "sig.verdict."+v.Code()) }

// Revocation says how the signer's certificate was checked for
// revocation, as a sentence.
func Revocation(lang string, r pdfsig.Revocation) string {
	return i18n.In(lang, "sig.revocation."+r.Code())
}

// Kinds lists the kinds of change made to a document after it was
// signed, or says there were none.
func Kinds(lang string, kinds []pdfsig.Change) string {
	if len(kinds) == 0 {
		return i18n.In(lang, "sig.change.none")
	}
	words := make([]string, len(kinds))
	for i, c := range kinds {
		words[i] = i18n.In(lang, "sig.change."+c.Code())
	}
	return strings.Join(words, "; ")
}

// Rejection says why central refused the copy it got of a dossier, and
// what happens now or what to do. sealedFor is the key this device seals
// for, named beside the one central holds when they differ.
func Rejection(lang string, r *outbox.Rejection, sealedFor string) string {
	var s string
	switch r.Reason {
	case receipt.OtherKey:
		s = i18n.In(lang, "outbox.rejected."+r.Reason, ShortKey(sealedFor), ShortKey(r.CentralKey))
	case receipt.Damaged, receipt.NotFromDevice, receipt.OldFormat, receipt.OtherDossier, receipt.OtherDevice:
		s = i18n.In(lang, "outbox.rejected."+r.Reason)
	default:
		s = i18n.In(lang, "outbox.rejected.unknown", r.Reason)
	}
	if r.Resent {
		s += " " + i18n.In(lang, "outbox.rejected.resent")
	}
	return s
}

// ShortKey is an age public key as a person compares it: its start and
// its end.
func ShortKey(k string) string {
	if len(k) <= 20 {
		return k
	}
	return k[:10] + "…" + k[len(k)-6:]
}
