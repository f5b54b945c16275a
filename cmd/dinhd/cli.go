package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"

	"dinh/internal/i18n"
	"dinh/sync/province"
)

// cli is dinhd's grammar. Every help text is a ${variable} that newParser
// fills from the catalogue of words (cli.h.* keys), in the run's language.
type cli struct {
	Lang    string `help:"${h_lang}" enum:"vi,en" default:"${lang}" placeholder:"vi|en"`
	Verbose bool   `help:"${h_verbose}"`

	Help    helpCmd    `cmd:"" help:"${h_help}"`
	Host    hostCmd    `cmd:"" help:"${h_host}"`
	Join    joinCmd    `cmd:"" help:"${h_join}"`
	Verify  verifyCmd  `cmd:"" help:"${h_verify}"`
	Catalog catalogCmd `cmd:"" help:"${h_catalog}"`
	Dossier dossierCmd `cmd:"" help:"${h_dossier}"`
	Hub     hubGroup   `cmd:"" help:"${h_hub}"`
	Central centralCmd `cmd:"" help:"${h_central}"`
}

type catalogCmd struct {
	Search   catalogSearchCmd   `cmd:"" help:"${h_catalog_search}"`
	Validate catalogValidateCmd `cmd:"" help:"${h_catalog_validate}"`
}

type dossierCmd struct {
	Init dossierInitCmd `cmd:"" help:"${h_dossier_init}"`
	New  dossierNewCmd  `cmd:"" help:"${h_dossier_new}"`
	List dossierListCmd `cmd:"" help:"${h_dossier_list}"`
	Seal dossierSealCmd `cmd:"" help:"${h_dossier_seal}"`
	Join dossierJoinCmd `cmd:"" help:"${h_dossier_join}"`
	Sync dossierSyncCmd `cmd:"" help:"${h_dossier_sync}"`

	Rekey dossierRekeyCmd `cmd:"" help:"${h_dossier_rekey}"`
}

type hubGroup struct {
	Init hubInitCmd `cmd:"" help:"${h_hub_init}"`
	Run  hubCmd     `cmd:"" default:"withargs" help:"${h_hub_run}"`
}

type centralCmd struct {
	Init    centralInitCmd `cmd:"" help:"${h_central_init}"`
	Run     centralRunCmd  `cmd:"" help:"${h_central_run}"`
	Devices struct {
		Add    centralDeviceAddCmd    `cmd:"" help:"${h_central_devices_add}"`
		Remove centralDeviceRemoveCmd `cmd:"" help:"${h_central_devices_remove}"`
		List   centralDeviceListCmd   `cmd:"" help:"${h_central_devices_list}"`
	} `cmd:"" help:"${h_central_devices}"`
	Status struct {
		Set centralStatusSetCmd `cmd:"" help:"${h_central_status_set}"`
	} `cmd:"" help:"${h_central_status}"`
	Catalog struct {
		Publish centralCatalogPublishCmd `cmd:"" help:"${h_central_catalog_publish}"`
	} `cmd:"" help:"${h_central_catalog}"`
}

// env is what every command's Run receives: the run's output streams and
// its language. Commands that run until stopped also take the run's
// context.
type env struct {
	stdout, stderr io.Writer
	lang           string
	verbose        bool // the services' logs on standard error too
}

// T is the message for key (below "cli.") in the run's language.
func (e *env) T(key string, args ...any) string { return i18n.In(e.lang, "cli."+key, args...) }

// helpCmd prints the help of the command it names, or dinhd's own with the
// exit codes.
type helpCmd struct {
	Command []string `sep:"none" arg:"" optional:"" help:"${h_help_command}"`
}

func (h *helpCmd) Run(ctx context.Context, e *env) error {
	args := append(append([]string{}, h.Command...), "--help", "--lang", e.lang)
	code := run(ctx, args, e.stdout, e.stderr)
	if code != 0 {
		return exitError{code: code}
	}
	return nil
}

func newParser(ctx context.Context, c *cli, e *env) (*kong.Kong, error) {
	vars := kong.Vars{"lang": e.lang, "listen_hub": province.DefaultHubListen, "listen_central": province.DefaultCentralListen}
	for _, role := range []string{"host", "delegate", "volunteer", "hub", "central"} {
		vars["data_"+role] = defaultData(role)
	}
	for k, v := range i18n.Table(e.lang, "cli.h.") {
		vars["h_"+strings.NewReplacer(".", "_", "-", "_").Replace(k)] = v
	}
	return kong.New(c,
		kong.Name("dinhd"),
		kong.Description(e.T("description")),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(code int) { panic(exited(code)) }),
		kong.Vars(vars),
		kong.Bind(e),
		kong.BindTo(ctx, (*context.Context)(nil)),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
		kong.Help(func(options kong.HelpOptions, k *kong.Context) error { return e.help(options, k) }),
	)
}

// help is kong's help with its headings in the run's language, and the
// exit codes at the top level.
func (e *env) help(options kong.HelpOptions, k *kong.Context) error {
	var b bytes.Buffer
	out := k.Stdout
	k.Stdout = &b
	err := kong.DefaultHelpPrinter(options, k)
	k.Stdout = out
	if err != nil {
		return err
	}
	text := b.String()
	for _, w := range []string{"Usage:", "Arguments:", "Flags:", "Commands:"} {
		text = strings.ReplaceAll(text, "\n"+w+"\n", "\n"+e.T("help."+strings.TrimSuffix(w, ":"))+"\n")
		text = strings.Replace(text, w+" ", e.T("help."+strings.TrimSuffix(w, ":"))+" ", 1)
	}
	if usage, rest, ok := strings.Cut(text, "\n"); ok {
		usage = strings.NewReplacer("<command>", e.T("help.command"), "[flags]", e.T("help.flagsWord")).Replace(usage)
		text = usage + "\n" + rest
	}
	text = strings.ReplaceAll(text, "Show context-sensitive help.", e.T("h.help-flag"))
	text = strings.ReplaceAll(text, `Run "dinhd <command> --help" for more information on a command.`, e.T("help.more"))
	if k.Selected() == nil || k.Selected().Name == "help" {
		text += "\n" + e.T("help.exit") + "\n"
	}
	_, err = io.WriteString(out, text)
	return err
}

// defaultData is a role's data folder when --data is not given.
func defaultData(role string) string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return d + "/dinh/" + role
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".dinh-" + role
	}
	return home + "/.local/share/dinh/" + role
}
