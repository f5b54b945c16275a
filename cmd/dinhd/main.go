// Command dinhd is Đình without a screen: it hosts a meeting folder on the
// LAN, or joins a meeting and saves it to a folder. It imports no Fyne and
// runs on a server with no display and no libGL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/discovery"
)

const usage = `dinhd — Đình without a screen

Usage:
  dinhd host --meeting DIR [--addr HOST:PORT] [--data DIR] [--iface NAME]...
  dinhd host --demo [--addr HOST:PORT] [--data DIR] [--iface NAME]...
  dinhd join [--meeting ID] [--pin FINGERPRINT] --out DIR [--data DIR] [--iface NAME]...
  dinhd verify FILE.pdf [--roots DIR] [--json] [--lang vi|en]
  dinhd catalog search QUERY... [--file CATALOG.json] [--limit N] [--json] [--lang vi|en]
  dinhd catalog validate FILE.json
  dinhd dossier keygen|init|new|list|seal|sync ...   (dinhd dossier help)
  dinhd hub ... ; dinhd central init|run|devices|status|catalog ...   (dinhd central help)

host   publishes a meeting folder (meeting.json plus PDFs) on the LAN over
       HTTPS and announces it with mDNS; edits to the folder are republished.
join   finds the meeting on the LAN, verifies the host and the signed
       package, downloads every document and writes the agenda (agenda.json)
       and the PDFs into the output folder.
verify prints the verdict of every digital signature inside a PDF, checked
       offline against the root certificates in --roots; it exits 0 only when
       every signature is valid.
catalog searches or validates the catalogue of administrative procedures.
dossier records villagers' cases offline, encrypted, and seals them for the
       central server (a community digital technology team's work).

--iface chooses the interfaces mDNS uses; it may be repeated. Without it,
every interface that is up and supports multicast is used.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	// A subcommand asked for help prints its flags on standard output and
	// succeeds, as Go's tools do; a wrong flag prints them on standard error.
	help := wantsHelp(args[1:])
	if help {
		stderr = stdout
	}
	var err error
	switch args[0] {
	case "host":
		err = hostCmd(ctx, args[1:], stdout, stderr)
	case "join":
		err = joinCmd(ctx, args[1:], stdout, stderr)
	case "verify":
		err = verifyCmd(ctx, args[1:], stdout, stderr)
	case "catalog":
		err = catalogCmd(ctx, args[1:], stdout, stderr)
	case "dossier":
		err = dossierCmd(ctx, args[1:], stdout, stderr)
	case "hub":
		err = hubCmd(ctx, args[1:], stdout, stderr)
	case "central":
		err = centralCmd(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "dinhd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil, help && errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(errNotAllValid)):
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "dinhd %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "dinhd %s: %v\n", args[0], err)
		return 1
	}
}

type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// wantsHelp is true when args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// ifaceFlag collects repeated --iface values.
type ifaceFlag []string

func (f *ifaceFlag) String() string     { return fmt.Sprint(*f) }
func (f *ifaceFlag) Set(s string) error { *f = append(*f, s); return nil }

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

// openDevice resolves the mDNS interfaces and opens the data folder.
func openDevice(ifn []string, data string) ([]net.Interface, *store.Store, *blob.Store, error) {
	ifaces, err := discovery.Interfaces(ifn)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := store.Open(data)
	if err != nil {
		return nil, nil, nil, err
	}
	blobs, err := blob.Open(filepath.Join(data, "blobs"))
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return ifaces, st, blobs, nil
}
