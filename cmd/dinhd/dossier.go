package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dinh/offline/catalog"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

const dossierUsage = `Usage:
  dinhd dossier keygen --out DIR
  dinhd dossier init --central KEY --recovery KEY [--data DIR] [--passphrase-file FILE]
  dinhd dossier new --procedure CODE [--case N] --name NAME [--birth YYYY-MM-DD]
        [--id-number N] [--phone P] [--address A] [--request TEXT] [--notes TEXT]
        [--have PAPER]... [--attach FILE]... [--paper NAME]
        [--consent --consent-form FILE] [--guardian NAME --guardian-id N --guardian-relation R]
        [--catalog FILE] [--data DIR] [--passphrase-file FILE]
  dinhd dossier list [--data DIR] [--json] [--lang vi|en]
  dinhd dossier seal ID [--data DIR] [--passphrase-file FILE] [--lang vi|en]

keygen writes a central server key pair (central.key, central.pub) and an
       administrator's recovery key pair (recovery.key, recovery.pub).
init   sets this device up for a community team: the volunteer's passphrase
       and the administrator's two public keys.
new    records a villager's case as a draft, encrypted at rest, and prints
       its ID and what is still missing before it can be sealed.
list   prints every dossier and its state; it needs no passphrase.
seal   seals a complete draft for the central server and puts it in the
       outbox; the device cannot read it afterwards.

The passphrase is read from --passphrase-file, or from standard input when
it is absent or "-". It is never taken as an argument.
`

func dossierCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dossierUsage)
		return usageError{errors.New("give a subcommand: keygen, init, new, list or seal")}
	}
	switch args[0] {
	case "keygen":
		return dossierKeygen(args[1:], stdout, stderr)
	case "init":
		return dossierInit(args[1:], stdout, stderr)
	case "new":
		return dossierNew(ctx, args[1:], stdout, stderr)
	case "list":
		return dossierList(args[1:], stdout, stderr)
	case "seal":
		return dossierSeal(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, dossierUsage)
		return nil
	}
	return usageError{fmt.Errorf("unknown subcommand %q; want keygen, init, new, list or seal", args[0])}
}

// repeated collects a repeated flag.
type repeated []string

func (f *repeated) String() string     { return strings.Join(*f, ", ") }
func (f *repeated) Set(s string) error { *f = append(*f, s); return nil }

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultData("volunteer"), "the volunteer's data folder")
}

// readPassphrase reads the first line of the file, or of stdin for "" or
// "-".
func readPassphrase(file string) ([]byte, error) {
	var r io.Reader = os.Stdin
	if file != "" && file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if strings.TrimSpace(line) == "" {
		return nil, usageError{errors.New("no passphrase: give it on standard input or in --passphrase-file")}
	}
	return volunteer.Passphrase(line), nil
}

// openUnlocked opens the data folder and unlocks it.
func openUnlocked(data, passFile string) (*volunteer.Workspace, error) {
	pass, err := readPassphrase(passFile)
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	w, err := volunteer.Open(data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return nil, err
	}
	if err := w.Vault.Unlock(pass); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func dossierKeygen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder for the four key files")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *out == "" {
		return usageError{errors.New("--out is required")}
	}
	cpub, cpriv, err := seal.GenerateCentralKey()
	if err != nil {
		return err
	}
	rpub, rpriv, err := vault.GenerateRecoveryKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	files := []struct {
		name, value string
	}{
		{"central.pub", cpub.String()}, {"central.key", cpriv.String()},
		{"recovery.pub", rpub.String()}, {"recovery.key", rpriv.String()},
	}
	for _, f := range files {
		path := filepath.Join(*out, f.name)
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s exists; keys are never overwritten", path)
		}
		if err := os.WriteFile(path, []byte(f.value+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
	}
	return nil
}

// keyArg is a key given inline or as a file holding it.
func keyArg(s string) string {
	if b, err := os.ReadFile(s); err == nil {
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(s)
}

func dossierInit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	central := fs.String("central", "", "the central server's public key, or a file holding it")
	recovery := fs.String("recovery", "", "the administrator's recovery public key, or a file holding it")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *central == "" || *recovery == "" {
		return usageError{errors.New("--central and --recovery are required")}
	}
	var s volunteer.Setup
	var err error
	if s.Central, err = seal.ParseCentralPublicKey(keyArg(*central)); err != nil {
		return usageError{fmt.Errorf("--central: %w", err)}
	}
	if s.Recovery, err = vault.ParseRecoveryPublicKey(keyArg(*recovery)); err != nil {
		return usageError{fmt.Errorf("--recovery: %w", err)}
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	defer clear(pass)
	w, err := volunteer.Init(*data, pass, s, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintln(stdout, "OK:", *data)
	return nil
}

func dossierNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	catFile := fs.String("catalog", "", "catalogue file (default: the bundled sample)")
	code := fs.String("procedure", "", "procedure code, e.g. 1.001193")
	caseN := fs.Int("case", 1, "which case of the procedure, counting from 1")
	var p dossier.Person
	fs.StringVar(&p.FullName, "name", "", "the villager's full name")
	fs.StringVar(&p.BirthDate, "birth", "", "date of birth, YYYY-MM-DD")
	fs.StringVar(&p.Gender, "gender", "", "nam or nữ")
	fs.StringVar(&p.IDNumber, "id-number", "", "12-digit personal ID number")
	fs.StringVar(&p.Phone, "phone", "", "phone number")
	fs.StringVar(&p.Address, "address", "", "address")
	request := fs.String("request", "", "what the villager asks for")
	notes := fs.String("notes", "", "the volunteer's notes")
	consent := fs.Bool("consent", false, "the villager consented to the processing of their data")
	consentForm := fs.String("consent-form", "", "photo of the signed consent form")
	var g dossier.Guardian
	fs.StringVar(&g.FullName, "guardian", "", "guardian's full name, for a villager under 18")
	fs.StringVar(&g.IDNumber, "guardian-id", "", "guardian's personal ID number")
	fs.StringVar(&g.Relation, "guardian-relation", "", "cha, mẹ, người giám hộ")
	var have, attach repeated
	fs.Var(&have, "have", "a required paper the villager has (repeatable)")
	fs.Var(&attach, "attach", "photo or scan of a paper (repeatable)")
	paper := fs.String("paper", "", "the paper the --attach photos show")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *code == "" {
		return usageError{errors.New("--procedure is required")}
	}
	cat := catalog.Sample()
	if *catFile != "" {
		var err error
		if cat, err = catalog.Load(*catFile); err != nil {
			return err
		}
	}
	var proc *catalog.Procedure
	for i := range cat.Procedures {
		if cat.Procedures[i].Code == *code {
			proc = &cat.Procedures[i]
		}
	}
	if proc == nil {
		return fmt.Errorf("no procedure %s in the catalogue; try: dinhd catalog search", *code)
	}
	if *caseN < 1 || *caseN > len(proc.Cases) {
		return usageError{fmt.Errorf("--case must be 1 to %d for %s", len(proc.Cases), proc.Code)}
	}
	c := proc.Cases[*caseN-1]
	var papers []string
	for _, pp := range c.Papers {
		papers = append(papers, pp.Name)
	}
	for _, h := range have {
		found := false
		for _, pp := range papers {
			found = found || pp == h
		}
		if !found {
			return usageError{fmt.Errorf("--have %q is not a paper of this case; its papers are: %s", h, strings.Join(papers, "; "))}
		}
	}
	w, err := openUnlocked(*data, *passFile)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Desk.Create(proc.Code, proc.Name, c.Name, papers)
	if err != nil {
		return err
	}
	d.Villager = p
	d.Answers[dossier.QuestionRequest] = *request
	d.Notes = *notes
	for i := range d.Papers {
		for _, h := range have {
			d.Papers[i].Have = d.Papers[i].Have || d.Papers[i].Name == h
		}
	}
	if *consent {
		d.Consent.Given, d.Consent.At = true, time.Now()
	}
	if g.FullName != "" {
		d.Consent.Guardian = &g
	}
	if err := w.Desk.Save(d); err != nil {
		return err
	}
	fmt.Fprintln(stdout, d.ID)
	attachAll := func(kind, paper string, paths []string) error {
		if len(paths) == 0 {
			return nil
		}
		res, err := w.Desk.Attach(ctx, d.ID, kind, paper, paths, func(done, total int) {
			fmt.Fprintf(stderr, "ảnh %d/%d\n", done, total)
		})
		if err != nil {
			return err
		}
		var failed []error
		for _, r := range res {
			if r.Err != nil {
				failed = append(failed, fmt.Errorf("%s: %w", filepath.Base(r.Path), r.Err))
			}
		}
		return errors.Join(failed...)
	}
	if err := attachAll(dossier.KindPaper, *paper, attach); err != nil {
		return err
	}
	if *consentForm != "" {
		if err := attachAll(dossier.KindConsent, "", []string{*consentForm}); err != nil {
			return err
		}
	}
	if d, err = w.Desk.Load(d.ID); err != nil {
		return err
	}
	for _, pr := range d.Check() {
		fmt.Fprintln(stderr, "còn thiếu:", pr.Label("vi"))
	}
	return nil
}

func dossierList(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the outbox entries as JSON")
	lang := langFlag(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	w, err := volunteer.Open(*data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := w.Desk.List()
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []outbox.Entry{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	for _, e := range list {
		initials := e.Initials
		if initials == "" {
			initials = "—"
		}
		fmt.Fprintf(stdout, "%s  %-10s  %-5s  %s  %s\n", e.ID, e.Procedure, initials, e.Created.Local().Format("2006-01-02 15:04"), e.State.Label(*lang))
	}
	return nil
}

func dossierSeal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier seal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase (default: standard input)")
	lang := langFlag(fs)
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError{err}
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	if len(ids) != 1 {
		return usageError{errors.New("give one dossier ID")}
	}
	w, err := openUnlocked(*data, *passFile)
	if err != nil {
		return err
	}
	defer w.Close()
	e, err := w.Desk.Seal(ctx, ids[0], nil)
	var inc *dossier.IncompleteError
	if errors.As(err, &inc) {
		for _, p := range inc.Problems {
			fmt.Fprintln(stderr, "-", p.Label(*lang))
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s  %s  %s\n", e.ID, e.State.Label(*lang), filepath.Join(*data, "outbox", e.SealedPath))
	return nil
}
