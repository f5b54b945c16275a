package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"dinh/internal/cli"
	"dinh/internal/words"
	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/central"
	"dinh/sync/field"
	"dinh/sync/hub"
	"dinh/sync/mesh"
	"dinh/sync/receipt"
)

type hubCmd struct {
	Listen  string   `help:"${h_hub_listen}" default:"${listen_hub}"`
	Commune []string `sep:"none" help:"${h_hub_commune}" placeholder:"CODE" required:""`
	Central string   `help:"${h_hub_central}" placeholder:"ID=tcp://HOST:PORT" required:""`
	Peer    []string `sep:"none" help:"${h_hub_peer}" placeholder:"ID[=tcp://HOST:PORT]"`
	Data    string   `help:"${h_data}" default:"${data_hub}" placeholder:"DIR"`
}

func (c *hubCmd) Run(ctx context.Context, e *cli.Env) error {
	peers := mesh.ParsePeers(c.Peer)
	cen := mesh.ParsePeer(c.Central)
	cen.Name = "central"
	log, closeLog := e.Logger(c.Data, "hub")
	defer closeLog()
	h, err := hub.New(hub.Config{Dir: c.Data, Listen: c.Listen, Communes: c.Commune,
		Central: cen, Peers: peers, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "hub", h.ID())
	return h.Run(ctx)
}

type hubInitCmd struct {
	Data string `help:"${h_data}" default:"${data_hub}" placeholder:"DIR"`
}

// Run prints the hub's device ID, made on first use, without starting it:
// the administrator gives it to central and to the devices.
func (c *hubInitCmd) Run(e *cli.Env) error {
	id, err := mesh.Identity(filepath.Join(c.Data, "mesh"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "hub", id)
	return nil
}

type centralInitCmd struct {
	Data string `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

// Run makes the team's two key pairs and central's identity, and prints
// central's device ID and both public keys.
func (c *centralInitCmd) Run(e *cli.Env) error {
	set, err := central.Init(c.Data)
	var exists *agekey.KeyExistsError
	if errors.As(err, &exists) {
		return errors.New(e.T("central.keyExists", exists.Path))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "device %s\ncentral.pub %s\nrecovery.pub %s\n", set.ID, set.Central, set.Recovery)
	fmt.Fprintln(e.Stderr, e.T("central.keys", filepath.Join(c.Data, agekey.RecoveryKey), filepath.Join(c.Data, agekey.CentralPub), filepath.Join(c.Data, agekey.RecoveryPub)))
	return nil
}

type centralRunCmd struct {
	Listen string   `help:"${h_central_listen}" default:"${listen_central}"`
	Hub    []string `sep:"none" help:"${h_central_hub}" placeholder:"CODE,ID,tcp://HOST:PORT" required:""`
	HTTP   string   `name:"http" help:"${h_central_http}" default:"127.0.0.1:8480" placeholder:"HOST:PORT"`
	Data   string   `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

func (c *centralRunCmd) Run(ctx context.Context, e *cli.Env) error {
	key, err := central.LoadKey(c.Data)
	if err != nil {
		return fmt.Errorf("%s: %w", e.T("central.noKey", c.Data), err)
	}
	var hubs []central.HubPeer
	for _, h := range c.Hub {
		hp, err := central.ParseHub(h)
		if err != nil {
			return cli.UsageOf(errors.New(e.T("central.hubFlag", h)))
		}
		hubs = append(hubs, hp)
	}
	log, closeLog := e.Logger(c.Data, "central")
	defer closeLog()
	srv, err := central.NewServer(central.ServerConfig{Dir: c.Data, Key: key, Listen: c.Listen, Hubs: hubs,
		HTTP: c.HTTP, Admin: true, Log: log})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "central", srv.ID(), "status API http://"+srv.APIAddr())
	return srv.Run(ctx)
}

// centralData is the data folder of central's administrators' commands.
type centralData struct {
	Data string `help:"${h_data}" default:"${data_central}" placeholder:"DIR"`
}

type centralDeviceAddCmd struct {
	ID   string `arg:"" help:"${h_central_device_id}"`
	Name string `help:"${h_central_device_name}" placeholder:"NAME"`
	centralData
}

func (c *centralDeviceAddCmd) Run(e *cli.Env) error {
	return admin(e, c.Data, central.AdminRequest{Op: "enroll", Device: c.ID, Name: c.Name})
}

type centralDeviceRemoveCmd struct {
	ID string `arg:"" help:"${h_central_device_id}"`
	centralData
}

func (c *centralDeviceRemoveCmd) Run(e *cli.Env) error {
	return admin(e, c.Data, central.AdminRequest{Op: "remove", Device: c.ID})
}

type centralDeviceListCmd struct{ centralData }

func (c *centralDeviceListCmd) Run(e *cli.Env) error {
	return admin(e, c.Data, central.AdminRequest{Op: "devices"})
}

type centralStatusSetCmd struct {
	Receipt string `arg:"" help:"${h_central_receipt}"`
	Status  string `arg:"" help:"${h_central_status_value}" enum:"processing,result-ready,returned"`
	centralData
}

func (c *centralStatusSetCmd) Run(e *cli.Env) error {
	code, err := receipt.CheckCode(c.Receipt)
	switch {
	case errors.Is(err, receipt.ErrCodeTypo):
		return cli.UsageOf(errors.New(e.T("central.codeTypo", c.Receipt)))
	case err != nil:
		return cli.UsageOf(errors.New(e.T("central.notCode", c.Receipt)))
	}
	return admin(e, c.Data, central.AdminRequest{Op: "status", Code: code, Status: c.Status})
}

type centralCatalogPublishCmd struct {
	File string `arg:"" help:"${h_central_catalog_file}" type:"path"`
	centralData
}

func (c *centralCatalogPublishCmd) Run(e *cli.Env) error {
	return admin(e, c.Data, central.AdminRequest{Op: "catalog", File: c.File})
}

// admin runs an administrator's request on central's store, or through the
// running central's admin socket when central holds the store.
func admin(e *cli.Env, data string, req central.AdminRequest) error {
	rep, err := central.AdminIn(data, req, mesh.ParseID)
	if err != nil {
		return words.Admin(e.Lang, err, data)
	}
	e.Lines(words.AdminReply(rep)...)
	return nil
}

// settingsFlags are a device's sync settings: dossier join keeps them,
// dossier sync takes them or the ones kept.
type settingsFlags struct {
	Listen  string `help:"${h_dossier_listen}" placeholder:"tcp://HOST:PORT"`
	Commune string `help:"${h_dossier_commune}" placeholder:"CODE"`
	Hub     string `help:"${h_dossier_hub}" placeholder:"ID=tcp://HOST:PORT"`
	Central string `help:"${h_dossier_central}" placeholder:"ID"`
}

// settings are the settings given on the command line, none when no
// flag is given.
func (f settingsFlags) settings() (s field.Settings, given bool) {
	return field.SettingsOf(f.Listen, f.Commune, f.Hub, f.Central), f != settingsFlags{}
}

type dossierJoinCmd struct {
	settingsFlags
	Data string `help:"${h_data}" default:"${data_volunteer}" placeholder:"DIR"`
}

func (c *dossierJoinCmd) Run(e *cli.Env) error {
	s, _ := c.settings()
	s, err := field.SaveSettings(c.Data, s)
	if err != nil {
		return cli.UsageOf(err)
	}
	id, err := field.DeviceID(c.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "device %s\ncommune %s, hub %s at %s\n", id, s.Commune, s.Hub, s.HubAddr)
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

func (c *dossierSyncCmd) Run(ctx context.Context, e *cli.Env) error {
	s, given := c.settings()
	var err error
	if given {
		s, err = s.Check()
	} else if s, err = field.LoadSettings(c.Data); errors.Is(err, field.ErrNoSettings) {
		return cli.UsageOf(errors.New(e.T("dossier.noSettings")))
	}
	if err != nil {
		return cli.UsageOf(err)
	}
	w, err := volunteer.Open(c.Data, vault.Options{IdleTimeout: -1})
	if err != nil {
		return err
	}
	defer w.Close()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	log, closeLog := e.Logger(c.Data, "sync")
	defer closeLog()
	d, err := field.NewDevice(field.DeviceConfig{Dir: c.Data, Settings: s, Outbox: w.Outbox, Log: log, Interval: time.Second})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "device", d.ID())
	ses, err := d.Follow(ctx, c.UntilReceipted, func(n outbox.News) {
		var why string
		if en, err := w.Outbox.Entry(n.ID); err == nil && n.Kind == outbox.NewsRejected && en.Rejection != nil {
			why = words.Rejection(e.Lang, en.Rejection, w.Setup.Central.String())
		}
		said := words.News(e.Lang, n, why)
		e.Lines(said.Out...)
		e.Warn(said.Err...)
		// The receipt is back: the drafts kept for it can go.
		if n.Kind == outbox.NewsReceipted {
			if err := w.Desk.Tidy(); err != nil {
				fmt.Fprintln(e.Stderr, e.T("dossier.notTidied", err))
			}
		}
	})
	switch {
	case err != nil:
		return err
	case ses.Waiting == 0 && c.UntilReceipted:
		fmt.Fprintf(e.Stdout, "receipted %d\n", ses.Receipted)
		return nil
	case c.UntilReceipted:
		code, ok := waitingCodes[ses.Why]
		if !ok {
			code = cli.Fail
		}
		return cli.Exit(code, errors.New(words.Waiting(e.Lang, ses, d.ID())))
	}
	// A session of a set length (or one stopped by the user) ends well;
	// what is still on its way is said, not failed.
	fmt.Fprintf(e.Stdout, "receipted %d, waiting %d\n", ses.Receipted, ses.Waiting)
	return nil
}

// waitingCodes are the exit codes of a session that ended with dossiers
// still on their way, by why they wait.
var waitingCodes = map[field.Waiting]int{field.WaitingDamaged: exitDamaged, field.WaitingRejected: exitRejected,
	field.WaitingUnreachable: exitHubUnreachable, field.WaitingNotLetIn: exitNotEnrolled, field.WaitingAtHub: exitAtHub}
