package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// userError is a sentence for the volunteer that keeps the error it
// explains for errors.Is.
type userError struct {
	msg string
	err error
}

func (e userError) Error() string { return e.msg }
func (e userError) Unwrap() error { return e.err }

// explain turns the errors a volunteer may meet into sentences saying what
// to do; others are returned as they are.
func (e *env) explain(err error, data string) error {
	var ie *volunteer.IntakeError
	var na *volunteer.NotAttachedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return usageError{errors.New(words.Intake(e.lang, ie))}
	case errors.Is(err, volunteer.ErrNoPassphrase):
		return usageError{errors.New(e.T("dossier.noPassphrase"))}
	case errors.As(err, &na):
		lines, summary := words.NotAttached(e.lang, na)
		for _, l := range lines {
			fmt.Fprintln(e.stderr, l)
		}
		return errors.New(summary)
	}
	if msg, ok := words.Workspace(e.lang, err, data); ok {
		return userError{msg, err}
	}
	return err
}

// vaultFlags name a volunteer's data folder and the file its passphrase
// is read from.
type vaultFlags struct {
	Data     string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile string `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
}

// passphrase is the file the passphrase is read from: stdin for "" or
// "-".
func (f vaultFlags) passphrase(e *env) (io.ReadCloser, error) {
	if f.PassFile == "" || f.PassFile == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	r, err := os.Open(f.PassFile)
	if err != nil {
		return nil, userError{e.T("dossier.passFile", err), err}
	}
	return r, nil
}

// open opens the data folder and unlocks it.
func (f vaultFlags) open(e *env) (*volunteer.Workspace, error) {
	if !volunteer.IsSetUp(f.Data) { // before the passphrase file is opened
		return nil, volunteer.ErrNotSetUp
	}
	r, err := f.passphrase(e)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return volunteer.OpenUnlocked(f.Data, r)
}

// parsePublicKey reads the public key given to the flag called name.
func parsePublicKey(e *env, name, arg string) (agekey.Public, error) {
	k, err := agekey.ReadPublic(arg)
	var pe *fs.PathError
	switch {
	case errors.Is(err, agekey.ErrIsPrivate):
		return k, usageError{errors.New(e.T("dossier.keyIsPrivate", name))}
	case errors.As(err, &pe):
		return k, usageError{errors.New(e.T("dossier.keyFile", name, err))}
	case err != nil:
		return k, usageError{errors.New(e.T("dossier.keyBad", name, err))}
	}
	return k, nil
}

type dossierInitCmd struct {
	Central  string `help:"${h_dossier_init_central}" placeholder:"KEY" required:""`
	Recovery string `help:"${h_dossier_init_recovery}" placeholder:"KEY" required:""`
	vaultFlags
}

func (c *dossierInitCmd) Run(e *env) (err error) {
	defer func() { err = e.explain(err, c.Data) }()
	var s volunteer.Setup
	if s.Central, err = parsePublicKey(e, "--central", c.Central); err != nil {
		return err
	}
	if s.Recovery, err = parsePublicKey(e, "--recovery", c.Recovery); err != nil {
		return err
	}
	if volunteer.IsSetUp(c.Data) { // before the passphrase file is opened
		return vault.ErrExists
	}
	r, err := c.passphrase(e)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := volunteer.InitFrom(c.Data, r, s)
	if err != nil {
		return err
	}
	w.Close()
	fmt.Fprintln(e.stdout, "OK:", c.Data)
	return nil
}

type dossierNewCmd struct {
	Procedure        string   `help:"${h_dossier_new_procedure}" placeholder:"CODE" required:""`
	Case             int      `help:"${h_dossier_new_case}" default:"1" placeholder:"N"`
	Name             string   `help:"${h_dossier_new_name}" placeholder:"NAME"`
	Birth            string   `help:"${h_dossier_new_birth}" placeholder:"YYYY-MM-DD"`
	Gender           string   `help:"${h_dossier_new_gender}" placeholder:"nam|nữ"`
	IDNumber         string   `name:"id-number" help:"${h_dossier_new_id_number}" placeholder:"N"`
	Phone            string   `help:"${h_dossier_new_phone}" placeholder:"PHONE"`
	Address          string   `help:"${h_dossier_new_address}" placeholder:"TEXT"`
	Request          string   `help:"${h_dossier_new_request}" placeholder:"TEXT"`
	Notes            string   `help:"${h_dossier_new_notes}" placeholder:"TEXT"`
	Have             []string `sep:"none" help:"${h_dossier_new_have}" placeholder:"PAPER"`
	Attach           []string `sep:"none" help:"${h_dossier_new_attach}" placeholder:"FILE"`
	Paper            string   `help:"${h_dossier_new_paper}" placeholder:"PAPER"`
	Consent          bool     `help:"${h_dossier_new_consent}"`
	ConsentForm      string   `name:"consent-form" help:"${h_dossier_new_consent_form}" placeholder:"FILE"`
	Guardian         string   `help:"${h_dossier_new_guardian}" placeholder:"NAME"`
	GuardianID       string   `name:"guardian-id" help:"${h_dossier_new_guardian_id}" placeholder:"N"`
	GuardianRelation string   `name:"guardian-relation" help:"${h_dossier_new_guardian_relation}" placeholder:"TEXT"`
	Catalog          string   `help:"${h_catalog_file}" placeholder:"FILE"`
	vaultFlags
}

func (c *dossierNewCmd) Run(ctx context.Context, e *env) (err error) {
	defer func() { err = e.explain(err, c.Data) }()
	cat := catalog.Sample()
	if c.Catalog != "" {
		if cat, err = catalog.Load(c.Catalog); err != nil {
			return err
		}
	}
	in := volunteer.Intake{Procedure: c.Procedure, Case: c.Case, Request: c.Request, Notes: c.Notes,
		Villager: dossier.Person{FullName: c.Name, BirthDate: c.Birth, Gender: c.Gender, IDNumber: c.IDNumber, Phone: c.Phone, Address: c.Address},
		Guardian: dossier.Guardian{FullName: c.Guardian, IDNumber: c.GuardianID, Relation: c.GuardianRelation},
		Have:     c.Have, Paper: c.Paper, Attach: c.Attach, Consent: c.Consent, ConsentForm: c.ConsentForm}
	proc, pc, err := in.Check(cat)
	if err != nil {
		return err
	}
	w, err := c.open(e)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.NewDossier(ctx, in, proc, pc, func(done, total int) {
		fmt.Fprintln(e.stderr, e.T("dossier.progress", done, total))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, d.ID)
	for _, pr := range d.Check() {
		fmt.Fprintln(e.stderr, e.T("dossier.missing", i18n.Word(e.lang, "dossier.problem.", string(pr))))
	}
	return nil
}

type dossierListCmd struct {
	Data string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	JSON bool   `name:"json" help:"${h_json}"`
}

func (c *dossierListCmd) Run(e *env) (err error) {
	data, stdout := &c.Data, e.stdout
	defer func() { err = e.explain(err, *data) }()
	w, err := volunteer.Open(*data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	// Every sealed file waiting to go is checked against its hash: a
	// damaged one is listed as such, and said what to do.
	damaged, err := w.Outbox.CheckAll()
	if err != nil {
		return err
	}
	for _, id := range damaged {
		fmt.Fprintln(e.stderr, e.T("dossier.damagedSeal", id))
	}
	list, err := w.Desk.List()
	if err != nil {
		return err
	}
	if c.JSON {
		if list == nil {
			list = []outbox.Entry{}
		}
		return e.json(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, e.T("dossier.noDossiers"))
	}
	for _, en := range list {
		e.lines(words.Entry(e.lang, en, w.Setup.Central.String()))
	}
	return nil
}

type dossierSealCmd struct {
	ID string `arg:"" help:"${h_dossier_seal_id}"`
	vaultFlags
}

func (c *dossierSealCmd) Run(ctx context.Context, e *env) (err error) {
	stdout, stderr, id := e.stdout, e.stderr, c.ID
	defer func() { err = e.explain(err, c.Data) }()
	if !outbox.ValidID(id) {
		return usageError{errors.New(e.T("dossier.badID", id))}
	}
	w, err := c.open(e)
	if err != nil {
		return err
	}
	defer w.Close()
	entry, err := w.Desk.Seal(ctx, id, nil)
	var inc *dossier.IncompleteError
	switch {
	case errors.As(err, &inc):
		fmt.Fprintln(stderr, e.T("dossier.incompleteHdr", id))
		for _, p := range inc.Problems {
			fmt.Fprintln(stderr, "-", i18n.Word(e.lang, "dossier.problem.", string(p)))
		}
		return userError{e.T("dossier.incomplete", len(inc.Problems)), err}
	case errors.Is(err, dossier.ErrNotFound):
		return userError{e.T("dossier.noDraft", id), err}
	case errors.Is(err, dossier.ErrSealed):
		return userError{e.T("dossier.sealed", id), err}
	case err != nil:
		return err
	}
	fmt.Fprintf(stdout, "%s  %s  %s\n", entry.ID, i18n.Word(e.lang, "outbox.state.", string(entry.State)), filepath.Join(w.Dir, "outbox", entry.SealedPath))
	return nil
}

type dossierRekeyCmd struct {
	Central string `help:"${h_dossier_init_central}" placeholder:"KEY" required:""`
	vaultFlags
}

// Run makes the given key the one this device seals for and seals again
// every dossier still waiting for its receipt.
func (c *dossierRekeyCmd) Run(ctx context.Context, e *env) (err error) {
	defer func() { err = e.explain(err, c.Data) }()
	key, err := parsePublicKey(e, "--central", c.Central)
	if err != nil {
		return err
	}
	w, err := c.open(e)
	if err != nil {
		return err
	}
	defer w.Close()
	done, err := w.ReplaceCentral(ctx, key)
	for _, id := range done {
		fmt.Fprintln(e.stdout, "resealed", id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, e.T("dossier.rekeyed", len(done)))
	return nil
}
