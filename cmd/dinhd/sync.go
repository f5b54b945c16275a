package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/province"
)

const syncUsage = `Usage:
  dinhd hub --listen tcp://HOST:PORT --commune CODE --peer ID=tcp://HOST:PORT... [--data DIR]
  dinhd central init [--data DIR]
  dinhd central run --listen tcp://HOST:PORT --hub CODE,ID,tcp://HOST:PORT... [--http HOST:PORT] [--data DIR]
  dinhd central devices add ID [--name NAME] | remove ID | list   [--data DIR]
  dinhd central status set RECEIPT processing|result-ready|returned [--data DIR]
  dinhd central catalog publish FILE [--data DIR]
  dinhd dossier join --listen tcp://HOST:PORT --commune CODE --hub ID=tcp://HOST:PORT --central ID [--data DIR]
  dinhd dossier sync [--listen … --commune … --hub … --central …]
        [--until-receipted] [--timeout DURATION] [--data DIR]

hub      a commune hub: stores and forwards the commune's sealed dossiers and
         central's receipts between the volunteers' devices and central. Stock
         Syncthing can play the same role with the same folders.
central  the province server: enrolled devices only, each dossier ingested once
         with a receipt, status updates, the catalogue, and a status API for
         kiosks (GET /api/v1/dossiers/RECEIPT). While it runs, the other
         central commands reach it through DATA/admin.sock.
join     keeps a volunteer device's sync settings (DATA/sync.json) and prints
         the device ID that the administrator enrols.
sync     a volunteer's device: hands sealed dossiers to the hub, records
         receipts and takes new catalogues; it needs no passphrase (sealed
         dossiers are unreadable). Without flags it uses join's settings.
         It prints each delivery, receipt and status update as it comes
         ("delivered ID", "receipted ID RECEIPT", "status RECEIPT STATUS").
         --timeout ends the session; only with --until-receipted is a
         dossier still without its receipt then an error.

Every address is explicit: no discovery servers, relays or NAT traversal.
`

var (
	communeFolder  = province.CommuneFolder
	receiptsFolder = province.ReceiptsFolder
)

const catalogFolder = province.CatalogFolder

// peerFlag parses ID=ADDR (or an ID alone, for a peer that dials in).
func parsePeer(s string) (mesh.Peer, error) {
	id, addr, _ := strings.Cut(s, "=")
	canon, err := mesh.ParseID(id)
	if err != nil {
		return mesh.Peer{}, usageError{err}
	}
	return mesh.Peer{ID: canon, Addr: addr}, nil
}

func logger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func hubCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultData("hub"), "the hub's data folder")
	listen := fs.String("listen", "", "address to accept devices and central on, tcp://HOST:PORT")
	var communes, peers repeated
	fs.Var(&communes, "commune", "commune code (repeatable)")
	fs.Var(&peers, "peer", "a device or central: ID=tcp://HOST:PORT, or ID if it dials in (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *listen == "" || len(communes) == 0 || len(peers) == 0 {
		return usageError{errors.New("--listen, --commune and --peer are required")}
	}
	var ps []mesh.Peer
	var ids []string
	for _, p := range peers {
		peer, err := parsePeer(p)
		if err != nil {
			return err
		}
		ps = append(ps, peer)
		ids = append(ids, peer.ID)
	}
	for i, c := range communes {
		var err error
		if communes[i], err = province.ParseCommune(c); err != nil {
			return usageError{fmt.Errorf("--commune %q: %w", c, err)}
		}
	}
	folders := province.HubFolders(*data, communes, ids)
	n, err := mesh.Start(ctx, mesh.Config{Dir: filepath.Join(*data, "mesh"), Listen: *listen, Peers: ps, Folders: folders, Log: logger(stderr)})
	if err != nil {
		return err
	}
	defer n.Close()
	fmt.Fprintln(stdout, "hub", n.ID())
	<-ctx.Done()
	return nil
}

func centralCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// The administrator's commands take their own name as the first
	// argument.
	admin := func(name string) subcommand {
		return subcommand{name, noContext(func(args []string, stdout, stderr io.Writer) error {
			return centralAdmin(append([]string{name}, args...), stdout, stderr)
		})}
	}
	return dispatch(ctx, args, stdout, stderr, syncUsage, []subcommand{
		{"init", noContext(centralInit)},
		{"run", centralRun},
		admin("devices"), admin("status"), admin("catalog"),
	})
}

func centralData(fs *flag.FlagSet) *string {
	return fs.String("data", defaultData("central"), "central's data folder")
}

func centralInit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("central init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := centralData(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	keyFile := filepath.Join(*data, "central.key")
	if _, err := os.Stat(keyFile); err == nil {
		return fmt.Errorf("%s exists; central's key is never overwritten", keyFile)
	}
	pub, priv, err := seal.GenerateCentralKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, []byte(priv.String()+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*data, "central.pub"), []byte(pub.String()+"\n"), 0o644); err != nil {
		return err
	}
	id, err := mesh.Identity(filepath.Join(*data, "mesh"))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "device", id)
	fmt.Fprintln(stdout, "central.pub", pub.String())
	return nil
}

func loadCentralKey(data string) (seal.CentralPrivateKey, error) {
	b, err := os.ReadFile(filepath.Join(data, "central.key"))
	if err != nil {
		return seal.CentralPrivateKey{}, fmt.Errorf("no central key in %s; run dinhd central init first: %w", data, err)
	}
	return seal.ParseCentralPrivateKey(strings.TrimSpace(string(b)))
}

func centralRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("central run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := centralData(fs)
	listen := fs.String("listen", "", "address to accept hubs on, tcp://HOST:PORT")
	httpAddr := fs.String("http", "127.0.0.1:8480", "address of the status API")
	var hubs repeated
	fs.Var(&hubs, "hub", "a commune hub: CODE,ID,tcp://HOST:PORT (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *listen == "" || len(hubs) == 0 {
		return usageError{errors.New("--listen and --hub are required")}
	}
	key, err := loadCentralKey(*data)
	if err != nil {
		return err
	}
	var hs []province.Hub
	var ps []mesh.Peer
	for _, h := range hubs {
		parts := strings.SplitN(h, ",", 3)
		if len(parts) != 3 {
			return usageError{fmt.Errorf("--hub %q: want CODE,ID,tcp://HOST:PORT", h)}
		}
		code, err := province.ParseCommune(parts[0])
		if err != nil {
			return usageError{fmt.Errorf("--hub %q: %w", h, err)}
		}
		id, err := mesh.ParseID(parts[1])
		if err != nil {
			return usageError{err}
		}
		hs = append(hs, province.Hub{Commune: code, ID: id})
		ps = append(ps, mesh.Peer{ID: id, Addr: parts[2]})
	}
	folders := province.CentralFolders(*data, hs)
	st, err := store.Open(filepath.Join(*data, "store"))
	if err != nil {
		return err
	}
	defer st.Close()
	log := logger(stderr)
	n, err := mesh.Start(ctx, mesh.Config{Dir: filepath.Join(*data, "mesh"), Listen: *listen, Peers: ps, Folders: folders, Log: log})
	if err != nil {
		return err
	}
	defer n.Close()
	var cs []*central.Central
	for _, h := range hs {
		cs = append(cs, central.New(central.Config{Store: st, Key: key, Node: n,
			CommuneID: communeFolder(h.Commune), CommuneDir: filepath.Join(*data, communeFolder(h.Commune)),
			ReceiptsID: receiptsFolder(h.Commune), ReceiptsDir: filepath.Join(*data, receiptsFolder(h.Commune)),
			CatalogID: catalogFolder, CatalogDir: filepath.Join(*data, catalogFolder),
			DataDir: *data, Log: log}))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, c := range cs {
		wg.Add(1)
		go func() { defer wg.Done(); c.Run(ctx) }()
	}
	api := &http.Server{Handler: cs[0].Handler(), ReadHeaderTimeout: 5 * time.Second}
	l, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return fmt.Errorf("status API: %w", err)
	}
	sock := filepath.Join(*data, "admin.sock")
	os.Remove(sock)
	al, err := net.Listen("unix", sock)
	if err != nil {
		l.Close()
		return fmt.Errorf("admin socket: %w", err)
	}
	os.Chmod(sock, 0o600)
	admin := &http.Server{Handler: cs[0].AdminHandler(mesh.ParseID), ReadHeaderTimeout: 5 * time.Second}
	wg.Add(2)
	go func() { defer wg.Done(); api.Serve(l) }()
	go func() { defer wg.Done(); admin.Serve(al) }()
	fmt.Fprintln(stdout, "central", n.ID(), "status API http://"+l.Addr().String())
	<-ctx.Done()
	api.Close()
	admin.Close()
	return nil
}

// centralAdmin runs devices/status/catalog on the store, or through the
// running central's admin socket when central holds the store.
func centralAdmin(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("central "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := centralData(fs)
	name := fs.String("name", "", "a name for the device, like the team's village")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return usageError{err}
	}
	var req central.AdminRequest
	switch {
	case args[0] == "devices" && len(pos) == 2 && pos[0] == "add":
		req = central.AdminRequest{Op: "enroll", Device: pos[1], Name: *name}
	case args[0] == "devices" && len(pos) == 2 && pos[0] == "remove":
		req = central.AdminRequest{Op: "remove", Device: pos[1]}
	case args[0] == "devices" && len(pos) == 1 && pos[0] == "list":
		req = central.AdminRequest{Op: "devices"}
	case args[0] == "status" && len(pos) == 3 && pos[0] == "set":
		req = central.AdminRequest{Op: "status", Code: pos[1], Status: pos[2]}
	case args[0] == "catalog" && len(pos) == 2 && pos[0] == "publish":
		abs, _ := filepath.Abs(pos[1])
		req = central.AdminRequest{Op: "catalog", File: abs}
	default:
		fmt.Fprint(stderr, syncUsage)
		return usageError{fmt.Errorf("central %s %s: not understood", args[0], strings.Join(pos, " "))}
	}
	var rep central.AdminReply
	st, err := store.Open(filepath.Join(*data, "store"))
	switch {
	case err == nil:
		c := central.New(central.Config{Store: st, ReceiptsDir: "", CatalogID: catalogFolder, CatalogDir: filepath.Join(*data, catalogFolder), DataDir: *data})
		if req.Op == "status" {
			st.Close()
			return errors.New("dinhd central is not running: start it, so that the status reaches the device")
		}
		rep = c.Admin(req, mesh.ParseID)
		st.Close()
	case errors.Is(err, store.ErrLocked):
		rep, err = viaSocket(filepath.Join(*data, "admin.sock"), req)
		if err != nil {
			return err
		}
	default:
		return err
	}
	if rep.Error != "" {
		return errors.New(rep.Error)
	}
	for _, d := range rep.Devices {
		fmt.Fprintf(stdout, "%s  %s  %s\n", d.ID, d.Added.Local().Format("2006-01-02"), d.Name)
	}
	if rep.Record != nil {
		last := rep.Record.History[len(rep.Record.History)-1]
		fmt.Fprintf(stdout, "%s  %s  %s\n", rep.Record.Code, last.Status, last.At.Local().Format(time.RFC3339))
	}
	return nil
}

func viaSocket(sock string, req central.AdminRequest) (central.AdminReply, error) {
	var rep central.AdminReply
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(req)
	resp, err := client.Post("http://central/admin", "application/json", bytes.NewReader(body))
	if err != nil {
		return rep, fmt.Errorf("central's store is in use, and its admin socket does not answer: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// dossierJoin keeps a device's sync settings and prints its device ID for
// the administrator to enrol.
func dossierJoin(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier join", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	s, err := settingsFlags(fs, args)
	if err != nil {
		return err
	}
	if s, err = field.SaveSettings(*data, s); err != nil {
		return usageError{err}
	}
	id, err := field.DeviceID(*data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "device %s\ncommune %s, hub %s at %s\n", id, s.Commune, s.Hub, s.HubAddr)
	return nil
}

func settingsFlags(fs *flag.FlagSet, args []string) (field.Settings, error) {
	var s field.Settings
	fs.StringVar(&s.Listen, "listen", "", "address to accept the hub on, tcp://HOST:PORT")
	fs.StringVar(&s.Commune, "commune", "", "commune code")
	hubArg := fs.String("hub", "", "the commune hub: ID=tcp://HOST:PORT")
	fs.StringVar(&s.Central, "central", "", "central's device ID (only its receipts count)")
	if err := fs.Parse(args); err != nil {
		return s, usageError{err}
	}
	if *hubArg != "" {
		s.Hub, s.HubAddr, _ = strings.Cut(*hubArg, "=")
	}
	return s, nil
}

// dossierSync runs a volunteer's side of the sync, with the settings
// given or the ones join kept.
func dossierSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dossier sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	until := fs.Bool("until-receipted", false, "stop once every sealed dossier has its receipt")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: never)")
	s, err := settingsFlags(fs, args)
	if err != nil {
		return err
	}
	if s == (field.Settings{}) {
		if s, err = field.LoadSettings(*data); errors.Is(err, field.ErrNoSettings) {
			return usageError{errors.New("give --listen, --commune, --hub and --central, or run dossier join first")}
		}
	} else {
		s, err = s.Check()
	}
	if err != nil {
		return usageError{err}
	}
	w, err := volunteer.Open(*data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	d, err := field.StartDevice(ctx, field.DeviceConfig{Dir: *data, Settings: s, Outbox: w.Outbox, Log: logger(stderr), Interval: time.Second})
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(stdout, "device", d.ID())
	seen := news{}
	seen.report(w.Outbox, io.Discard)
	for {
		changed := d.Changed()
		seen.report(w.Outbox, stdout)
		c := w.Outbox.Counts()
		waiting := c[outbox.Sealed] + c[outbox.Queued] + c[outbox.Delivered]
		if *until && waiting == 0 {
			fmt.Fprintf(stdout, "receipted %d\n", c[outbox.Receipted])
			return nil
		}
		select {
		case <-ctx.Done():
			if *until {
				return fmt.Errorf("%d dossiers still without a receipt: %w", waiting, ctx.Err())
			}
			// A session of a set length (or one stopped by the user) ends
			// well; what is still on its way is said, not failed.
			fmt.Fprintf(stdout, "receipted %d, waiting %d\n", c[outbox.Receipted], waiting)
			return nil
		case <-changed:
		}
	}
}

// news remembers what a sync session last saw of each dossier, so that
// it prints each delivery, receipt and status update once, as it comes:
//
//	delivered ID
//	receipted ID RECEIPT
//	status RECEIPT result-ready
type news map[string]outbox.Entry

func (n news) report(o *outbox.Outbox, w io.Writer) {
	entries, _ := o.List() // an unreadable entry is reported by dossier list
	for _, e := range entries {
		old, known := n[e.ID]
		n[e.ID] = e
		if known && old.State == e.State && len(old.Progress) == len(e.Progress) {
			continue
		}
		if e.State == outbox.Delivered && (!known || old.State != outbox.Delivered) {
			fmt.Fprintln(w, "delivered", e.ID)
		}
		if e.Receipt != "" && (!known || old.Receipt == "") {
			fmt.Fprintln(w, "receipted", e.ID, e.Receipt)
		}
		for _, p := range e.Progress[min(len(old.Progress), len(e.Progress)):] {
			fmt.Fprintln(w, "status", e.Receipt, p.Status)
		}
	}
}
