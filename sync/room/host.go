package room

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"dinh/meeting"
	"dinh/meeting/pdf"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/sync/discovery"
	"dinh/sync/lan"
)

// HostConfig configures a meeting host.
type HostConfig struct {
	Store  *store.Store
	Blobs  *blob.Store
	Ifaces []net.Interface // interfaces mDNS announces on
	Addr   string          // listen address; empty picks a free port
	Log    *slog.Logger
	// TrustDir holds the root certificates and CRLs the host verifies
	// documents with and bundles with each meeting; see TrustFolder.
	TrustDir string
}

// Host serves and announces one meeting at a time.
type Host struct {
	cfg      HostConfig
	key      ed25519.PrivateKey
	lan      *lan.Host
	ln       net.Listener
	announce chan announcement // to Run, which owns the advertiser
	stopped  chan struct{}     // closed when Run returns

	verdicts verdicts
}

// announcement asks Run to announce a publication and says how it went.
type announcement struct {
	a     discovery.Announcement
	reply chan error
}

// ErrHostStopped is a publication after the host stopped.
var ErrHostStopped = errors.New("room: the host has stopped")

// NewHost loads the host key and binds the listen address, so that a port
// in use is reported at once. Nothing is served or announced until Run.
func NewHost(cfg HostConfig) (*Host, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	key, err := cfg.Store.HostKey()
	if err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = ":0"
		if allLoopback(cfg.Ifaces) {
			addr = "127.0.0.1:0"
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return &Host{cfg: cfg, key: key, lan: lan.NewHost(key, cfg.Blobs, cfg.Log), ln: ln,
		announce: make(chan announcement), stopped: make(chan struct{})}, nil
}

// Run serves the published meeting and announces it on the LAN until ctx
// ends, then sends mDNS goodbyes, stops serving and returns nil. Publish
// blocks until Run takes its announcement.
func (h *Host) Run(ctx context.Context) error {
	defer close(h.stopped)
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- h.lan.Serve(ctx, h.ln) }()
	var adv *discovery.Advertiser
	defer func() {
		cancel()
		if adv != nil {
			<-adv.Done()
		}
	}()
	for {
		select {
		case r := <-h.announce:
			r.reply <- h.announceOn(ctx, &adv, r.a)
		case err := <-served:
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// announceOn starts announcing a, or updates what *adv announces.
func (h *Host) announceOn(ctx context.Context, adv **discovery.Advertiser, a discovery.Announcement) error {
	if *adv != nil {
		select {
		case <-(*adv).Done():
			*adv = nil
		default:
			return (*adv).Update(a)
		}
	}
	ad, err := discovery.Announce(ctx, a, h.cfg.Ifaces)
	if err != nil {
		return fmt.Errorf("announce on the LAN: %w", err)
	}
	*adv = ad
	return nil
}

func allLoopback(ifaces []net.Interface) bool {
	if len(ifaces) == 0 {
		return false
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagLoopback == 0 {
			return false
		}
	}
	return true
}

// Port is the TCP port the host serves on.
func (h *Host) Port() int { return h.ln.Addr().(*net.TCPAddr).Port }

// Fingerprint is the host key's fingerprint for the room's screen.
func (h *Host) Fingerprint() meeting.Fingerprint { return h.lan.Fingerprint() }

// Delegates counts the delegates' devices connected now.
func (h *Host) Delegates() int { return h.lan.Delegates() }

// Devices lists the delegates' devices seen, with the version each holds.
func (h *Host) Devices() []lan.Delegate { return h.lan.Devices() }

// Changed is closed when the devices change (lan.Host.Changed).
func (h *Host) Changed() <-chan struct{} { return h.lan.Changed() }

// Manifest is the revision being served, or nil.
func (h *Host) Manifest() *meeting.Manifest { return h.lan.Manifest() }

// PublishFolder publishes a meeting folder (meeting.json and its PDFs).
func (h *Host) PublishFolder(m *meeting.Meeting, dir string) (*meeting.Manifest, error) {
	opts, err := h.publishOptions()
	if err != nil {
		return nil, err
	}
	raw, man, err := lan.PublishFolder(h.cfg.Store, h.cfg.Blobs, h.key, m, dir, opts, time.Now())
	if err != nil {
		return nil, err
	}
	return man, h.serve(raw, man)
}

// PublishFiles publishes a meeting whose documents were picked one by one.
func (h *Host) PublishFiles(m *meeting.Meeting, paths map[string]string) (*meeting.Manifest, error) {
	opts, err := h.publishOptions()
	if err != nil {
		return nil, err
	}
	raw, man, err := lan.PublishFiles(h.cfg.Store, h.cfg.Blobs, h.key, m, paths, opts, time.Now())
	if err != nil {
		return nil, err
	}
	return man, h.serve(raw, man)
}

// publishOptions bundles the trust folder and verifies each document.
func (h *Host) publishOptions() (lan.PublishOptions, error) {
	bundle, skipped, err := LoadBundle(h.cfg.TrustDir)
	if err != nil {
		return lan.PublishOptions{}, err
	}
	if len(skipped) > 0 {
		h.cfg.Log.Warn("trust files left out of the bundle", "files", skipped, "limit_bytes", meeting.MaxTrustSize)
	}
	check := func(path string) error { _, err := pdf.Check(path); return err }
	return lan.PublishOptions{Trust: bundle, Verdict: h.verdicts.verdictFunc(bundle), Check: check}, nil
}

func (h *Host) serve(raw []byte, man *meeting.Manifest) error {
	if err := h.lan.Publish(raw); err != nil {
		return err
	}
	fp := h.Fingerprint()
	a := discovery.Announcement{
		Instance: discovery.InstanceName(man.Meeting.Title, fp.Short()[:4]),
		Port:     h.Port(),
		Text: map[string]string{
			discovery.KeyID:          man.Meeting.ID,
			discovery.KeyTitle:       man.Meeting.Title,
			discovery.KeyFingerprint: fp.String(),
			discovery.KeyVersion:     strconv.FormatInt(man.Version, 10),
		},
	}
	r := announcement{a: a, reply: make(chan error, 1)}
	select {
	case h.announce <- r:
		return <-r.reply
	case <-h.stopped:
		return ErrHostStopped
	}
}

// FolderEvents tell the secretariat what RunFolder does. Each is optional
// and may be called from RunFolder's goroutines.
type FolderEvents struct {
	// Published is a new version on the LAN; before is the one it
	// replaces, or nil for the first.
	Published func(before, man *meeting.Manifest)
	// Serving is called once the first version is served.
	Serving func()
	// NotRepublished is an edit of the folder that could not be
	// published: the previous version stays on the LAN.
	NotRepublished func(err error)
}

// RunFolder publishes the meeting folder dir, serves it until ctx ends
// and, when quiet is above zero, publishes it again after each burst of
// edits once the folder has been quiet that long. A folder that cannot be
// published at first is an error at once; later, the previous version
// stays served and NotRepublished says why.
func (h *Host) RunFolder(ctx context.Context, dir string, quiet time.Duration, ev FolderEvents) error {
	if _, err := meeting.LoadFolder(dir); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var hostErr error
	hosted := make(chan struct{})
	go func() { hostErr = h.Run(ctx); close(hosted) }()
	defer func() { cancel(); <-hosted }()
	publish := func() error {
		m, err := meeting.LoadFolder(dir)
		if err != nil {
			return err
		}
		before := h.Manifest()
		man, err := h.PublishFolder(m, dir)
		if err != nil {
			return err
		}
		if (before == nil || before.Version != man.Version) && ev.Published != nil {
			ev.Published(before, man)
		}
		return nil
	}
	// The watch starts before the first publication, so that an edit made
	// while it publishes is seen.
	var watch *meeting.FolderWatch
	if quiet > 0 {
		var err error
		if watch, err = meeting.WatchFolder(dir, quiet); err != nil {
			return err
		}
	}
	if err := publish(); err != nil {
		if watch != nil {
			watch.Close()
		}
		return err
	}
	if ev.Serving != nil {
		ev.Serving()
	}
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		if watch == nil {
			return
		}
		watch.Run(ctx, func() {
			if err := publish(); err != nil && ev.NotRepublished != nil {
				ev.NotRepublished(err)
			}
		})
	}()
	<-hosted
	cancel()
	<-watching
	return hostErr
}
