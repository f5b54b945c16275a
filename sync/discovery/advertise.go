package discovery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/grandcat/zeroconf"
)

// ErrStopped is returned by Update once the advertiser's context is done.
var ErrStopped = errors.New("advertiser stopped")

// announceSpan bounds the life of zeroconf's probe-and-announce goroutine,
// which Server.Shutdown neither stops nor waits for: two probes up to 250 ms
// apart, then announcements followed by sleeps of 1 s and 2 s.
const announceSpan = 2*250*time.Millisecond + 1*time.Second + 2*time.Second + 250*time.Millisecond

// Advertiser announces one meeting until the context given to Announce is done.
type Advertiser struct {
	ifaces []net.Interface
	ips    []string
	done   chan struct{}

	mu        sync.Mutex
	server    *zeroconf.Server
	current   Announcement
	lastStart time.Time // of the newest registration
	stopped   bool
}

// Advertise announces a on ifaces until ctx is done, then shuts the responder
// down (sending goodbye packets) and returns nil. It returns an error only if
// the announcement is invalid or could not start. See Announce.
func Advertise(ctx context.Context, a Announcement, ifaces []net.Interface) error {
	ad, err := Announce(ctx, a, ifaces)
	if err != nil {
		return err
	}
	<-ad.Done()
	return nil
}

// Announce starts announcing a on ifaces and returns at once. The responder
// answers with the IPv4 addresses of ifaces (127.0.0.1 for "lo"); ifaces must
// not be empty. When ctx is done the responder shuts down and Done is closed.
func Announce(ctx context.Context, a Announcement, ifaces []net.Interface) (*Advertiser, error) {
	if len(ifaces) == 0 {
		return nil, fmt.Errorf("announce: %w", ErrNoInterfaces)
	}
	var ips []string
	for _, p := range prefixesOf(ifaces) {
		if ip := p.Addr().String(); !slices.Contains(ips, ip) {
			ips = append(ips, ip)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("announce: %w: no IPv4 address on %s", ErrNoInterfaces, ifaceNames(ifaces))
	}
	ad := &Advertiser{
		ifaces: slices.Clone(ifaces),
		ips:    ips,
		done:   make(chan struct{}),
	}
	server, err := ad.register(a)
	if err != nil {
		return nil, fmt.Errorf("announce: %w", err)
	}
	ad.server, ad.current, ad.lastStart = server, cloneAnnouncement(a), time.Now()
	go ad.stopWhenDone(ctx)
	return ad, nil
}

// Update replaces the announcement: TXT, port or even instance name. It starts
// a responder with the new records before shutting the old one down, so
// queries are answered throughout, and browsers see the old records' goodbye
// followed by the new ones' announcement. An unchanged announcement is a no-op.
// If a is invalid the old announcement stays up and the error is returned.
func (ad *Advertiser) Update(a Announcement) error {
	ad.mu.Lock()
	defer ad.mu.Unlock()
	if ad.stopped {
		return ErrStopped
	}
	if equalAnnouncement(a, ad.current) {
		return nil
	}
	server, err := ad.register(a)
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	settle(ad.lastStart)
	ad.server.Shutdown()
	ad.server, ad.current, ad.lastStart = server, cloneAnnouncement(a), time.Now()
	return nil
}

// Done is closed when the advertiser has stopped: its responder is shut down
// and zeroconf's goroutines have ended. That happens up to about 3.5 s after
// the last registration, because zeroconf's announcement goroutine cannot be
// stopped early.
func (ad *Advertiser) Done() <-chan struct{} {
	return ad.done
}

func (ad *Advertiser) stopWhenDone(ctx context.Context) {
	<-ctx.Done()
	ad.mu.Lock()
	ad.stopped = true
	settle(ad.lastStart)
	ad.server.Shutdown()
	wait := time.Until(ad.lastStart.Add(announceSpan))
	ad.mu.Unlock()
	if wait > 0 {
		// Nothing to wait on: zeroconf's probe goroutine has no handle.
		t := time.NewTimer(wait)
		<-t.C
	}
	close(ad.done)
}

// register validates a and starts a zeroconf responder for it.
func (ad *Advertiser) register(a Announcement) (*zeroconf.Server, error) {
	txt, err := a.validate()
	if err != nil {
		return nil, err
	}
	server, err := zeroconf.RegisterProxy(escapeLabel(a.Instance), ServiceType, Domain, a.Port,
		hostLabel(a.Instance), ad.ips, txt, ad.ifaces)
	if err != nil {
		return nil, fmt.Errorf("register %q on %s: %w", a.Instance, ifaceNames(ad.ifaces), err)
	}
	return server, nil
}

// hostLabel derives the advertised host name from os.Hostname and the
// instance: "<sanitised host>-<8 hex digits>". The suffix keeps the A records
// apart from the system's own mDNS host record and from other machines with
// the same host name (identical laptop images are common).
func hostLabel(instance string) string {
	h, _ := os.Hostname()
	h, _, _ = strings.Cut(h, ".")
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(h) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "dinh"
	}
	sum := sha256.Sum256([]byte(instance))
	return s + "-" + hex.EncodeToString(sum[:4])
}

func ifaceNames(ifaces []net.Interface) string {
	names := make([]string, len(ifaces))
	for i, ifi := range ifaces {
		names[i] = ifi.Name
	}
	return strings.Join(names, ",")
}

func cloneAnnouncement(a Announcement) Announcement {
	a.Text = maps.Clone(a.Text)
	return a
}

func equalAnnouncement(a, b Announcement) bool {
	return a.Instance == b.Instance && a.Port == b.Port && maps.Equal(a.Text, b.Text)
}

// settleTime is how long a zeroconf responder must have run before it is
// shut down. Its receive goroutines call WaitGroup.Add after they start,
// while Shutdown calls Wait: shut down at once, the two race (the race
// detector reports it) and a goroutine may outlive the shutdown.
const settleTime = 500 * time.Millisecond

// settle waits until a responder started at start has settled; there is
// nothing to wait on, as zeroconf gives no handle on those goroutines.
func settle(start time.Time) {
	if wait := time.Until(start.Add(settleTime)); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		<-t.C
	}
}
