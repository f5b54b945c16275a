package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"dinh/internal/i18n"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/store"
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
	var be *vault.BackoffError
	var ie *volunteer.IntakeError
	var na *volunteer.NotAttachedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		return e.intakeWords(ie)
	case errors.As(err, &na):
		return e.notAttached(na)
	case errors.As(err, &be):
		m := e.T("dossier.backoff", be.Until.Local().Format(e.T("dossier.timeFormat")))
		if errors.Is(err, vault.ErrWrongPassphrase) {
			m = e.T("dossier.wrongPass") + "; " + m
		}
		return userError{m, err}
	case errors.Is(err, volunteer.ErrNoPassphrase):
		return usageError{errors.New(e.T("dossier.noPassphrase"))}
	case errors.Is(err, vault.ErrWrongPassphrase):
		return userError{e.T("dossier.wrongPass"), err}
	case errors.Is(err, vault.ErrWeakPassphrase):
		return userError{e.T("dossier.weakPass", vault.MinPassphraseRunes), err}
	case errors.Is(err, volunteer.ErrNotSetUp):
		return userError{e.T("dossier.notSetUp", data), err}
	case errors.Is(err, vault.ErrExists):
		return userError{e.T("dossier.setUp", data), err}
	case errors.Is(err, vault.ErrOldFormat):
		return userError{e.T("dossier.oldVault", data), err}
	case errors.Is(err, store.ErrLocked):
		return userError{e.T("dossier.inUse", data), err}
	case errors.Is(err, dossier.ErrDiskFull):
		return userError{e.T("dossier.diskFull", err), err}
	case errors.Is(err, outbox.ErrCorrupt):
		return userError{e.T("dossier.damaged", err), err}
	}
	return err
}

// passphrase is the file the passphrase is read from: stdin for "" or
// "-".
func (e *env) passphrase(file string) (io.ReadCloser, error) {
	if file == "" || file == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, userError{e.T("dossier.passFile", err), err}
	}
	return f, nil
}

// openUnlocked opens the data folder and unlocks it.
func (e *env) openUnlocked(data, passFile string) (*volunteer.Workspace, error) {
	if !volunteer.IsSetUp(data) { // before the passphrase file is opened
		return nil, volunteer.ErrNotSetUp
	}
	r, err := e.passphrase(passFile)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return volunteer.OpenUnlocked(data, r)
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
	Data     string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile string `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
}

func (c *dossierInitCmd) Run(e *env) (err error) {
	data, central, recovery, passFile, stdout := &c.Data, &c.Central, &c.Recovery, &c.PassFile, e.stdout
	defer func() { err = e.explain(err, *data) }()
	var s volunteer.Setup
	if s.Central, err = parsePublicKey(e, "--central", *central); err != nil {
		return err
	}
	if s.Recovery, err = parsePublicKey(e, "--recovery", *recovery); err != nil {
		return err
	}
	if volunteer.IsSetUp(*data) { // before asking for the passphrase
		return vault.ErrExists
	}
	r, err := e.passphrase(*passFile)
	if err != nil {
		return err
	}
	defer r.Close()
	pass, err := volunteer.ReadPassphrase(r)
	if err != nil {
		return err
	}
	defer clear(pass)
	if utf8.RuneCount(pass) < vault.MinPassphraseRunes { // before the folder is made
		return vault.ErrWeakPassphrase
	}
	w, err := volunteer.Init(*data, pass, s, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintln(stdout, "OK:", *data)
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
	Data             string   `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile         string   `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
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
	w, err := e.openUnlocked(c.Data, c.PassFile)
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

// intakeWords says why an intake was refused.
func (e *env) intakeWords(ie *volunteer.IntakeError) error {
	list := ""
	for i, c := range ie.Choices {
		if ie.Problem == volunteer.BadCase {
			list += fmt.Sprintf("\n  %d. %s", i+1, c)
		} else {
			list += "\n  " + c
		}
	}
	var m string
	switch ie.Problem {
	case volunteer.NoProcedure:
		m = e.T("dossier.noProcedure", ie.Value)
	case volunteer.BadCase:
		m = e.T("dossier.badCase", len(ie.Choices), ie.Procedure, list)
	case volunteer.NotPaper:
		m = e.T("dossier.notPaper", "--"+ie.Field, ie.Value, list)
	case volunteer.NameLetters:
		m = e.T("dossier.nameLetters", ie.Value)
	case volunteer.GuardianOnly:
		m = e.T("dossier.guardianOnly")
	default:
		m = e.T("dossier.noFile", ie.Value)
	}
	return usageError{errors.New(m)}
}

// notAttached lists the files that could not be attached.
func (e *env) notAttached(na *volunteer.NotAttachedError) error {
	for _, r := range na.Failed {
		fmt.Fprintln(e.stderr, e.T("dossier.attachFailed", r.Path, e.photoReason(r.Err, r.Path)))
	}
	err := errors.New(e.T("dossier.notKept", len(na.Failed)))
	if na.Discard != nil {
		err = errors.Join(err, errors.New(e.T("dossier.notDiscarded", na.ID, na.Discard)))
	}
	return err
}

// photoReason says why a file could not be attached, without repeating
// its path.
func (e *env) photoReason(err error, path string) string {
	return words.Error(e.lang, err) + " (" + strings.ReplaceAll(err.Error(), path+": ", "") + ")"
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
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, e.T("dossier.noDossiers"))
	}
	for _, en := range list {
		initials := en.Initials
		if initials == "" {
			initials = "—"
		}
		line := fmt.Sprintf("%s  %-10s  %-5s  %s  %s", en.ID, en.Procedure, initials, en.Created.Local().Format("2006-01-02 15:04"), i18n.Word(e.lang, "outbox.state.", string(en.State)))
		if en.Receipt != "" {
			line += "  " + en.Receipt
			if n := len(en.Progress); n > 0 {
				line += "  " + i18n.Word(e.lang, "vol.status.", en.Progress[n-1].Status)
			}
		}
		fmt.Fprintln(stdout, line)
		if en.Rejection != nil && en.State.Unreceipted() {
			fmt.Fprintln(stdout, "  "+words.Rejection(e.lang, en.Rejection, w.Setup.Central.String()))
		}
	}
	return nil
}

type dossierSealCmd struct {
	ID       string `arg:"" help:"${h_dossier_seal_id}"`
	Data     string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile string `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
}

func (c *dossierSealCmd) Run(ctx context.Context, e *env) (err error) {
	stdout, stderr, data, passFile, id := e.stdout, e.stderr, &c.Data, &c.PassFile, c.ID
	defer func() { err = e.explain(err, *data) }()
	if !outbox.ValidID(id) {
		return usageError{errors.New(e.T("dossier.badID", id))}
	}
	w, err := e.openUnlocked(*data, *passFile)
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
	Central  string `help:"${h_dossier_init_central}" placeholder:"KEY" required:""`
	Data     string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
	PassFile string `name:"passphrase-file" help:"${h_passfile}" placeholder:"FILE"`
}

// Run makes the given key the one this device seals for and seals again
// every dossier still waiting for its receipt.
func (c *dossierRekeyCmd) Run(ctx context.Context, e *env) (err error) {
	defer func() { err = e.explain(err, c.Data) }()
	key, err := parsePublicKey(e, "--central", c.Central)
	if err != nil {
		return err
	}
	w, err := e.openUnlocked(c.Data, c.PassFile)
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
