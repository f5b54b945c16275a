package central

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"dinh/internal/testenv"
	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store/storetest"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province"
	"dinh/sync/province/provincetest"
)

// ruralLink is the link between a village and its commune hub, as a proxy
// (Toxiproxy, in the test's process): 256 kbit/s each way, 300 ms of delay
// (±100 ms) each way; cut stops it, up starts it again.
type ruralLink struct {
	t    *testing.T
	p    *toxiproxy.Proxy
	addr string // tcp://HOST:PORT
}

func newRuralLink(t *testing.T, upstream string) *ruralLink {
	t.Helper()
	zerolog.SetGlobalLevel(zerolog.Disabled) // the toxics log on their own logger, to the terminal
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	listen := strings.TrimPrefix(meshtest.FreeAddr(t), "tcp://")
	l := &ruralLink{t: t, p: toxiproxy.NewProxy(srv, "rural", listen, upstream), addr: "tcp://" + listen}
	l.up()
	for _, stream := range []string{"upstream", "downstream"} {
		for _, toxic := range []string{
			`{"type":"latency","attributes":{"latency":300,"jitter":100}}`,
			`{"type":"bandwidth","attributes":{"rate":32}}`, // KB/s: 256 kbit/s
		} {
			j := strings.Replace(toxic, `{"type"`, `{"stream":"`+stream+`","type"`, 1)
			if _, err := l.p.Toxics.AddToxicJson(bytes.NewReader([]byte(j))); err != nil {
				t.Fatal(err)
			}
		}
	}
	return l
}

// up starts the link again after a cut; its toxics stay.
func (l *ruralLink) up() {
	l.t.Helper()
	if err := l.p.Start(); err != nil {
		l.t.Fatal(err)
	}
}

// cut drops the link and every connection on it.
func (l *ruralLink) cut() { l.p.Stop() }

// toxiproxyLeftovers are the goroutines Toxiproxy v2.5.0 leaves behind
// when a proxy stops with data in flight: its toxics wait to hand on what
// they hold, forever. They are the tool's, not Đình's.
var toxiproxyLeftovers = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/Shopify/toxiproxy/v2/toxics.(*LatencyToxic).Pipe"),
	goleak.IgnoreTopFunction("github.com/Shopify/toxiproxy/v2/toxics.(*BandwidthToxic).Pipe"),
	goleak.IgnoreTopFunction("github.com/Shopify/toxiproxy/v2/toxics.(*NoopToxic).Pipe"),
}

// lossyLink drops 2 % of the packets to and from port on this network
// namespace's loopback, both ways, counting them (nftables; this kernel
// has no netem). The test runs in a namespace of its own: nothing else
// loses a packet.
type lossyLink struct {
	t   *testing.T
	nft string
}

func newLossyLink(t *testing.T, port string) *lossyLink {
	t.Helper()
	l := &lossyLink{t: t, nft: testenv.Tool(t, "nft", "apt-get install nftables")}
	l.run("add", "table", "inet", "rural")
	l.run("add", "chain", "inet", "rural", "out", "{ type filter hook output priority 0; }")
	for _, dir := range []string{"dport", "sport"} {
		l.run("add", "rule", "inet", "rural", "out", "tcp", dir, port, "numgen", "random", "mod", "100", "<", "2", "counter", "drop")
	}
	return l
}

func (l *lossyLink) run(args ...string) string {
	l.t.Helper()
	out, err := exec.Command(l.nft, args...).CombinedOutput()
	if err != nil {
		l.t.Fatalf("nft %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// dropped is how many packets the link has dropped so far.
func (l *lossyLink) dropped() int {
	l.t.Helper()
	n := 0
	for _, m := range regexp.MustCompile(`counter packets (\d+)`).FindAllStringSubmatch(l.run("list", "table", "inet", "rural"), -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

// inOwnNetwork runs the calling test again, alone, in a network namespace
// of its own with only its loopback up, and reports its result; it says
// false there, where the test goes on.
func inOwnNetwork(t *testing.T, why string) bool {
	t.Helper()
	if os.Getenv("DINH_OWN_NETWORK") != "" {
		if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
			t.Fatalf("loopback up: %v\n%s", err, out)
		}
		return false
	}
	testenv.Root(t, why)
	unshare := testenv.Tool(t, "unshare", "util-linux")
	testenv.Tool(t, "ip", "apt-get install iproute2")
	cmd := exec.Command(unshare, "--net", os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.timeout=25m")
	cmd.Env = append(os.Environ(), "DINH_OWN_NETWORK=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr // as it goes: the test takes minutes
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s in its own network: %v", t.Name(), err)
	}
	return true
}

// TestRuralLink: a 10 MB dossier goes from a village over a rural link
// (256 kbit/s, 300 ms each way, 2 % of packets lost, cut twice for 30 s)
// to the commune hub and on to central. The volunteer sees its progress
// move; each cut is seen by the device (no hub) and the transfer goes on
// after it; packets were lost on the way; central ingests the dossier
// once, and exactly one receipt comes back.
func TestRuralLink(t *testing.T) {
	testenv.Short(t, "a 10 MB dossier at 256 kbit/s takes minutes")
	if inOwnNetwork(t, "lose packets on a loopback of its own") {
		return
	}
	defer meshtest.NoLeaks(t, toxiproxyLeftovers...)()
	base := t.TempDir()
	_, key, _ := agekey.Generate()
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	dev, hub, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")
	const code = "25001"
	commune, receipts := province.CommuneFolder(code), province.ReceiptsFolder(code)
	link := newRuralLink(t, strings.TrimPrefix(hub.Addr, "tcp://"))
	defer link.cut()
	loss := newLossyLink(t, link.addr[strings.LastIndex(link.addr, ":")+1:])

	// The device's outbox holds one sealed dossier of 10 MB.
	const id = "RURAL"
	content := make([]byte, 10<<20)
	rand.Read(content)
	sealed := dossiertest.Sealed(t, id, content, key.Public(), devKey)
	ob := outbox.New(storetest.OpenDir(t, filepath.Join(dev.Dir, "store")), filepath.Join(dev.Dir, "outbox"), nil, time.Hour)
	os.MkdirAll(filepath.Join(dev.Dir, "outbox"), 0o700)
	if err := os.WriteFile(filepath.Join(dev.Dir, "outbox", id+seal.Ext), sealed, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(sealed)
	if err := ob.AddDraft(id, "1.001193", "LVS"); err != nil {
		t.Fatal(err)
	}
	if err := ob.MarkSealed(id, id+seal.Ext, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		for _, s := range []*provincetest.Site{hub, cen} {
			if s.Node != nil {
				s.Node.Close()
			}
		}
	}()
	// The hub does not dial the village: every connection crosses the link.
	n, err := mesh.Start(context.Background(), mesh.Config{Dir: filepath.Join(hub.Dir, "mesh"), Listen: hub.Addr,
		Peers: []mesh.Peer{{ID: dev.ID}, {ID: cen.ID, Addr: cen.Addr}},
		Folders: []mesh.Folder{
			{ID: commune, Path: filepath.Join(hub.Dir, "commune"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
			{ID: receipts, Path: filepath.Join(hub.Dir, "receipts"), Type: mesh.SendReceive, Peers: []string{dev.ID, cen.ID}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	hub.Node = n
	cen.Start(t, []*provincetest.Site{hub}, []mesh.Folder{
		{ID: commune, Path: filepath.Join(cen.Dir, "commune"), Type: mesh.ReceiveOnly, Peers: []string{hub.ID}},
		{ID: receipts, Path: filepath.Join(cen.Dir, "receipts"), Type: mesh.SendOnly, Peers: []string{hub.ID}},
	}, nil)
	st := openCentral(t, cen, dev.ID)
	c := New(Config{Store: st, Key: key, Node: cen.Node, CommuneID: commune, CommuneDir: filepath.Join(cen.Dir, "commune"),
		ReceiptsID: receipts, ReceiptsDir: filepath.Join(cen.Dir, "receipts"), DataDir: cen.Dir,
		Log: slog.New(slog.DiscardHandler), Interval: time.Second})
	wg.Go(func() { c.Run(ctx) })

	d, err := field.NewDevice(field.DeviceConfig{Dir: dev.Dir, Outbox: ob, Interval: time.Second,
		Settings: field.Settings{Commune: code, Listen: meshtest.FreeAddr(t), Hub: hub.ID, HubAddr: link.addr, Central: cen.ID}})
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { d.Run(ctx) })

	// The volunteer's progress: what the hub still lacks, as it falls.
	var seen []int64
	began := time.Now()
	progress := func() bool {
		if b := d.Status().SendBytes; b > 0 && (len(seen) == 0 || b < seen[len(seen)-1]) {
			seen = append(seen, b)
			t.Logf("%5.1f s: the hub still lacks %d bytes", time.Since(began).Seconds(), b)
		}
		return false
	}
	await := func(what string, within time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.After(within)
		for {
			ch := d.Changed()
			progress()
			if cond() {
				return
			}
			select {
			case <-ch:
			case <-deadline:
				t.Fatalf("%s: not within %s (progress %v)", what, within, seen)
			}
		}
	}
	for cut := 1; cut <= 2; cut++ {
		before := len(seen)
		await(fmt.Sprintf("progress before cut %d", cut), 5*time.Minute, func() bool { return len(seen) >= before+3 })
		link.cut()
		t.Logf("%5.1f s: cut %d", time.Since(began).Seconds(), cut)
		await(fmt.Sprintf("the device to lose its hub in cut %d", cut), time.Minute, func() bool { return !d.Status().HubConnected })
		select {
		case <-time.After(30 * time.Second): // the cut itself
		case <-ctx.Done():
		}
		link.up()
	}
	await("the receipt on the device", 10*time.Minute, func() bool {
		e, _ := ob.Entry(id)
		return e.State == outbox.Receipted
	})
	if len(seen) < 8 {
		t.Errorf("the progress moved %d times, want it to move all along: %v", len(seen), seen)
	}
	if ids, _ := st.IngestedIDs(); len(ids) != 1 {
		t.Errorf("central ingested %v, want the dossier once", ids)
	}
	if n := loss.dropped(); n == 0 {
		t.Error("the link lost no packet")
	} else {
		t.Logf("the link lost %d packets", n)
	}
}
