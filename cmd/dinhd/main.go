// Command dinhd is Đình without a screen: it hosts a meeting folder on the
// LAN or joins one, verifies signed PDFs, searches the catalogue, records a
// volunteer's dossiers, and runs a commune hub or the province's central
// server. It imports no Fyne and runs on a server with no display and no
// libGL.
//
// It is a shell: the grammar below is kong's, run by internal/cli in one
// language; every word it prints comes from assets/i18n (cli.*.json); each
// command parses its flags and calls the packages that do the work.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"dinh/internal/cli"
	"dinh/sync/province"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes besides cli's 0, 1 and 2, listed in `dinhd help`.
const (
	exitNoPDF = 3 // verify: the file is not a PDF at all

	// dossier sync --until-receipted, when its time is up: why the
	// dossiers are still waiting.
	exitHubUnreachable = 4 // nothing answers at the hub's address
	exitNotEnrolled    = 5 // the hub answers but does not let this device in
	exitAtHub          = 6 // delivered to the hub, waiting for central's receipt
	exitDamaged        = 7 // a sealed file is damaged: dossier seal ID seals it again
	exitRejected       = 8 // central refused a dossier: dossier list says why and what to do
)

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	vars := kong.Vars{"listen_hub": province.DefaultHubListen, "listen_central": province.DefaultCentralListen}
	for _, role := range []string{"host", "delegate", "volunteer", "hub", "central"} {
		vars["data_"+role] = cli.DataDir(role)
	}
	p := cli.Program{Name: "dinhd", Grammar: func() cli.Grammar { return &grammar{} }, Vars: vars, Hint: passphraseHint}
	return p.Run(ctx, args, stdout, stderr)
}

// passphraseHint tells someone who gives the passphrase as an argument why
// that is refused.
func passphraseHint(e *cli.Env, msg string) string {
	if strings.Contains(msg, "--passphrase") && !strings.Contains(msg, "--passphrase-file:") {
		msg += "\n" + e.T("dossier.passFlag")
	}
	return msg
}

// grammar is dinhd's. Every help text is a ${variable} that cli fills
// from the catalogue of words (cli.h.* keys), in the run's language.
type grammar struct {
	cli.Globals

	Help    cli.HelpCmd `cmd:"" help:"${h_help}"`
	Host    hostCmd     `cmd:"" help:"${h_host}"`
	Join    joinCmd     `cmd:"" help:"${h_join}"`
	Verify  verifyCmd   `cmd:"" help:"${h_verify}"`
	Catalog struct {
		Search   catalogSearchCmd   `cmd:"" help:"${h_catalog_search}"`
		Validate catalogValidateCmd `cmd:"" help:"${h_catalog_validate}"`
	} `cmd:"" help:"${h_catalog}"`
	Dossier struct {
		Init  dossierInitCmd  `cmd:"" help:"${h_dossier_init}"`
		New   dossierNewCmd   `cmd:"" help:"${h_dossier_new}"`
		List  dossierListCmd  `cmd:"" help:"${h_dossier_list}"`
		Seal  dossierSealCmd  `cmd:"" help:"${h_dossier_seal}"`
		Join  dossierJoinCmd  `cmd:"" help:"${h_dossier_join}"`
		Sync  dossierSyncCmd  `cmd:"" help:"${h_dossier_sync}"`
		Rekey dossierRekeyCmd `cmd:"" help:"${h_dossier_rekey}"`
	} `cmd:"" help:"${h_dossier}"`
	Hub struct {
		Init hubInitCmd `cmd:"" help:"${h_hub_init}"`
		Run  hubCmd     `cmd:"" default:"withargs" help:"${h_hub_run}"`
	} `cmd:"" help:"${h_hub}"`
	Central struct {
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
	} `cmd:"" help:"${h_central}"`
}
