package mesh

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/syncthing/syncthing/lib/config"
	"github.com/syncthing/syncthing/lib/events"
	"github.com/syncthing/syncthing/lib/locations"
	"github.com/syncthing/syncthing/lib/logger"
	"github.com/syncthing/syncthing/lib/model"
	"github.com/syncthing/syncthing/lib/protocol"
	"github.com/syncthing/syncthing/lib/svcutil"
	"github.com/syncthing/syncthing/lib/syncthing"

	_ "dinh/sync/mesh/internal/quiet" // before Syncthing's logger starts; see the package
)

// FolderType says which way a folder's changes travel from this node.
type FolderType string

const (
	SendReceive FolderType = "sendreceive"
	SendOnly    FolderType = "sendonly"
	ReceiveOnly FolderType = "receiveonly"
)

func (t FolderType) syncthing() (config.FolderType, error) {
	switch t {
	case SendReceive, "":
		return config.FolderTypeSendReceive, nil
	case SendOnly:
		return config.FolderTypeSendOnly, nil
	case ReceiveOnly:
		return config.FolderTypeReceiveOnly, nil
	}
	return 0, fmt.Errorf("mesh: unknown folder type %q", t)
}

// Peer is a device this node may connect to.
type Peer struct {
	ID   string // Syncthing device ID
	Name string
	// Addr is where the peer listens, like "tcp://127.0.0.1:22001"; empty
	// means the peer connects to us.
	Addr string
}

// Folder is a folder shared with some of the peers.
type Folder struct {
	ID    string
	Label string
	Path  string
	Type  FolderType
	Peers []string // device IDs
	// RescanInterval is how often the folder is rescanned as a safety net;
	// 0 means an hour. Callers Scan after they write.
	RescanInterval time.Duration
}

// Config is a node's configuration.
type Config struct {
	// Dir holds the node's Syncthing state (certificate, config, index
	// database). It is created if needed.
	Dir string
	// Listen is the address to accept peers on, like "tcp://127.0.0.1:22001".
	Listen  string
	Peers   []Peer
	Folders []Folder
	Log     *slog.Logger
	// MaxRecvKbps and MaxSendKbps limit the bandwidth in KiB/s, for a hub
	// on a link it shares; 0 means no limit.
	MaxRecvKbps, MaxSendKbps int
}

// Node is a running Syncthing instance.
type Node struct {
	cfg    Config
	id     protocol.DeviceID
	cert   tls.Certificate // the device's own: its hash is id
	app    *syncthing.App
	wrap   config.Wrapper
	ev     events.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup
	log    *slog.Logger

	mu       sync.Mutex
	lastSync time.Time
	changed  chan struct{} // closed and replaced on every status change
	closed   bool
}

var (
	globalOnce sync.Once
	globalErr  error
	nodesMu    sync.Mutex
	nodes      = map[*Node]struct{}{}
)

// setGlobals points Syncthing's process-wide state at dir, once.
func setGlobals(dir string) error {
	globalOnce.Do(func() {
		for _, b := range []locations.BaseDirEnum{locations.ConfigBaseDir, locations.DataBaseDir} {
			if err := locations.SetBaseDir(b, filepath.Join(dir, "global")); err != nil {
				globalErr = err
				return
			}
		}
		forward := func(level slog.Level) logger.MessageHandler {
			return func(_ logger.LogLevel, msg string) {
				nodesMu.Lock()
				defer nodesMu.Unlock()
				for n := range nodes {
					n.log.Log(context.Background(), level, "syncthing: "+msg)
				}
			}
		}
		logger.DefaultLogger.AddHandler(logger.LevelInfo, forward(slog.LevelInfo))
		logger.DefaultLogger.AddHandler(logger.LevelWarn, forward(slog.LevelWarn))
	})
	return globalErr
}

// Identity returns the device ID of the certificate in dir, creating the
// certificate on first use. The ID is the device's stable identity.
func Identity(dir string) (string, error) {
	cert, err := loadCert(dir)
	if err != nil {
		return "", err
	}
	return protocol.NewDeviceID(cert.Certificate[0]).String(), nil
}

func loadCert(dir string) (tls.Certificate, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("mesh: %w", err)
	}
	cert, err := syncthing.LoadOrGenerateCertificate(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("mesh: device certificate: %w", err)
	}
	return cert, nil
}

// ParseID checks a device ID as a person typed it.
func ParseID(s string) (string, error) {
	id, err := protocol.DeviceIDFromString(s)
	if err == nil && id == protocol.EmptyDeviceID {
		err = errors.New("empty")
	}
	if err != nil {
		return "", fmt.Errorf("mesh: device ID %q: %w", s, err)
	}
	return id.String(), nil
}

// closedNetwork turns off everything that would reach beyond the peers
// given.
func closedNetwork(o *config.OptionsConfiguration, listen string) {
	o.RawListenAddresses = []string{listen}
	o.GlobalAnnEnabled = false
	o.RawGlobalAnnServers = []string{}
	o.LocalAnnEnabled = false
	o.RelaysEnabled = false
	o.NATEnabled = false
	o.URAccepted = -1
	o.URSeen = 3
	o.CREnabled = false
	o.AutoUpgradeIntervalH = 0
	o.StartBrowser = false
	o.RawStunServers = []string{}
	o.AnnounceLANAddresses = false
	o.SetLowPriority = false
	o.ReconnectIntervalS = 2
	o.ProgressUpdateIntervalS = 1
}

// Start configures and starts a node. ctx bounds only the start; Close
// stops the node.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Listen == "" {
		return nil, errors.New("mesh: no listen address")
	}
	cert, err := loadCert(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := setGlobals(cfg.Dir); err != nil {
		return nil, fmt.Errorf("mesh: %w", err)
	}
	my := protocol.NewDeviceID(cert.Certificate[0])
	c := config.New(my)
	c.GUI.Enabled = false
	closedNetwork(&c.Options, cfg.Listen)
	c.Options.MaxRecvKbps, c.Options.MaxSendKbps = cfg.MaxRecvKbps, cfg.MaxSendKbps
	c.Options.LimitBandwidthInLan = cfg.MaxRecvKbps > 0 || cfg.MaxSendKbps > 0
	for _, p := range cfg.Peers {
		id, err := protocol.DeviceIDFromString(p.ID)
		if err != nil {
			return nil, fmt.Errorf("mesh: peer %q: %w", p.ID, err)
		}
		d := c.Defaults.Device.Copy()
		d.DeviceID, d.Name = id, p.Name
		if d.Name == "" {
			// A nameless device is renamed from its hello on the first
			// connection; that config change restarts every folder and
			// cancels a scan in progress.
			d.Name = id.Short().String()
		}
		d.Addresses = []string{"dynamic"}
		if p.Addr != "" {
			d.Addresses = []string{p.Addr}
		}
		d.AutoAcceptFolders = false
		c.Devices = append(c.Devices, d)
	}
	for _, f := range cfg.Folders {
		ft, err := f.Type.syncthing()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(f.Path, 0o700); err != nil {
			return nil, fmt.Errorf("mesh: folder %s: %w", f.ID, err)
		}
		fc := c.Defaults.Folder.Copy()
		fc.ID, fc.Label, fc.Path, fc.Type = f.ID, f.Label, f.Path, ft
		fc.FilesystemType = config.FilesystemTypeBasic
		fc.FSWatcherEnabled = false
		// Syncthing guards a case-insensitive file system against two
		// names that differ only by case by listing the folder for every
		// file it writes: with a thousand dossiers in one folder, most of
		// a transfer's time. Linux's file systems tell case apart.
		fc.CaseSensitiveFS = runtime.GOOS == "linux"
		fc.RescanIntervalS = 3600
		if f.RescanInterval > 0 {
			fc.RescanIntervalS = max(1, int(f.RescanInterval/time.Second))
		}
		fc.Devices = []config.FolderDeviceConfiguration{{DeviceID: my}}
		for _, p := range f.Peers {
			id, err := protocol.DeviceIDFromString(p)
			if err != nil {
				return nil, fmt.Errorf("mesh: folder %s: peer %q: %w", f.ID, p, err)
			}
			fc.Devices = append(fc.Devices, config.FolderDeviceConfiguration{DeviceID: id})
		}
		c.Folders = append(c.Folders, fc)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	n := &Node{cfg: cfg, id: my, cert: cert, cancel: cancel, log: cfg.Log, changed: make(chan struct{})}
	n.ev = events.NewLogger()
	n.wrap = config.Wrap(filepath.Join(cfg.Dir, "config.xml"), c, my, n.ev)
	n.goServe(func() { n.ev.Serve(runCtx) })
	n.goServe(func() { n.wrap.Serve(runCtx) })
	if err := n.wrap.Save(); err != nil {
		n.stopServices()
		return nil, fmt.Errorf("mesh: save config: %w", err)
	}
	dbb, err := syncthing.OpenDBBackend(filepath.Join(cfg.Dir, "index-v0.14.0.db"), c.Options.DatabaseTuning)
	if err != nil {
		n.stopServices()
		return nil, fmt.Errorf("mesh: open index database: %w", err)
	}
	n.app, err = syncthing.New(n.wrap, dbb, n.ev, cert, syncthing.Options{NoUpgrade: true})
	if err != nil {
		dbb.Close()
		n.stopServices()
		return nil, fmt.Errorf("mesh: %w", err)
	}
	sub := n.ev.Subscribe(events.AllEvents)
	nodesMu.Lock()
	nodes[n] = struct{}{}
	nodesMu.Unlock()
	if err := n.app.Start(); err != nil {
		sub.Unsubscribe()
		n.forget()
		n.stopServices()
		return nil, fmt.Errorf("mesh: start: %w", err)
	}
	n.goServe(func() { n.watch(runCtx, sub) })
	if err := ctx.Err(); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

func (n *Node) goServe(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

func (n *Node) stopServices() {
	n.cancel()
	n.wg.Wait()
}

func (n *Node) forget() {
	nodesMu.Lock()
	delete(nodes, n)
	nodesMu.Unlock()
}

// watch turns Syncthing's events into status changes and log lines.
func (n *Node) watch(ctx context.Context, sub events.Subscription) {
	defer sub.Unsubscribe()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C():
			if !ok {
				return
			}
			switch e.Type {
			case events.DeviceConnected, events.DeviceDisconnected, events.FolderCompletion,
				events.FolderSummary, events.StateChanged, events.RemoteIndexUpdated,
				events.LocalIndexUpdated, events.ItemFinished, events.DownloadProgress:
			case events.PendingDevicesChanged:
				n.log.Warn("mesh: a device that is not configured tried to connect", "event", fmt.Sprint(e.Data))
			default:
				continue
			}
			if e.Type == events.StateChanged {
				if m, ok := e.Data.(map[string]interface{}); ok && m["to"] == "idle" {
					n.mu.Lock()
					n.lastSync = e.Time
					n.mu.Unlock()
				}
			}
			n.notify()
		}
	}
}

func (n *Node) notify() {
	n.mu.Lock()
	close(n.changed)
	n.changed = make(chan struct{})
	n.mu.Unlock()
}

// Changed returns a channel closed at the next change of status.
func (n *Node) Changed() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.changed
}

// ID is this node's device ID.
func (n *Node) ID() string { return n.id.String() }

// Scan rescans a folder now, after the caller wrote into it.
// A folder that Syncthing has not started yet, or restarts meanwhile
// (after a change to its configuration), cannot scan; Scan then tries
// again, for about four seconds.
func (n *Node) Scan(folder string) error {
	var err error
	for try := range 9 {
		err = n.app.Internals.ScanFolderSubdirs(folder, nil)
		if err == nil {
			return nil
		}
		n.mu.Lock()
		closed := n.closed
		n.mu.Unlock()
		if closed || !errors.Is(err, context.Canceled) && !errors.Is(err, model.ErrFolderNotRunning) {
			break
		}
		time.Sleep(time.Duration(try+1) * 100 * time.Millisecond)
	}
	return fmt.Errorf("mesh: scan %s: %w", folder, err)
}

// Connected reports whether the peer is connected now.
func (n *Node) Connected(peer string) bool {
	id, err := protocol.DeviceIDFromString(peer)
	return err == nil && n.app.Internals.IsConnectedTo(id)
}

// PeerHas reports whether peer has every file of folder as this node
// knows it: what this node wrote has reached that peer.
func (n *Node) PeerHas(peer, folder string) (bool, error) {
	id, err := protocol.DeviceIDFromString(peer)
	if err != nil {
		return false, fmt.Errorf("mesh: %w", err)
	}
	if !n.app.Internals.IsConnectedTo(id) {
		return false, nil
	}
	c, err := n.app.Internals.Completion(id, folder)
	if err != nil {
		return false, fmt.Errorf("mesh: completion of %s on %s: %w", folder, peer, err)
	}
	return c.CompletionPct >= 100 && c.NeedItems == 0 && c.NeedDeletes == 0, nil
}

// Status is what a person sees of the sync.
type Status struct {
	Peers     int       // connected now
	NeedFiles int       // files still to receive, over every folder
	NeedBytes int64     // bytes still to receive
	SendFiles int       // files connected peers still lack of this node's, over every folder
	SendBytes int64     // bytes those peers still lack
	LastSync  time.Time // last time a folder became idle
}

// Status returns the node's status now.
func (n *Node) Status() Status {
	var s Status
	for _, p := range n.cfg.Peers {
		if n.Connected(p.ID) {
			s.Peers++
		}
	}
	for _, f := range n.cfg.Folders {
		c, err := n.app.Internals.Completion(n.id, f.ID)
		if err == nil {
			s.NeedFiles += c.NeedItems
			s.NeedBytes += c.NeedBytes
		}
		for _, p := range f.Peers {
			id, err := protocol.DeviceIDFromString(p)
			if err != nil || !n.app.Internals.IsConnectedTo(id) {
				continue
			}
			if c, err := n.app.Internals.Completion(id, f.ID); err == nil {
				s.SendFiles += c.NeedItems
				s.SendBytes += c.NeedBytes
			}
		}
	}
	n.mu.Lock()
	s.LastSync = n.lastSync
	n.mu.Unlock()
	return s
}

// Close stops the node and waits for every goroutine it started.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	n.mu.Unlock()
	n.forget()
	n.app.Stop(svcutil.ExitSuccess)
	n.app.Wait()
	n.stopServices()
	return nil
}

// WrittenBy reports whether the file at path (slash-separated, inside the
// folder) was last changed by the given device, as Syncthing's index
// records it. A hub that passes a file on unchanged keeps its writer; a
// hub that changes it becomes the writer.
func (n *Node) WrittenBy(folder, path, device string) (bool, error) {
	id, err := protocol.DeviceIDFromString(device)
	if err != nil {
		return false, fmt.Errorf("mesh: %w", err)
	}
	fi, ok, err := n.app.Internals.GlobalFileInfo(folder, path)
	if err != nil {
		return false, fmt.Errorf("mesh: %s/%s: %w", folder, path, err)
	}
	return ok && fi.ModifiedBy == id.Short(), nil
}
