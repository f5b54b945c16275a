package mesh

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"dinh/sync/mesh/meshtest"
)

// TestSignedByDevice: what a node signs with its Syncthing device key is
// checked against its device ID alone; a changed message, another
// device's ID or certificate, and a cut signature are each refused.
func TestSignedByDevice(t *testing.T) {
	defer meshtest.NoLeaks(t)()
	base := t.TempDir()
	start := func(name string) *Node {
		n, err := Start(context.Background(), Config{Dir: filepath.Join(base, name), Listen: meshtest.FreeAddr(t)})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	central, hub := start("central"), start("hub")
	defer central.Close()
	defer hub.Close()
	msg := []byte(`{"dossier_id":"D1","reason":"damaged"}`)
	cert, sig, err := central.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	hubCert, hubSig, err := hub.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		id             string
		msg, cert, sig []byte
		ok             bool
	}{
		{"as signed", central.ID(), msg, cert, sig, true},
		{"the message changed", central.ID(), []byte(`{"dossier_id":"D2","reason":"damaged"}`), cert, sig, false},
		{"checked for another device", hub.ID(), msg, cert, sig, false},
		{"the hub's signature with central's certificate", central.ID(), msg, cert, hubSig, false},
		{"the hub's certificate and signature, claimed as central's", central.ID(), msg, hubCert, hubSig, false},
		{"the signature cut", central.ID(), msg, cert, sig[:len(sig)-1], false},
		{"no certificate", central.ID(), msg, nil, sig, false},
	}
	for _, tt := range tests {
		err := VerifySigned(tt.id, tt.msg, tt.cert, tt.sig)
		if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: got %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	if err := VerifySigned("not-an-id", msg, cert, sig); err == nil {
		t.Error("a malformed device ID passed")
	}
}
