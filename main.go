// Command dinh is Đình's desktop app: paperless meeting rooms on the LAN,
// in Vietnamese first and English too. `go run .` opens it; `--demo` hosts
// the embedded demo meeting in the same process and finds it on loopback.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	fyneapp "fyne.io/fyne/v2/app"

	"dinh/app"
	"dinh/sync/discovery"
)

type ifaceFlag []string

func (f *ifaceFlag) String() string     { return fmt.Sprint(*f) }
func (f *ifaceFlag) Set(s string) error { *f = append(*f, s); return nil }

func main() {
	demo := flag.Bool("demo", false, "host the embedded demo meeting in this process (mDNS on loopback)")
	data := flag.String("data", "", "data folder (default: the user's data folder)")
	var ifn ifaceFlag
	flag.Var(&ifn, "iface", "network interface for mDNS (repeatable; default: every multicast interface)")
	flag.Parse()

	if *demo && len(ifn) == 0 {
		ifn = ifaceFlag{"lo"} // the demo never announces beyond this machine
	}
	ifaces, err := discovery.Interfaces(ifn)
	if err != nil {
		fail(err)
	}
	if *data == "" {
		*data = defaultData(*demo)
	}
	a := fyneapp.NewWithID("vn.dinh.app")
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := app.Run(a, app.Config{DataDir: *data, Ifaces: ifaces, Demo: *demo, Log: log}); err != nil {
		fail(err)
	}
}

func defaultData(demo bool) string {
	base, err := os.UserConfigDir()
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		base, err = d, nil
	}
	if err != nil {
		base = "."
	}
	if demo {
		return filepath.Join(base, "dinh-demo")
	}
	return filepath.Join(base, "dinh")
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "dinh: %v\n", err)
	os.Exit(1)
}
