package words

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"dinh/internal/i18n"
	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/central"
	"dinh/sync/field"
)

// cli is the command line's message for key (below "cli.").
func cli(lang, key string, args ...any) string { return i18n.In(lang, "cli."+key, args...) }

// Intake says why a dossier given on the command line was refused, and
// lists what to choose from.
func Intake(lang string, ie *volunteer.IntakeError) string {
	var list strings.Builder
	for i, c := range ie.Choices {
		if ie.Problem == volunteer.BadCase {
			fmt.Fprintf(&list, "\n  %d. %s", i+1, c)
		} else {
			list.WriteString("\n  " + c)
		}
	}
	switch ie.Problem {
	case volunteer.NoProcedure:
		return cli(lang, "dossier.noProcedure", ie.Value)
	case volunteer.BadCase:
		return cli(lang, "dossier.badCase", len(ie.Choices), ie.Procedure, list.String())
	case volunteer.NotPaper:
		return cli(lang, "dossier.notPaper", "--"+ie.Field, ie.Value, list.String())
	case volunteer.NameLetters:
		return cli(lang, "dossier.nameLetters", ie.Value)
	case volunteer.GuardianOnly:
		return cli(lang, "dossier.guardianOnly")
	}
	return cli(lang, "dossier.noFile", ie.Value)
}

// Workspace says what a failure of the volunteer's data folder data
// means and what to do, on the command line; ok is false for a failure
// it does not know.
func Workspace(lang string, err error, data string) (msg string, ok bool) {
	var be *vault.BackoffError
	switch {
	case errors.As(err, &be):
		m := cli(lang, "dossier.backoff", be.Until.Local().Format(cli(lang, "dossier.timeFormat")))
		if errors.Is(err, vault.ErrWrongPassphrase) {
			m = cli(lang, "dossier.wrongPass") + "; " + m
		}
		return m, true
	case errors.Is(err, vault.ErrWrongPassphrase):
		return cli(lang, "dossier.wrongPass"), true
	case errors.Is(err, vault.ErrWeakPassphrase):
		return cli(lang, "dossier.weakPass", vault.MinPassphraseRunes), true
	case errors.Is(err, volunteer.ErrNotSetUp):
		return cli(lang, "dossier.notSetUp", data), true
	case errors.Is(err, vault.ErrExists):
		return cli(lang, "dossier.setUp", data), true
	case errors.Is(err, vault.ErrOldFormat):
		return cli(lang, "dossier.oldVault", data), true
	case errors.Is(err, store.ErrLocked):
		return cli(lang, "dossier.inUse", data), true
	case errors.Is(err, dossier.ErrDiskFull):
		return cli(lang, "dossier.diskFull", err), true
	case errors.Is(err, outbox.ErrCorrupt):
		return cli(lang, "dossier.damaged", err), true
	}
	return "", false
}

// NotAttached says, a line each, which files could not be attached to a
// dossier and why, then what became of the dossier.
func NotAttached(lang string, na *volunteer.NotAttachedError) (lines []string, summary string) {
	for _, r := range na.Failed {
		why := Error(lang, r.Err) + " (" + strings.ReplaceAll(r.Err.Error(), r.Path+": ", "") + ")"
		lines = append(lines, cli(lang, "dossier.attachFailed", r.Path, why))
	}
	summary = cli(lang, "dossier.notKept", len(na.Failed))
	if na.Discard != nil {
		summary += "\n" + cli(lang, "dossier.notDiscarded", na.ID, na.Discard)
	}
	return lines, summary
}

// Entry is a dossier as one line of a list: its ID, procedure, the
// villager's initials, when it was made, its state, and once receipted
// the receipt's code and the office's latest status; a refusal from
// central that still holds follows on a line of its own. sealedFor is
// the key this device seals for.
func Entry(lang string, en outbox.Entry, sealedFor string) []string {
	initials := en.Initials
	if initials == "" {
		initials = "—"
	}
	line := fmt.Sprintf("%s  %-10s  %-5s  %s  %s", en.ID, en.Procedure, initials, en.Created.Local().Format("2006-01-02 15:04"), i18n.Word(lang, "outbox.state.", string(en.State)))
	if en.Receipt != "" {
		line += "  " + en.Receipt
		if n := len(en.Progress); n > 0 {
			line += "  " + i18n.Word(lang, "vol.status.", en.Progress[n-1].Status)
		}
	}
	if en.Rejection != nil && en.State.Unreceipted() {
		return []string{line, "  " + Rejection(lang, en.Rejection, sealedFor)}
	}
	return []string{line}
}

// Waiting says why a sync session ended with dossiers still on their
// way, and what to do; device is this device's ID, for the administrator
// to enrol.
func Waiting(lang string, s field.Session, device string) string {
	switch s.Why {
	case field.WaitingDamaged:
		return cli(lang, "sync.damaged", s.Damaged)
	case field.WaitingRejected:
		return cli(lang, "sync.rejected", s.Rejected)
	case field.WaitingUnreachable:
		return cli(lang, "sync.unreachable", s.Waiting)
	case field.WaitingNotLetIn:
		return cli(lang, "sync.notEnrolled", s.Waiting, device)
	case field.WaitingAtHub:
		return cli(lang, "sync.atHub", s.Waiting)
	}
	return cli(lang, "dossier.stillWaiting", s.Waiting)
}

// Said is what a command says of something: Out for standard output (a
// line a script may read), Err for the person, and Usage when the command
// line was wrong. Either may be empty.
type Said struct {
	Out   []string
	Err   []string
	Usage bool
}

// News says what a sync session saw happen to one dossier; why is the
// rejection's reason in words, when it is a rejection.
func News(lang string, n outbox.News, why string) Said {
	switch n.Kind {
	case outbox.NewsDelivered:
		return Said{Out: []string{"delivered " + n.ID}}
	case outbox.NewsReceipted:
		return Said{Out: []string{"receipted " + n.ID + " " + n.Receipt}}
	case outbox.NewsStatus:
		return Said{Out: []string{"status " + n.Receipt + " " + n.Status}}
	case outbox.NewsDamaged:
		return Said{Out: []string{"damaged " + n.ID}, Err: []string{cli(lang, "dossier.damagedSeal", n.ID)}}
	case outbox.NewsRejected:
		s := Said{Out: []string{"rejected " + n.ID + " " + n.Status}}
		if why != "" {
			s.Err = []string{n.ID + ": " + why}
		}
		return s
	}
	return Said{}
}

// Volunteer says what a failure of a volunteer's command means and what
// to do; ok is false for a failure it does not know. data is the
// volunteer's data folder; id the dossier the command was about, if any.
func Volunteer(lang string, err error, data, id string) (s Said, ok bool) {
	var ie *volunteer.IntakeError
	var na *volunteer.NotAttachedError
	var inc *dossier.IncompleteError
	switch {
	case errors.As(err, &ie):
		return Said{Err: []string{Intake(lang, ie)}, Usage: true}, true
	case errors.Is(err, volunteer.ErrNoPassphrase):
		return Said{Err: []string{cli(lang, "dossier.noPassphrase")}, Usage: true}, true
	case errors.As(err, &na):
		lines, summary := NotAttached(lang, na)
		return Said{Err: append(lines, summary)}, true
	case errors.As(err, &inc):
		lines := []string{cli(lang, "dossier.incompleteHdr", id)}
		for _, p := range inc.Problems {
			lines = append(lines, "- "+i18n.Word(lang, "dossier.problem.", string(p)))
		}
		return Said{Err: append(lines, cli(lang, "dossier.incomplete", len(inc.Problems)))}, true
	case errors.Is(err, dossier.ErrNotFound):
		return Said{Err: []string{cli(lang, "dossier.noDraft", id)}}, true
	case errors.Is(err, dossier.ErrSealed):
		return Said{Err: []string{cli(lang, "dossier.sealed", id)}}, true
	}
	if msg, ok := Workspace(lang, err, data); ok {
		return Said{Err: []string{msg}}, true
	}
	return Said{}, false
}

// Admin says why an administrator's request to central failed; data is
// central's data folder. A failure it does not know is returned as it is.
func Admin(lang string, err error, data string) error {
	switch {
	case errors.Is(err, central.ErrNoData):
		return fmt.Errorf("%s: %w", cli(lang, "central.noData", data), err)
	case errors.Is(err, central.ErrNotRunning):
		return errors.New(cli(lang, "central.notRunning"))
	case errors.Is(err, central.ErrNoSocket):
		return fmt.Errorf("%s: %w", cli(lang, "central.noSocket"), err)
	}
	return err
}

// AdminReply is central's answer, a line each: the devices enrolled, or
// the dossier whose status was set, with its newest status.
func AdminReply(rep central.AdminReply) []string {
	var out []string
	for _, d := range rep.Devices {
		out = append(out, fmt.Sprintf("%s  %s  %s", d.ID, d.Added.Local().Format("2006-01-02"), d.Name))
	}
	if rep.Record != nil {
		last := rep.Record.History[len(rep.Record.History)-1]
		out = append(out, fmt.Sprintf("%s  %s  %s", rep.Record.Code, last.Status, last.At.Local().Format(time.RFC3339)))
	}
	return out
}

// KeyFlag says why the public key given to the flag called name was
// refused.
func KeyFlag(lang, name string, err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, agekey.ErrIsPrivate):
		return cli(lang, "dossier.keyIsPrivate", name)
	case errors.As(err, &pe):
		return cli(lang, "dossier.keyFile", name, err)
	}
	return cli(lang, "dossier.keyBad", name, err)
}
