package field

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/internal/atomicfile"
	"dinh/offline/catalog"
	"dinh/offline/outbox"
	"dinh/sync/mesh"
	"dinh/sync/province"
)

// SettingsName is the device's sync settings file in its data folder.
const SettingsName = "sync.json"

// adoptedCatalog is where a device keeps the last catalogue central
// published, once checked.
const adoptedCatalog = "catalog.json"

// Settings say where a device's dossiers go. They name no person: the
// administrator hands them out with the enrolment.
type Settings struct {
	Commune string `json:"commune"`  // commune code, like "25252"
	Listen  string `json:"listen"`   // where this device accepts its hub, tcp://HOST:PORT
	Hub     string `json:"hub"`      // the commune hub's device ID
	HubAddr string `json:"hub_addr"` // where the hub listens, tcp://HOST:PORT
	Central string `json:"central"`  // the central server's device ID
}

// Settings errors name the field at fault, for the form that shows them.
var (
	ErrNoSettings   = errors.New("field: this device has no sync settings yet")
	ErrBadAddress   = errors.New("field: an address looks like tcp://192.168.1.10:22000")
	ErrBadHubID     = errors.New("field: the hub's device ID is not valid")
	ErrBadCentralID = errors.New("field: the central server's device ID is not valid")

	// Why a published catalogue is refused.
	ErrCatalogNotCentral = errors.New("field: the catalogue was not published by the central server")
	ErrCatalogInvalid    = errors.New("field: the published catalogue is not valid")
	ErrCatalogOlder      = errors.New("field: the published catalogue is older than the one in use")
)

// SettingsOf are the settings an administrator gives as words: the
// hub as ID=tcp://HOST:PORT; a device listens on its role's port unless
// told. They are not checked.
func SettingsOf(listen, commune, hub, central string) Settings {
	h := mesh.ParsePeer(hub)
	if listen == "" {
		listen = province.DefaultDeviceListen
	}
	return Settings{Listen: listen, Commune: commune, Hub: h.ID, HubAddr: h.Addr, Central: central}
}

// Check validates the settings and returns them in canonical form.
func (s Settings) Check() (Settings, error) {
	var err error
	if s.Commune, err = province.ParseCommune(s.Commune); err != nil {
		return s, err
	}
	for _, a := range []*string{&s.Listen, &s.HubAddr} {
		*a = strings.TrimSpace(*a)
		if _, err := mesh.ParseAddr(*a); err != nil {
			return s, ErrBadAddress
		}
	}
	if s.Hub, err = mesh.ParseID(s.Hub); err != nil {
		return s, ErrBadHubID
	}
	if s.Central, err = mesh.ParseID(s.Central); err != nil {
		return s, ErrBadCentralID
	}
	return s, nil
}

// LoadSettings reads dir's settings; ErrNoSettings when there are none.
func LoadSettings(dir string) (Settings, error) {
	var s Settings
	b, err := os.ReadFile(filepath.Join(dir, SettingsName))
	if errors.Is(err, os.ErrNotExist) {
		return s, ErrNoSettings
	}
	if err != nil {
		return s, fmt.Errorf("field: settings: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("field: settings %s: %w", filepath.Join(dir, SettingsName), err)
	}
	return s.Check()
}

// SaveSettings checks s and writes it to dir.
func SaveSettings(dir string, s Settings) (Settings, error) {
	s, err := s.Check()
	if err != nil {
		return s, err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := atomicfile.WriteBytes(filepath.Join(dir, SettingsName), append(b, '\n')); err != nil {
		return s, fmt.Errorf("field: settings: %w", err)
	}
	return s, nil
}

// DeviceID returns the device ID of the data folder dir, creating its
// identity on first use. The administrator enrols this ID.
func DeviceID(dir string) (string, error) { return mesh.Identity(filepath.Join(dir, "mesh")) }

// LoadCatalog returns the catalogue this device last adopted from
// central, or os.ErrNotExist when it has none yet.
func LoadCatalog(dir string) (*catalog.Catalog, error) {
	return catalog.Load(filepath.Join(dir, adoptedCatalog))
}

// DeviceConfig is a volunteer's device as a whole.
type DeviceConfig struct {
	Dir      string // the volunteer data folder
	Settings Settings
	Outbox   *outbox.Outbox
	Log      *slog.Logger
	// Interval is the longest wait between passes; 0 means 5 s.
	Interval time.Duration
	// OnCatalog gets each new catalogue central publishes, once checked
	// and kept; it runs on the device's goroutine.
	OnCatalog func(*catalog.Catalog)
}

// Link is how the device stands with its hub, told apart so the volunteer
// knows what to do.
type Link string

const (
	// LinkUnknown: the first pass has not run yet.
	LinkUnknown Link = ""
	// LinkConnected: the hub and this device exchange files.
	LinkConnected Link = "connected"
	// LinkUnreachable: nothing answers at the hub's address (no network,
	// the hub is off, or the address is wrong).
	LinkUnreachable Link = "unreachable"
	// LinkNotLetIn: the hub answers at its address but has not let this
	// device in for a while: central has not enrolled it (or the hub does
	// not know central's list yet).
	LinkNotLetIn Link = "not-let-in"
)

// notLetInAfter is how long a hub that answers may keep a device out
// before the device says it is not let in: joining takes a moment.
var notLetInAfter = 10 * time.Second

// lastingConnection is how long a connection must last to count.
const lastingConnection = 3 * time.Second

// DeviceStatus is what the volunteer sees of the sync.
type DeviceStatus struct {
	Link         Link
	HubConnected bool
	SendFiles    int   // files the hub still lacks
	SendBytes    int64 // bytes the hub still lacks
	RecvFiles    int   // receipts and catalogue still to arrive
	RecvBytes    int64
	LastSync     time.Time // the last time every folder was in step
	LastPass     Report    // what the last pass changed
	Updates      int       // status updates recorded since Run started
	Err          error     // the last pass's failure, nil once one succeeds
	// CatalogErr is why the last catalogue central published was
	// refused; the one in use stays.
	CatalogErr error
}

// Device runs a volunteer device's sync: its mesh node, the passes that
// move sealed dossiers out and receipts in, the catalogue, and the purge
// of old receipted dossiers.
type Device struct {
	cfg  DeviceConfig
	id   string
	node *mesh.Node // while Run runs
	fcfg Config

	mu      sync.Mutex
	status  DeviceStatus
	changed chan struct{}
	catSum  [32]byte // the last published catalogue looked at

	catSeen os.FileInfo // that catalogue's file; the pass loop's only
	// answering is since when the hub has answered at its address without
	// letting this device in, and connected since when a connection to it
	// has lasted; the pass loop's only.
	answering, connected time.Time
}

// NewDevice checks the settings and the listen address (a port in use is
// reported here) and reads or makes the device's identity. Nothing runs
// until Run.
func NewDevice(cfg DeviceConfig) (*Device, error) {
	s, err := cfg.Settings.Check()
	if err != nil {
		return nil, err
	}
	if cfg.Outbox == nil {
		return nil, errors.New("field: no outbox")
	}
	cfg.Settings = s
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := mesh.CheckListen(s.Listen); err != nil {
		return nil, fmt.Errorf("field: %w", err)
	}
	id, err := mesh.Identity(filepath.Join(cfg.Dir, "mesh"))
	if err != nil {
		return nil, fmt.Errorf("field: %w", err)
	}
	d := &Device{cfg: cfg, id: id, changed: make(chan struct{})}
	if b, err := os.ReadFile(filepath.Join(cfg.Dir, adoptedCatalog)); err == nil {
		d.catSum = sha256.Sum256(b)
	}
	return d, nil
}

// Run starts the device's mesh node and makes a pass at every change and
// at least every Interval until ctx ends; then it stops the node.
func (d *Device) Run(ctx context.Context) error {
	s := d.cfg.Settings
	base := filepath.Join(d.cfg.Dir, "sync")
	cdir, rdir := filepath.Join(base, "commune"), filepath.Join(base, "receipts")
	hub := []string{s.Hub}
	n, err := mesh.Start(ctx, mesh.Config{
		Dir: filepath.Join(d.cfg.Dir, "mesh"), Listen: s.Listen, Log: d.cfg.Log,
		Peers: []mesh.Peer{{ID: s.Hub, Name: "hub", Addr: s.HubAddr}},
		Folders: []mesh.Folder{
			{ID: province.CommuneFolder(s.Commune), Path: cdir, Type: mesh.SendOnly, Peers: hub},
			{ID: province.ReceiptsFolder(s.Commune), Path: rdir, Type: mesh.ReceiveOnly, Peers: hub},
			{ID: province.CatalogFolder, Path: filepath.Join(base, "catalog"), Type: mesh.ReceiveOnly, Peers: hub},
		}})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return fmt.Errorf("field: %w", err)
	}
	defer n.Close()
	d.node = n
	d.fcfg = Config{Node: n, CommuneID: province.CommuneFolder(s.Commune), CommuneDir: cdir, ReceiptsID: province.ReceiptsFolder(s.Commune), ReceiptsDir: rdir,
		Hub: s.Hub, Central: s.Central, Outbox: d.cfg.Outbox, OutboxDir: filepath.Join(d.cfg.Dir, "outbox"), Log: d.cfg.Log}
	d.run(ctx)
	return nil
}

// ID is this device's ID.
func (d *Device) ID() string { return d.id }

// Status returns the sync's state now.
func (d *Device) Status() DeviceStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// Changed is closed at the next change of Status.
func (d *Device) Changed() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.changed
}

// pass runs one pass of the loop.
func (d *Device) pass() (Report, error) {
	rep, err := Pass(d.fcfg)
	d.adoptCatalog()
	d.update(rep, err)
	return rep, err
}

func (d *Device) run(ctx context.Context) {
	every := d.cfg.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastPurge time.Time
	for {
		changed := d.node.Changed()
		if time.Since(lastPurge) > time.Hour {
			lastPurge = time.Now()
			if ids, err := d.cfg.Outbox.Purge(ctx); err != nil {
				d.cfg.Log.Warn("field: purge", "err", err)
			} else if len(ids) > 0 {
				d.cfg.Log.Info("field: purged receipted dossiers past retention", "count", len(ids))
			}
		}
		if _, err := d.pass(); err != nil {
			d.cfg.Log.Warn("field: sync pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// link tells how the device stands with its hub. When they are not
// connected, a TCP dial to the hub's address tells a hub that answers (and
// does not let this device in) from one that does not.
func (d *Device) link(connected bool) Link {
	// A hub that does not know this device closes each connection right
	// after the handshake: only one that lasts counts.
	now := time.Now()
	if !connected {
		d.connected = time.Time{}
	} else if d.connected.IsZero() {
		d.connected = now
	}
	if connected && now.Sub(d.connected) >= lastingConnection {
		d.answering = time.Time{}
		return LinkConnected
	}
	addr, err := mesh.ParseAddr(d.cfg.Settings.HubAddr)
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
			c.Close()
		}
	}
	if err != nil {
		d.answering = time.Time{}
		return LinkUnreachable
	}
	if d.answering.IsZero() {
		d.answering = time.Now()
	}
	if time.Since(d.answering) < notLetInAfter {
		return LinkUnknown
	}
	return LinkNotLetIn
}

func (d *Device) update(rep Report, err error) {
	ns := d.node.Status()
	link := d.link(ns.Peers > 0)
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.status
	s.Link = link
	s.HubConnected = ns.Peers > 0
	s.SendFiles, s.SendBytes = ns.SendFiles, ns.SendBytes
	s.RecvFiles, s.RecvBytes = ns.NeedFiles, ns.NeedBytes
	s.LastSync = ns.LastSync
	s.LastPass, s.Err = rep, err
	s.Updates += rep.Updated
	// A pass that changed the outbox is news even when the status reads
	// the same as after the last one.
	if s == d.status && rep == (Report{}) {
		return
	}
	d.status = s
	d.notifyLocked()
}

func (d *Device) notifyLocked() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// adoptCatalog keeps a catalogue that central published, once it checks:
// written by central's device, a valid catalogue, and not older than the
// one in use (a server restored from an old backup must not take a newer
// catalogue away). Anything else is reported and the catalogue in use
// stays.
func (d *Device) adoptCatalog() {
	src := filepath.Join(d.cfg.Dir, "sync", "catalog", province.CatalogName)
	// Passes run every few seconds: the file is read only when Syncthing
	// has put a new one in place (it renames a new file over the old).
	fi, err := os.Stat(src)
	if err != nil || d.catSeen != nil && os.SameFile(fi, d.catSeen) && fi.ModTime().Equal(d.catSeen.ModTime()) && fi.Size() == d.catSeen.Size() {
		return // none published yet, not arrived, or looked at already
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return
	}
	sum := sha256.Sum256(b)
	d.mu.Lock()
	same := sum == d.catSum
	d.mu.Unlock()
	if same {
		d.catSeen = fi
		return
	}
	var refuse error
	if by, err := d.node.WrittenBy(province.CatalogFolder, province.CatalogName, d.cfg.Settings.Central); err != nil || !by {
		refuse = ErrCatalogNotCentral
	}
	var c *catalog.Catalog
	if refuse == nil {
		if c, err = catalog.Parse(b); err != nil {
			refuse = fmt.Errorf("%w: %w", ErrCatalogInvalid, err)
		}
	}
	if refuse == nil {
		// The kept catalogue is read only now, when a new one has come.
		if inUse, err := LoadCatalog(d.cfg.Dir); err == nil && c.Updated < inUse.Updated {
			refuse = fmt.Errorf("%w: %s, in use %s", ErrCatalogOlder, c.Updated, inUse.Updated)
		}
	}
	if refuse == nil {
		if err := atomicfile.WriteBytes(filepath.Join(d.cfg.Dir, adoptedCatalog), b); err != nil {
			d.cfg.Log.Warn("field: keep catalogue", "err", err)
			return // tried again next pass
		}
	}
	d.catSeen = fi
	d.mu.Lock()
	d.catSum = sum
	d.status.CatalogErr = refuse
	d.notifyLocked()
	d.mu.Unlock()
	if refuse != nil {
		d.cfg.Log.Warn("field: catalogue refused", "err", refuse)
		return
	}
	d.cfg.Log.Info("field: new catalogue", "updated", c.Updated, "procedures", len(c.Procedures))
	if d.cfg.OnCatalog != nil {
		d.cfg.OnCatalog(c)
	}
}
