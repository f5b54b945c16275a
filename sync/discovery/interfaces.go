package discovery

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// ErrNoInterfaces is returned when there is no interface to work on: an empty
// list was passed, or no interface is up with MULTICAST and an IPv4 address.
var ErrNoInterfaces = errors.New("no usable network interface")

// ErrUnknownInterface is returned by Interfaces for a name that does not exist.
var ErrUnknownInterface = errors.New("unknown network interface")

// Interfaces resolves interface names such as "lo" or "eth0". Duplicates are
// dropped and a named interface that is down is an error.
//
// With no names it returns every interface that is up, has the MULTICAST flag
// and an IPv4 address, which is what a real meeting room uses; if there is none
// the error wraps ErrNoInterfaces.
func Interfaces(names []string) ([]net.Interface, error) {
	if len(names) == 0 {
		all, err := net.Interfaces()
		if err != nil {
			return nil, fmt.Errorf("list interfaces: %w", err)
		}
		var out []net.Interface
		for _, ifi := range all {
			if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 {
				continue
			}
			if len(ipv4Prefixes(ifi)) == 0 {
				continue
			}
			out = append(out, ifi)
		}
		if len(out) == 0 {
			return nil, ErrNoInterfaces
		}
		return out, nil
	}

	seen := make(map[string]bool, len(names))
	out := make([]net.Interface, 0, len(names))
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %w", ErrUnknownInterface, name, err)
		}
		if ifi.Flags&net.FlagUp == 0 {
			return nil, fmt.Errorf("interface %q is down", name)
		}
		out = append(out, *ifi)
	}
	return out, nil
}

// ipv4Prefixes returns the IPv4 addresses of ifi with their prefix lengths,
// loopback included.
func ipv4Prefixes(ifi net.Interface) []netip.Prefix {
	addrs, err := ifi.Addrs()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip4 := ipnet.IP.To4()
		if ip4 == nil {
			continue
		}
		ones, bits := ipnet.Mask.Size()
		if bits == 128 { // IPv4 address with a 16-byte mask
			ones -= 96
		}
		addr, _ := netip.AddrFromSlice(ip4)
		out = append(out, netip.PrefixFrom(addr, ones))
	}
	return out
}

// prefixesOf returns the IPv4 prefixes of all ifaces.
func prefixesOf(ifaces []net.Interface) []netip.Prefix {
	var out []netip.Prefix
	for _, ifi := range ifaces {
		out = append(out, ipv4Prefixes(ifi)...)
	}
	return out
}

// Names are the interfaces' names, for a person: "lo, eth0".
func Names(ifaces []net.Interface) string {
	var out []string
	for _, i := range ifaces {
		out = append(out, i.Name)
	}
	return strings.Join(out, ", ")
}
