package discovery

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/grandcat/zeroconf"
)

const (
	// RefreshInterval is how often Browse re-queries once it has settled, and
	// so how often an unchanged Entry is reported again with a fresh Seen.
	RefreshInterval = 10 * time.Second
	// StaleAfter is how long a consumer should keep an Entry whose Seen has not
	// been refreshed. Browse reports no removals.
	StaleAfter = 3 * RefreshInterval

	firstRound = time.Second // rounds start after 1, 2, 4, 8 s, then every RefreshInterval
)

// Entry is a meeting found on the LAN.
type Entry struct {
	Instance string            // instance name, as announced
	Addr     netip.AddrPort    // IPv4 address and port, ready to dial
	Text     map[string]string // TXT keys and values
	Seen     time.Time         // when this information was received
}

// Browse looks for meetings on ifaces until ctx is done, then returns nil. It
// returns an error only if browsing could not start; ifaces must not be empty.
//
// found is called, from the goroutine running Browse and one call at a time,
// when an instance is first seen, when its address or TXT changes, and
// otherwise at most once per RefreshInterval/2 to renew Seen. Browse does not
// report removals: age entries by Seen (see StaleAfter). Entries without an
// IPv4 address are ignored. Browse keeps querying, so meetings that appear
// later are found, and returns only after zeroconf has closed all its channels.
func Browse(ctx context.Context, ifaces []net.Interface, found func(Entry)) error {
	if len(ifaces) == 0 {
		return fmt.Errorf("browse: %w", ErrNoInterfaces)
	}
	if found == nil {
		return errors.New("browse: found callback is nil")
	}
	b := &browser{
		ifaces:   slices.Clone(ifaces),
		prefixes: prefixesOf(ifaces),
		known:    make(map[string]Entry),
		events:   make(chan *zeroconf.ServiceEntry),
	}

	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		b.rounds.Wait()
	}()

	stopRound, err := b.startRound(ctx)
	if err != nil {
		return fmt.Errorf("browse: %w", err)
	}
	interval := firstRound
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case se := <-b.events:
			if e, ok := b.entry(se, time.Now()); ok && b.changed(e) {
				b.known[e.Instance] = e
				found(e)
			}
		case now := <-timer.C:
			// A failed round (an interface went away) keeps the old one running.
			if next, err := b.startRound(ctx); err == nil {
				stopRound()
				stopRound = next
			}
			b.prune(now)
			interval = min(2*interval, RefreshInterval)
			timer.Reset(interval)
		}
	}
}

// browser is the state of one Browse call, owned by its goroutine except for
// rounds and events, which the round goroutines use.
type browser struct {
	ifaces   []net.Interface
	prefixes []netip.Prefix
	known    map[string]Entry // last reported entry per instance
	events   chan *zeroconf.ServiceEntry
	rounds   sync.WaitGroup
}

// startRound starts fresh zeroconf resolvers, which query at once and report
// every instance they hear of once: one for IPv4 and, where it can join, one
// for IPv6. Both carry the A records; two packet families survive packet loss
// better than one. Separate resolvers, because a resolver for both families
// that fails to join IPv6 leaks the IPv4 socket it had already opened.
// Entries are forwarded to b.events until the returned stop function or ctx
// ends the round; the channels are drained until zeroconf closes them either
// way.
func (b *browser) startRound(ctx context.Context) (stop context.CancelFunc, err error) {
	ctx, cancel := context.WithCancel(ctx)
	var errs []error
	for _, family := range []zeroconf.IPType{zeroconf.IPv4, zeroconf.IPv6} {
		if err := b.resolve(ctx, family); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 2 {
		cancel()
		return nil, errors.Join(errs...)
	}
	return cancel, nil
}

// resolve runs one resolver for one IP family until ctx is done.
func (b *browser) resolve(ctx context.Context, family zeroconf.IPType) error {
	name := map[zeroconf.IPType]string{zeroconf.IPv4: "IPv4", zeroconf.IPv6: "IPv6"}[family]
	r, err := zeroconf.NewResolver(zeroconf.SelectIfaces(b.ifaces), zeroconf.SelectIPTraffic(family))
	if err != nil {
		return fmt.Errorf("%s resolver on %s: %w", name, ifaceNames(b.ifaces), err)
	}
	entries := make(chan *zeroconf.ServiceEntry, 8)
	b.rounds.Add(1)
	go func() {
		defer b.rounds.Done()
		for se := range entries {
			select {
			case b.events <- se:
			case <-ctx.Done(): // keep draining, or zeroconf never closes entries
			}
		}
	}()
	// On error zeroconf has cancelled its own loop, which closes entries.
	if err := r.Browse(ctx, ServiceType, Domain, entries); err != nil {
		return fmt.Errorf("%s query on %s: %w", name, ifaceNames(b.ifaces), err)
	}
	return nil
}

// entry converts a zeroconf result; ok is false if it has no IPv4 address.
func (b *browser) entry(se *zeroconf.ServiceEntry, now time.Time) (Entry, bool) {
	var first, local netip.Addr
	for _, ip := range se.AddrIPv4 {
		addr, ok := netip.AddrFromSlice(ip.To4())
		if !ok {
			continue
		}
		if !first.IsValid() {
			first = addr
		}
		if !local.IsValid() && slices.ContainsFunc(b.prefixes, func(p netip.Prefix) bool { return p.Contains(addr) }) {
			local = addr
		}
	}
	if local.IsValid() {
		first = local // the host may publish several networks' addresses: prefer ours
	}
	if !first.IsValid() || se.Port < 1 || se.Port > 65535 {
		return Entry{}, false
	}
	return Entry{
		Instance: unescape(se.Instance),
		Addr:     netip.AddrPortFrom(first, uint16(se.Port)),
		Text:     parseTXT(se.Text),
		Seen:     now,
	}, true
}

// changed reports whether e should be passed to found.
func (b *browser) changed(e Entry) bool {
	last, ok := b.known[e.Instance]
	return !ok || last.Addr != e.Addr || !maps.Equal(last.Text, e.Text) ||
		e.Seen.Sub(last.Seen) >= RefreshInterval/2
}

// prune forgets instances not reported for StaleAfter, so that a long browse
// does not keep every meeting ever seen.
func (b *browser) prune(now time.Time) {
	for k, e := range b.known {
		if now.Sub(e.Seen) > StaleAfter {
			delete(b.known, k)
		}
	}
}
