package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"dinh/internal/cli"
	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// explain turns the errors a volunteer may meet into sentences saying what
// to do, the last printed as the command's error; others are returned as
// they are. id is the dossier the command was about, if any.
func explain(e *cli.Env, err error, data, id string) error {
	said, ok := words.Volunteer(e.Lang, err, data, id)
	if err == nil || !ok {
		return err
	}
	last := len(said.Err) - 1
	for _, l := range said.Err[:last] {
		fmt.Fprintln(e.Stderr, l)
	}
	if err = cli.Explained(said.Err[last], err); said.Usage {
		return cli.UsageOf(err)
	}
	return err
}

// vaultFlags name a volunteer's data folder and the file its passphrase
// is read from.
type vaultFlags struct {
	Data     string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile string `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
}

// unlock gives use the passphrase's file: standard input for "" or "-".
func (f vaultFlags) unlock(e *cli.Env, use func(io.Reader) error) error {
	if f.PassFile == "" || f.PassFile == "-" {
		return use(os.Stdin)
	}
	r, err := os.Open(f.PassFile)
	if err != nil {
		return cli.Explained(e.T("dossier.passFile", err), err)
	}
	defer r.Close()
	return use(r)
}

// open opens the data folder and unlocks it.
func (f vaultFlags) open(e *cli.Env) (w *volunteer.Workspace, err error) {
	if !volunteer.IsSetUp(f.Data) { // before the passphrase file is opened
		return nil, volunteer.ErrNotSetUp
	}
	err = f.unlock(e, func(r io.Reader) error { w, err = volunteer.OpenUnlocked(f.Data, r); return err })
	return w, err
}

// parsePublicKey reads the public key given to the flag called name.
func parsePublicKey(e *cli.Env, name, arg string) (agekey.Public, error) {
	k, err := agekey.ReadPublic(arg)
	if err != nil {
		return k, cli.UsageOf(errors.New(words.KeyFlag(e.Lang, name, err)))
	}
	return k, nil
}

type dossierInitCmd struct {
	Central  string `help:"${h_dossier_init_central}" placeholder:"KEY" required:""`
	Recovery string `help:"${h_dossier_init_recovery}" placeholder:"KEY" required:""`
	vaultFlags
}

func (c *dossierInitCmd) Run(e *cli.Env) (err error) {
	defer func() { err = explain(e, err, c.Data, "") }()
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
	if err = c.unlock(e, func(r io.Reader) error {
		w, err := volunteer.InitFrom(c.Data, r, s)
		if err == nil {
			w.Close()
		}
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "OK:", c.Data)
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

func (c *dossierNewCmd) Run(ctx context.Context, e *cli.Env) (err error) {
	defer func() { err = explain(e, err, c.Data, "") }()
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
		fmt.Fprintln(e.Stderr, e.T("dossier.progress", done, total))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, d.ID)
	for _, pr := range d.Check() {
		fmt.Fprintln(e.Stderr, e.T("dossier.missing", i18n.Word(e.Lang, "dossier.problem.", string(pr))))
	}
	return nil
}

type dossierListCmd struct {
	Data string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	JSON bool   `name:"json" help:"${h_json}"`
}

func (c *dossierListCmd) Run(e *cli.Env) (err error) {
	data, stdout := &c.Data, e.Stdout
	defer func() { err = explain(e, err, *data, "") }()
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
		fmt.Fprintln(e.Stderr, e.T("dossier.damagedSeal", id))
	}
	list, err := w.Desk.List()
	if err != nil {
		return err
	}
	if c.JSON {
		if list == nil {
			list = []outbox.Entry{}
		}
		return e.JSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, e.T("dossier.noDossiers"))
	}
	for _, en := range list {
		e.Lines(words.Entry(e.Lang, en, w.Setup.Central.String())...)
	}
	return nil
}

type dossierSealCmd struct {
	ID string `arg:"" help:"${h_dossier_seal_id}"`
	vaultFlags
}

func (c *dossierSealCmd) Run(ctx context.Context, e *cli.Env) (err error) {
	id := c.ID
	defer func() { err = explain(e, err, c.Data, id) }()
	if !outbox.ValidID(id) {
		return cli.UsageOf(errors.New(e.T("dossier.badID", id)))
	}
	w, err := c.open(e)
	if err != nil {
		return err
	}
	defer w.Close()
	entry, err := w.Desk.Seal(ctx, id, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s  %s  %s\n", entry.ID, i18n.Word(e.Lang, "outbox.state.", string(entry.State)), filepath.Join(w.Dir, "outbox", entry.SealedPath))
	return nil
}

type dossierRekeyCmd struct {
	Central string `help:"${h_dossier_init_central}" placeholder:"KEY" required:""`
	vaultFlags
}

// Run makes the given key the one this device seals for and seals again
// every dossier still waiting for its receipt.
func (c *dossierRekeyCmd) Run(ctx context.Context, e *cli.Env) (err error) {
	defer func() { err = explain(e, err, c.Data, "") }()
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
		fmt.Fprintln(e.Stdout, "resealed", id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stderr, e.T("dossier.rekeyed", len(done)))
	return nil
}
