package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"dinh/internal/logfile"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/hub"
	"dinh/sync/mesh"
	"dinh/sync/province"
	"dinh/sync/receipt"
)

// logger is a service's log (package logfile).
func (e *env) logger(data, role string) (*slog.Logger, func()) {
	return logfile.Open(data, role, e.stderr, e.verbose)
}

type hubCmd struct {
	Listen  string   `help:"${h_hub_listen}" default:"${listen_hub}"`
	Commune []string `sep:"none" help:"${h_hub_commune}" placeholder:"CODE" required:""`
	Central string   `help:"${h_hub_central}" placeholder:"ID=tcp://HOST:PORT" required:""`
	Peer    []string `sep:"none" help:"${h_hub_peer}" placeholder:"ID[=tcp://HOST:PORT]"`
	Data    string   `help:"${h_data}" default:"${data_hub}" placeholder:"DIR"`
}

func (c *hubCmd) Run(ctx context.Context, e *env) error {
	var peers []mesh.Peer
	for _, p := range c.Peer {
		peers = append(peers, mesh.ParsePeer(p))
	}
	cen := mesh.ParsePeer(c.Central)
	cen.Name = "central"
	log, closeLog := e.logger(c.Data, "hub")
	defer closeLog()
	h, err := hub.New(hub.Config{Dir: c.Data, Listen: c.Listen, Communes: c.Commune,
		Central: cen, Peers: peers, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "hub", h.ID())
	return h.Run(ctx)
}

type hubInitCmd struct {
	Data string `help:"${h_data}" default:"${data_hub}" placeholder:"DIR"`
}

// Run prints the hub's device ID, made on first use, without starting it:
// the administrator gives it to central and to the devices.
func (c *hubInitCmd) Run(e *env) error {
	id, err := mesh.Identity(filepath.Join(c.Data, "mesh"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "hub", id)
	return nil
}

type centralInitCmd struct {
	Data string `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

// Run makes the team's two key pairs in central's data folder, the one
// way to make them: central keeps central.key; the administrator takes
// recovery.key away; every device gets the two .pub files. It prints
// central's device ID and both public keys.
func (c *centralInitCmd) Run(e *env) error {
	_, err := volunteer.MakeAdminKeys(c.Data)
	var exists *volunteer.KeyExistsError
	if errors.As(err, &exists) {
		return errors.New(e.T("central.keyExists", exists.Path))
	}
	if err != nil {
		return err
	}
	cpriv, rpriv, err := volunteer.LoadAdminKeys(c.Data)
	if err != nil {
		return err
	}
	id, err := mesh.Identity(filepath.Join(c.Data, "mesh"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "device", id)
	fmt.Fprintln(e.stdout, "central.pub", cpriv.Public().String())
	fmt.Fprintln(e.stdout, "recovery.pub", rpriv.Public().String())
	fmt.Fprintln(e.stderr, e.T("central.keys", filepath.Join(c.Data, volunteer.RecoveryKey), filepath.Join(c.Data, volunteer.CentralPub), filepath.Join(c.Data, volunteer.RecoveryPub)))
	return nil
}

func (e *env) loadCentralKey(data string) (agekey.Private, error) {
	b, err := os.ReadFile(filepath.Join(data, volunteer.CentralKey))
	if err != nil {
		return agekey.Private{}, fmt.Errorf("%s: %w", e.T("central.noKey", data), err)
	}
	return agekey.ParsePrivate(string(b))
}

type centralRunCmd struct {
	Listen string   `help:"${h_central_listen}" default:"${listen_central}"`
	Hub    []string `sep:"none" help:"${h_central_hub}" placeholder:"CODE,ID,tcp://HOST:PORT" required:""`
	HTTP   string   `name:"http" help:"${h_central_http}" default:"127.0.0.1:8480" placeholder:"HOST:PORT"`
	Data   string   `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

func (c *centralRunCmd) Run(ctx context.Context, e *env) error {
	key, err := e.loadCentralKey(c.Data)
	if err != nil {
		return err
	}
	var hubs []central.HubPeer
	for _, h := range c.Hub {
		hp, err := central.ParseHub(h)
		if err != nil {
			return usageError{errors.New(e.T("central.hubFlag", h))}
		}
		hubs = append(hubs, hp)
	}
	log, closeLog := e.logger(c.Data, "central")
	defer closeLog()
	srv, err := central.NewServer(central.ServerConfig{Dir: c.Data, Key: key, Listen: c.Listen, Hubs: hubs,
		HTTP: c.HTTP, Admin: true, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "central", srv.ID(), "status API http://"+srv.APIAddr())
	return srv.Run(ctx)
}

// centralAdmin runs devices/status/catalog on the store, or through the
// running central's admin socket when central holds the store.
type centralData struct {
	Data string `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

type centralDeviceAddCmd struct {
	ID   string `arg:"" help:"${h_central_device_id}"`
	Name string `help:"${h_central_device_name}" placeholder:"NAME"`
	centralData
}

func (c *centralDeviceAddCmd) Run(e *env) error {
	return e.admin(c.Data, central.AdminRequest{Op: "enroll", Device: c.ID, Name: c.Name})
}

type centralDeviceRemoveCmd struct {
	ID string `arg:"" help:"${h_central_device_id}"`
	centralData
}

func (c *centralDeviceRemoveCmd) Run(e *env) error {
	return e.admin(c.Data, central.AdminRequest{Op: "remove", Device: c.ID})
}

type centralDeviceListCmd struct{ centralData }

func (c *centralDeviceListCmd) Run(e *env) error {
	return e.admin(c.Data, central.AdminRequest{Op: "devices"})
}

type centralStatusSetCmd struct {
	Receipt string `arg:"" help:"${h_central_receipt}"`
	Status  string `arg:"" help:"${h_central_status_value}" enum:"processing,result-ready,returned"`
	centralData
}

func (c *centralStatusSetCmd) Run(e *env) error {
	code, err := receipt.CheckCode(c.Receipt)
	switch {
	case errors.Is(err, receipt.ErrCodeTypo):
		return usageError{errors.New(e.T("central.codeTypo", c.Receipt))}
	case err != nil:
		return usageError{errors.New(e.T("central.notCode", c.Receipt))}
	}
	return e.admin(c.Data, central.AdminRequest{Op: "status", Code: code, Status: c.Status})
}

type centralCatalogPublishCmd struct {
	File string `arg:"" help:"${h_central_catalog_file}" type:"path"`
	centralData
}

func (c *centralCatalogPublishCmd) Run(e *env) error {
	return e.admin(c.Data, central.AdminRequest{Op: "catalog", File: c.File})
}

// admin runs an administrator's request on central's store, or through the
// running central's admin socket when central holds the store.
func (e *env) admin(data string, req central.AdminRequest) error {
	rep, err := central.AdminIn(data, req, mesh.ParseID)
	switch {
	case errors.Is(err, central.ErrNoData):
		return fmt.Errorf("%s: %w", e.T("central.noData", data), err)
	case errors.Is(err, central.ErrNotRunning):
		return errors.New(e.T("central.notRunning"))
	case errors.Is(err, central.ErrNoSocket):
		return fmt.Errorf("%s: %w", e.T("central.noSocket"), err)
	case err != nil:
		return err
	}
	for _, d := range rep.Devices {
		fmt.Fprintf(e.stdout, "%s  %s  %s\n", d.ID, d.Added.Local().Format("2006-01-02"), d.Name)
	}
	if rep.Record != nil {
		last := rep.Record.History[len(rep.Record.History)-1]
		fmt.Fprintf(e.stdout, "%s  %s  %s\n", rep.Record.Code, last.Status, last.At.Local().Format(time.RFC3339))
	}
	return nil
}

// dossierJoin keeps a device's sync settings and prints its device ID for
// the administrator to enrol.
type settingsFlags struct {
	Listen  string `help:"${h_dossier_listen}" placeholder:"tcp://HOST:PORT"`
	Commune string `help:"${h_dossier_commune}" placeholder:"CODE"`
	Hub     string `help:"${h_dossier_hub}" placeholder:"ID=tcp://HOST:PORT"`
	Central string `help:"${h_dossier_central}" placeholder:"ID"`
}

// settings are the settings given on the command line, none when no
// flag is given; a device listens on its role's port unless told.
func (f settingsFlags) settings() (s field.Settings, given bool) {
	if f == (settingsFlags{}) {
		return s, false
	}
	hub := mesh.ParsePeer(f.Hub)
	s = field.Settings{Listen: f.Listen, Commune: f.Commune, Hub: hub.ID, HubAddr: hub.Addr, Central: f.Central}
	if s.Listen == "" {
		s.Listen = province.DefaultDeviceListen
	}
	return s, true
}

type dossierJoinCmd struct {
	settingsFlags
	Data string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
}

func (c *dossierJoinCmd) Run(e *env) error {
	s, _ := c.settings()
	s, err := field.SaveSettings(c.Data, s)
	if err != nil {
		return usageError{err}
	}
	id, err := field.DeviceID(c.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "device %s\ncommune %s, hub %s at %s\n", id, s.Commune, s.Hub, s.HubAddr)
	return nil
}

// dossierSync runs a volunteer's side of the sync, with the settings
// given or the ones join kept.
type dossierSyncCmd struct {
	settingsFlags
	UntilReceipted bool          `name:"until-receipted" help:"${h_dossier_sync_until}"`
	Timeout        time.Duration `help:"${h_dossier_sync_timeout}" default:"0s"`
	Data           string        `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
}

func (c *dossierSyncCmd) Run(ctx context.Context, e *env) error {
	stdout, data, until, timeout := e.stdout, &c.Data, &c.UntilReceipted, &c.Timeout
	s, given := c.settings()
	var err error
	if given {
		s, err = s.Check()
	} else if s, err = field.LoadSettings(*data); errors.Is(err, field.ErrNoSettings) {
		return usageError{errors.New(e.T("dossier.noSettings"))}
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
	log, closeLog := e.logger(*data, "sync")
	defer closeLog()
	d, err := field.NewDevice(field.DeviceConfig{Dir: *data, Settings: s, Outbox: w.Outbox, Log: log, Interval: time.Second})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "device", d.ID())
	ses, err := d.Follow(ctx, *until, func(n outbox.News) {
		switch n.Kind {
		case outbox.NewsDelivered:
			fmt.Fprintln(stdout, "delivered", n.ID)
		case outbox.NewsReceipted:
			fmt.Fprintln(stdout, "receipted", n.ID, n.Receipt)
			// The receipt is back: the drafts kept for it can go.
			if err := w.Desk.Tidy(); err != nil {
				fmt.Fprintln(e.stderr, e.T("dossier.notTidied", err))
			}
		case outbox.NewsStatus:
			fmt.Fprintln(stdout, "status", n.Receipt, n.Status)
		case outbox.NewsDamaged:
			fmt.Fprintln(stdout, "damaged", n.ID)
			fmt.Fprintln(e.stderr, e.T("dossier.damagedSeal", n.ID))
		case outbox.NewsRejected:
			fmt.Fprintln(stdout, "rejected", n.ID, n.Status)
			if en, err := w.Outbox.Entry(n.ID); err == nil && en.Rejection != nil {
				fmt.Fprintln(e.stderr, n.ID+": "+words.Rejection(e.lang, en.Rejection, w.Setup.Central.String()))
			}
		}
	})
	switch {
	case err != nil:
		return err
	case ses.Waiting == 0 && *until:
		fmt.Fprintf(stdout, "receipted %d\n", ses.Receipted)
		return nil
	case *until:
		code, ok := waitingCodes[ses.Why]
		if !ok {
			code = exitFail
		}
		return exitError{code, errors.New(words.Waiting(e.lang, ses, d.ID()))}
	}
	// A session of a set length (or one stopped by the user) ends well;
	// what is still on its way is said, not failed.
	fmt.Fprintf(stdout, "receipted %d, waiting %d\n", ses.Receipted, ses.Waiting)
	return nil
}

// waitingCodes are the exit codes of a session that ended with dossiers
// still on their way, by why they wait.
var waitingCodes = map[field.Waiting]int{field.WaitingDamaged: exitDamaged, field.WaitingRejected: exitRejected,
	field.WaitingUnreachable: exitHubUnreachable, field.WaitingNotLetIn: exitNotEnrolled, field.WaitingAtHub: exitAtHub}
