package mesh

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrBadAddress is a listen or peer address that is not tcp://HOST:PORT.
var ErrBadAddress = errors.New("mesh: an address is tcp://HOST:PORT, like tcp://192.168.1.10:22000")

// ParseAddr checks that addr is tcp://HOST:PORT and returns HOST:PORT.
func ParseAddr(addr string) (string, error) {
	hostport, ok := strings.CutPrefix(strings.TrimSpace(addr), "tcp://")
	if !ok {
		return "", fmt.Errorf("%q: %w", addr, ErrBadAddress)
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port == "" || strings.Trim(port, "0123456789") != "" {
		return "", fmt.Errorf("%q: %w", addr, ErrBadAddress)
	}
	return net.JoinHostPort(host, port), nil
}

// CheckListen binds addr for a moment, so that a node that cannot listen
// there (a typo, an address this machine does not have, a port another
// program holds) is refused at once, naming the address. Syncthing itself
// would only retry, quietly, for ever.
func CheckListen(addr string) error {
	hostport, err := ParseAddr(addr)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", hostport)
	if err != nil {
		return fmt.Errorf("mesh: cannot listen on %s: %w", addr, err)
	}
	return l.Close()
}

// ParsePeer reads a peer as an administrator writes it on a command line:
// ID=tcp://HOST:PORT, or ID alone for a peer that dials in. The node that
// is given the peer checks its ID and address.
func ParsePeer(s string) Peer {
	id, addr, _ := strings.Cut(strings.TrimSpace(s), "=")
	return Peer{ID: id, Addr: addr}
}

// ParsePeers is ParsePeer of each.
func ParsePeers(list []string) []Peer {
	var out []Peer
	for _, s := range list {
		out = append(out, ParsePeer(s))
	}
	return out
}
