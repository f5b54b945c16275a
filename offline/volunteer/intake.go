package volunteer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"dinh/offline/catalog"
	"dinh/offline/dossier"
)

// Intake is a whole dossier given at once, as a volunteer types it on the
// command line: the procedure and its case, the villager, the papers they
// brought, the files to attach and their consent.
type Intake struct {
	Procedure   string // catalogue code
	Case        int    // 1-based, within the procedure's cases
	Villager    dossier.Person
	Guardian    dossier.Guardian
	Request     string
	Notes       string
	Have        []string // names of the case's papers the villager brought
	Paper       string   // the paper the Attach files show
	Attach      []string // photos or scans
	Consent     bool
	ConsentForm string // a photo of the signed consent form
}

// Why an intake is refused, in IntakeError.Problem.
const (
	NoProcedure  = "noProcedure"  // no such code in the catalogue
	BadCase      = "badCase"      // Case out of range; Choices are the cases
	NotPaper     = "notPaper"     // Value is not a paper of the case; Choices are
	NameLetters  = "nameLetters"  // the name has no letter to take initials from
	GuardianOnly = "guardianOnly" // a guardian's ID or relation without a name
	NoFile       = "noFile"       // Value is a file that does not exist
)

// IntakeError is an intake refused before anything is written.
type IntakeError struct {
	Problem   string
	Field     string   // for NotPaper: "have" or "paper"
	Value     string   // what was given
	Procedure string   // the procedure's code, once known
	Choices   []string // the cases or the papers to choose from
}

func (e *IntakeError) Error() string {
	return fmt.Sprintf("volunteer: intake: %s %s %q", e.Problem, e.Field, e.Value)
}

// nfc normalises what was typed, so that a name typed with combining
// accents is stored as the same text as one typed with precomposed letters.
func nfc(ps ...*string) {
	for _, p := range ps {
		*p = norm.NFC.String(strings.TrimSpace(*p))
	}
}

// Check normalises in and checks it against cat, before anything is
// written or a passphrase is asked for. It returns the procedure and case,
// or an *IntakeError.
func (in *Intake) Check(cat *catalog.Catalog) (*catalog.Procedure, catalog.Case, error) {
	proc := cat.Lookup(strings.TrimSpace(in.Procedure))
	if proc == nil {
		return nil, catalog.Case{}, &IntakeError{Problem: NoProcedure, Value: in.Procedure}
	}
	if in.Case < 1 || in.Case > len(proc.Cases) {
		e := &IntakeError{Problem: BadCase, Value: fmt.Sprint(in.Case), Procedure: proc.Code}
		for _, c := range proc.Cases {
			e.Choices = append(e.Choices, c.Name)
		}
		return nil, catalog.Case{}, e
	}
	pc := proc.Cases[in.Case-1]
	var papers []string
	for _, p := range pc.Papers {
		papers = append(papers, p.Name)
	}
	v, g := &in.Villager, &in.Guardian
	nfc(&v.FullName, &v.BirthDate, &v.Gender, &v.IDNumber, &v.Phone, &v.Address, &in.Request, &in.Notes,
		&g.FullName, &g.IDNumber, &g.Relation, &in.Paper)
	for i := range in.Have {
		nfc(&in.Have[i])
		if !slices.Contains(papers, in.Have[i]) {
			return nil, pc, &IntakeError{Problem: NotPaper, Field: "have", Value: in.Have[i], Procedure: proc.Code, Choices: papers}
		}
	}
	if in.Paper != "" && !slices.Contains(papers, in.Paper) {
		return nil, pc, &IntakeError{Problem: NotPaper, Field: "paper", Value: in.Paper, Procedure: proc.Code, Choices: papers}
	}
	// Sealing records the initials, which need a letter; a name without
	// one would pass Check and fail only then.
	if v.FullName != "" && dossier.Initials(v.FullName) == "" {
		return nil, pc, &IntakeError{Problem: NameLetters, Value: v.FullName}
	}
	if g.FullName == "" && (g.IDNumber != "" || g.Relation != "") {
		return nil, pc, &IntakeError{Problem: GuardianOnly}
	}
	for _, f := range append(slices.Clone(in.Attach), in.ConsentForm) {
		if _, err := os.Stat(f); f != "" && errors.Is(err, os.ErrNotExist) {
			return nil, pc, &IntakeError{Problem: NoFile, Value: f}
		}
	}
	return proc, pc, nil
}

// NotAttachedError is an intake whose files could not all be attached:
// nothing was kept.
type NotAttachedError struct {
	ID     string          // the draft that was made, then discarded
	Failed []dossier.Added // each with its Err
	// Discard is why the half-made draft could not be removed, if it
	// could not.
	Discard error
}

func (e *NotAttachedError) Error() string {
	return fmt.Sprintf("volunteer: %d files not attached; nothing kept", len(e.Failed))
}

// NewDossier makes the draft of in, which Check has passed, and attaches
// its files: everything is kept or nothing, as the command line has no
// way to add to a draft later. progress, if not nil, is called after each
// file. It returns the draft as stored.
func (w *Workspace) NewDossier(ctx context.Context, in Intake, proc *catalog.Procedure, pc catalog.Case, progress func(done, total int)) (_ *dossier.Dossier, err error) {
	var papers []string
	for _, p := range pc.Papers {
		papers = append(papers, p.Name)
	}
	d, err := w.Desk.Create(proc.Code, proc.Name, pc.Name, papers)
	if err != nil {
		return nil, err
	}
	id, kept := d.ID, false
	var failed []dossier.Added
	defer func() {
		if kept {
			return
		}
		derr := w.Desk.Discard(id)
		if len(failed) > 0 {
			err = &NotAttachedError{ID: id, Failed: failed, Discard: derr}
		} else if derr != nil {
			err = errors.Join(err, fmt.Errorf("volunteer: draft %s not discarded: %w", id, derr))
		}
	}()
	d.Villager = in.Villager
	if in.Request != "" {
		d.Answers[dossier.QuestionRequest] = in.Request
	}
	d.Notes = in.Notes
	for i := range d.Papers {
		d.Papers[i].Have = slices.Contains(in.Have, d.Papers[i].Name)
	}
	if in.Consent {
		d.Consent.Given, d.Consent.At = true, time.Now()
	}
	if in.Guardian.FullName != "" {
		g := in.Guardian
		d.Consent.Guardian = &g
	}
	if err := w.Desk.Save(d); err != nil {
		return nil, err
	}
	attach := func(kind, paper string, paths []string) error {
		if len(paths) == 0 {
			return nil
		}
		res, err := w.Desk.Attach(ctx, id, kind, paper, paths, progress)
		for _, r := range res {
			if r.Err != nil {
				failed = append(failed, r)
			}
		}
		return err
	}
	if err := attach(dossier.KindPaper, in.Paper, in.Attach); err != nil {
		return nil, err
	}
	if in.ConsentForm != "" {
		if err := attach(dossier.KindConsent, "", []string{in.ConsentForm}); err != nil {
			return nil, err
		}
	}
	if len(failed) > 0 {
		return nil, errors.New("not attached")
	}
	if d, err = w.Desk.Load(id); err != nil {
		return nil, err
	}
	kept = true
	return d, nil
}
