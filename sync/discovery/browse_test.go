package discovery

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/grandcat/zeroconf"
)

func TestEntryConversion(t *testing.T) {
	b := &browser{prefixes: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/24")}}
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name   string
		se     zeroconf.ServiceEntry
		want   string // AddrPort, "" for ignored
		wantIn string // unescaped instance
	}{
		{
			name:   "address on our network preferred",
			se:     serviceEntry(`Ph\195\178ng A\.1`, 443, "192.168.9.9", "10.1.2.77"),
			want:   "10.1.2.77:443",
			wantIn: "Phòng A.1",
		},
		{name: "first address otherwise", se: serviceEntry("room", 443, "192.168.9.9", "172.16.0.1"), want: "192.168.9.9:443", wantIn: "room"},
		{name: "IPv6 only is ignored", se: serviceEntry("room", 443, "fe80::1"), want: ""},
		{name: "port zero is ignored", se: serviceEntry("room", 0, "10.1.2.77"), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := b.entry(&tt.se, now)
			if tt.want == "" {
				if ok {
					t.Fatalf("got %+v, want ignored", e)
				}
				return
			}
			if !ok {
				t.Fatal("got ignored, want an entry")
			}
			if e.Addr.String() != tt.want || e.Instance != tt.wantIn || !e.Seen.Equal(now) {
				t.Fatalf("got %s %q %v, want %s %q %v", e.Addr, e.Instance, e.Seen, tt.want, tt.wantIn, now)
			}
		})
	}
}

func serviceEntry(instance string, port int, ips ...string) zeroconf.ServiceEntry {
	se := zeroconf.ServiceEntry{Port: port, Text: []string{"v=1"}}
	se.Instance = instance
	for _, s := range ips {
		ip := net.ParseIP(s)
		if ip.To4() != nil {
			se.AddrIPv4 = append(se.AddrIPv4, ip)
		} else {
			se.AddrIPv6 = append(se.AddrIPv6, ip)
		}
	}
	return se
}

func TestChanged(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	last := Entry{
		Instance: "room",
		Addr:     netip.MustParseAddrPort("10.0.0.1:443"),
		Text:     map[string]string{"v": "1"},
		Seen:     t0,
	}
	tests := []struct {
		name string
		e    Entry
		want bool
	}{
		{"same, just seen", last, false},
		{"same, within half a refresh", with(last, func(e *Entry) { e.Seen = t0.Add(RefreshInterval/2 - time.Millisecond) }), false},
		{"same, half a refresh later", with(last, func(e *Entry) { e.Seen = t0.Add(RefreshInterval / 2) }), true},
		{"new instance", with(last, func(e *Entry) { e.Instance = "other" }), true},
		{"new address", with(last, func(e *Entry) { e.Addr = netip.MustParseAddrPort("10.0.0.2:443") }), true},
		{"new port", with(last, func(e *Entry) { e.Addr = netip.MustParseAddrPort("10.0.0.1:444") }), true},
		{"new TXT value", with(last, func(e *Entry) { e.Text = map[string]string{"v": "2"} }), true},
		{"TXT key added", with(last, func(e *Entry) { e.Text = map[string]string{"v": "1", "id": "x"} }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &browser{known: map[string]Entry{last.Instance: last}}
			if got := b.changed(tt.e); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("prune forgets stale entries", func(t *testing.T) {
		b := &browser{known: map[string]Entry{last.Instance: last}}
		b.prune(t0.Add(StaleAfter))
		if len(b.known) != 1 {
			t.Fatalf("got %d entries at StaleAfter, want 1", len(b.known))
		}
		b.prune(t0.Add(StaleAfter + time.Second))
		if len(b.known) != 0 {
			t.Fatalf("got %d entries after StaleAfter, want 0", len(b.known))
		}
	})
}

func with(e Entry, change func(*Entry)) Entry {
	change(&e)
	return e
}
