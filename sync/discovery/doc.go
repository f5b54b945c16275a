// Package discovery finds meetings on the room's LAN with mDNS/DNS-SD
// (service type _dinh._tcp, domain local.), on top of github.com/grandcat/zeroconf.
//
// The host announces a meeting; delegates browse for it and dial the IPv4
// address they are given. There is no Fyne here: results come back through a
// callback.
//
// # API
//
//	const ServiceType = "_dinh._tcp"
//	const Domain = "local."
//	const KeyID, KeyTitle, KeyFingerprint, KeyVersion = "id", "title", "fp", "v"
//	const RefreshInterval = 10 * time.Second // steady-state re-query period of Browse
//	const StaleAfter = 3 * RefreshInterval  // drop an Entry whose Seen is older than this
//	var ErrNoInterfaces, ErrUnknownInterface, ErrStopped error
//
//	// Interfaces resolves interface names ("lo", "eth0"). With no names it returns
//	// every interface that is up, has the MULTICAST flag and an IPv4 address.
//	func Interfaces(names []string) ([]net.Interface, error)
//
//	// InstanceName fits label + " " + suffix (e.g. a key fingerprint) into one
//	// DNS label (63 bytes), shortening label at a character boundary.
//	func InstanceName(label, suffix string) string
//
//	type Announcement struct {
//		Instance string            // unique, 1..63 bytes of UTF-8, see InstanceName
//		Port     int
//		Text     map[string]string // TXT; a long KeyTitle value is shortened, not refused
//	}
//
//	// Advertise announces a until ctx is done, shuts down and returns nil.
//	func Advertise(ctx context.Context, a Announcement, ifaces []net.Interface) error
//
//	// Announce is the non-blocking form: it returns once a is being announced.
//	func Announce(ctx context.Context, a Announcement, ifaces []net.Interface) (*Advertiser, error)
//	func (ad *Advertiser) Update(a Announcement) error // new TXT/port/instance, no gap in answers
//	func (ad *Advertiser) Done() <-chan struct{}      // closed once everything has stopped
//
//	type Entry struct {
//		Instance string
//		Addr     netip.AddrPort // IPv4 + port, ready to dial
//		Text     map[string]string
//		Seen     time.Time
//	}
//
//	// Browse calls found for new entries, changed entries and periodic
//	// refreshes until ctx is done, then returns nil.
//	func Browse(ctx context.Context, ifaces []net.Interface, found func(Entry)) error
//
// # Interfaces
//
// Every call takes an explicit, non-empty interface list: an empty list is an
// error, never "all interfaces". On the loopback interface "lo", which has no
// MULTICAST flag, advertising and browsing still work when "lo" is named; the
// advertiser then publishes 127.0.0.1.
//
// # Advertising
//
// The advertiser publishes the IPv4 addresses of the given interfaces under a
// host name of its own, "<sanitised os.Hostname>-<8 hex digits of
// sha256(instance)>.local.", so its address records never clash with the
// system's mDNS responder or with another laptop that has the same host name.
//
// zeroconf does no name-conflict probing: the caller makes Instance unique,
// for example with InstanceName(roomTitle, fingerprint).
//
// Update re-registers: it starts a responder with the new records and then shuts
// the old one down. Queries are answered throughout. The old responder's goodbye
// (TTL 0) followed by the new responder's announcements makes zeroconf browsers
// report the entry again, so a changed TXT reaches Browse within about a second
// on a quiet LAN, and within one RefreshInterval at worst.
//
// Done (and Advertise) waits for zeroconf's announcement goroutine, which
// zeroconf neither tracks nor stops; it lives about 3.5 s after each
// registration. Cancelling early therefore takes up to that long to finish.
//
// # Browsing
//
// The pinned zeroconf browser reports each instance only once per resolver and
// drops goodbye packets (TTL 0) without telling its caller, so Browse can
// neither see TXT changes through a single resolver nor report removals.
// Instead Browse runs overlapping resolver "rounds": new resolvers, which
// query at once, start after 1, 2, 4 and 8 s and then every RefreshInterval,
// and the previous ones are stopped. Browse compares what each round reports
// with what it has already reported and calls found:
//
//   - when an instance is seen for the first time;
//   - when its address or TXT changed;
//   - otherwise at most once per RefreshInterval/2, with a fresh Seen.
//
// There is no removal callback. The consumer ages its entries by Seen and drops
// those older than StaleAfter. A host that shuts down cleanly also stops
// answering, so its entry stops being refreshed.
//
// found is called from the goroutine running Browse, one call at a time, never
// after Browse has returned; it should return quickly. Browse keeps draining
// zeroconf's channels and returns only after zeroconf has closed every one of
// them; zeroconf closes its sockets, and its last reader goroutines end, right
// after that.
//
// Entries carry IPv4 addresses only: IPv6 answers hold link-local addresses
// without a zone. Each round still listens on both families (two resolvers,
// IPv6 only where it can join), since every answer is sent on both and the A
// records come in either, which halves the effect of packet loss. Instance
// names and TXT strings arrive in DNS presentation format (\DDD escapes for
// non-ASCII bytes); Browse unescapes them, so Vietnamese titles come back
// intact.
package discovery
