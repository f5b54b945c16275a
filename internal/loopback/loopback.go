// Package loopback picks loopback addresses for nodes that the demo and
// the tests start and restart on this machine.
package loopback

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
)

// Ports below the range systems give outgoing connections (32768 and up
// on Linux, 49152 and up on Windows).
const (
	low  = 20000
	high = 32000
)

// FreeAddr returns tcp://127.0.0.1:PORT that nothing listens on now, with
// PORT below the range of outgoing connections. A node stopped and started
// again there finds the port free: an ephemeral port does not promise
// that, since a connection dialled meanwhile (a peer retrying) may be given
// the same port as its own end.
func FreeAddr() (string, error) {
	for range 64 {
		port := low + rand.IntN(high-low)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return fmt.Sprintf("tcp://127.0.0.1:%d", port), nil
	}
	return "", errors.New("loopback: no free port")
}
