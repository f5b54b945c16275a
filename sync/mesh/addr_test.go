package mesh

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

func TestCheckListen(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	tests := []struct {
		addr string
		err  error
	}{
		{"tcp://127.0.0.1:0", nil},
		{"127.0.0.1:22000", ErrBadAddress},
		{"tcp://127.0.0.1", ErrBadAddress},
		{"tcp://127.0.0.1:http", ErrBadAddress},
		{"udp://127.0.0.1:22000", ErrBadAddress},
		{"tcp://" + held.Addr().String(), syscall.EADDRINUSE},
		{"tcp://192.0.2.1:22000", syscall.EADDRNOTAVAIL}, // TEST-NET-1: not this machine's
	}
	for _, tt := range tests {
		err := CheckListen(tt.addr)
		if !errors.Is(err, tt.err) || (err != nil && !strings.Contains(err.Error(), tt.addr)) {
			t.Errorf("CheckListen(%q) = %v, want %v naming the address", tt.addr, err, tt.err)
		}
	}
}

func TestParsePeer(t *testing.T) {
	tests := []struct {
		in   string
		want Peer
	}{
		{"ABC=tcp://127.0.0.1:22001", Peer{ID: "ABC", Addr: "tcp://127.0.0.1:22001"}},
		{" ABC ", Peer{ID: "ABC"}},
		{"ABC=", Peer{ID: "ABC"}},
	}
	for _, tt := range tests {
		if got := ParsePeer(tt.in); got != tt.want {
			t.Errorf("ParsePeer(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
