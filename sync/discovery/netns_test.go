package discovery

import (
	"bufio"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dinh/internal/testenv"
)

// The netns tests run an advertiser and a browser in two network namespaces
// joined by a veth pair, each in a child process started with
// "ip netns exec NS <test binary> -test.run=^$" and the role in DINH_DISCOVERY_HELPER. Nothing
// leaves the namespaces the test creates.

const helperEnv = "DINH_DISCOVERY_HELPER" // "advertise" or "browse"

// TestMain runs the child side of TestNetns when the environment asks.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		helperProcess(mode)
	}
	os.Exit(m.Run())
}

// helperProcess advertises or browses, as the child side of TestNetns.
func helperProcess(mode string) {
	ifaces, err := Interfaces([]string{os.Getenv("DINH_IFACE")})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	instance := os.Getenv("DINH_INSTANCE")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	switch mode {
	case "advertise":
		port, _ := strconv.Atoi(os.Getenv("DINH_PORT"))
		a := Announcement{Instance: instance, Port: port, Text: map[string]string{KeyTitle: "Kỳ họp thử"}}
		ad, err := Announce(ctx, a, ifaces)
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println("ready")
		// Run until the parent closes stdin.
		_, _ = bufio.NewReader(os.Stdin).ReadString(0)
		cancel()
		<-ad.Done()
		os.Exit(0)
	case "browse":
		timeout, _ := time.ParseDuration(os.Getenv("DINH_TIMEOUT"))
		ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
		defer cancelTimeout()
		start := time.Now()
		var found *Entry
		_ = Browse(ctx, ifaces, func(e Entry) {
			if e.Instance == instance && found == nil {
				found = &e
				fmt.Printf("found %s %s %d\n", e.Addr, e.Text[KeyTitle], time.Since(start).Microseconds())
				cancel()
			}
		})
		if found == nil {
			fmt.Println("timeout")
			os.Exit(1)
		}
		os.Exit(0)
	}
	fmt.Println("error unknown helper mode", mode)
	os.Exit(2)
}

// netnsPair is two namespaces joined by veth: a (10.199.N.1) and b (10.199.N.2).
type netnsPair struct {
	nsA, nsB     string
	vethA, vethB string
	addrA        netip.Addr
}

func newNetnsPair(t *testing.T, id int) *netnsPair {
	t.Helper()
	n := (os.Getpid()+id)%250 + 1
	p := &netnsPair{
		nsA:   fmt.Sprintf("dinhtest-%d-%d-a", os.Getpid(), id),
		nsB:   fmt.Sprintf("dinhtest-%d-%d-b", os.Getpid(), id),
		vethA: fmt.Sprintf("dt%d-%da", os.Getpid(), id),
		vethB: fmt.Sprintf("dt%d-%db", os.Getpid(), id),
		addrA: netip.AddrFrom4([4]byte{10, 199, byte(n), 1}),
	}
	t.Cleanup(func() {
		for _, ns := range []string{p.nsA, p.nsB} {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				t.Logf("ip netns del %s: %v: %s", ns, err, out)
			}
		}
	})
	run(t, "ip", "netns", "add", p.nsA)
	run(t, "ip", "netns", "add", p.nsB)
	run(t, "ip", "link", "add", p.vethA, "netns", p.nsA, "type", "veth", "peer", "name", p.vethB, "netns", p.nsB)
	run(t, "ip", "-n", p.nsA, "addr", "add", p.addrA.String()+"/24", "dev", p.vethA)
	run(t, "ip", "-n", p.nsB, "addr", "add", fmt.Sprintf("10.199.%d.2/24", n), "dev", p.vethB)
	for _, nv := range [][2]string{{p.nsA, p.vethA}, {p.nsB, p.vethB}} {
		run(t, "ip", "-n", nv[0], "link", "set", "lo", "up")
		run(t, "ip", "-n", nv[0], "link", "set", nv[1], "up")
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// helper returns a command running TestHelperProcess in namespace ns.
func helper(t *testing.T, ns, mode string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable() // not /proc/self/exe: ip would resolve it to itself
	if err != nil {
		t.Fatalf("test binary: %v", err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	return cmd
}

// advertiseIn starts an advertiser in p.nsA and returns when it is announcing.
func advertiseIn(t *testing.T, p *netnsPair, instance string, port int) {
	t.Helper()
	cmd := helper(t, p.nsA, "advertise", "DINH_IFACE="+p.vethA, "DINH_INSTANCE="+instance, "DINH_PORT="+strconv.Itoa(port))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start advertiser: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close() // the helper stops when stdin closes
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("advertiser: %v", err)
			}
		case <-time.After(waitLong):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("advertiser did not stop within %v", waitLong)
		}
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line)
		_, _ = bufio.NewReader(stdout).WriteTo(devNull{})
	}()
	select {
	case line := <-ready:
		if line != "ready" {
			t.Fatalf("advertiser: got %q, want ready", line)
		}
	case <-time.After(waitLong):
		t.Fatal("advertiser not ready")
	}
}

type devNull struct{}

func (devNull) Write(b []byte) (int, error) { return len(b), nil }

// browseIn runs a browser in p.nsB and returns the address it found and how
// long that took.
func browseIn(t *testing.T, p *netnsPair, instance string) (netip.AddrPort, time.Duration) {
	t.Helper()
	cmd := helper(t, p.nsB, "browse", "DINH_IFACE="+p.vethB, "DINH_INSTANCE="+instance, "DINH_TIMEOUT="+waitLong.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser: %v: %s", err, out)
	}
	var addr, title string
	var took int64
	line := strings.TrimSpace(string(out))
	// "found <addr> <title with spaces> <ms>"
	fields := strings.Fields(line)
	if len(fields) < 4 || fields[0] != "found" {
		t.Fatalf("browser: got %q, want found ...", line)
	}
	addr, title = fields[1], strings.Join(fields[2:len(fields)-1], " ")
	took, _ = strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if title != "Kỳ họp thử" {
		t.Errorf("got title %q, want %q", title, "Kỳ họp thử")
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatalf("browser: address %q: %v", addr, err)
	}
	return ap, time.Duration(took) * time.Microsecond
}

func TestNetns(t *testing.T) {
	testenv.Root(t, "create network namespaces")
	testenv.Tool(t, "ip", "iproute2; build/deps.sh test installs it")
	if err := exec.Command("ip", "netns", "list").Run(); err != nil {
		testenv.Skip(t, "ip netns unusable: %v", err)
	}

	tests := []struct {
		name   string
		loss   bool // drop ~50% of the advertiser's mDNS packets
		trials int
	}{
		{name: "veth", trials: 3},
		{name: "veth with 50% mDNS loss", loss: true, trials: 20},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.loss {
				testenv.Tool(t, "nft", "nftables, to drop packets; build/deps.sh test installs it")
			}
			p := newNetnsPair(t, i)
			if tt.loss {
				rules := "table inet dinhtest {\n chain out {\n  type filter hook output priority 0; policy accept;\n" +
					"  udp sport 5353 numgen random mod 100 < 50 counter drop\n }\n}\n"
				cmd := exec.Command("ip", "netns", "exec", p.nsA, "nft", "-f", "-")
				cmd.Stdin = strings.NewReader(rules)
				if out, err := cmd.CombinedOutput(); err != nil {
					testenv.Skip(t, "nft unusable in a namespace: %v: %s", err, out)
				}
			}
			instance := uniqueInstance("Phòng họp netns")
			advertiseIn(t, p, instance, 47020)
			want := netip.AddrPortFrom(p.addrA, 47020)
			var took []string
			for range tt.trials {
				got, d := browseIn(t, p, instance)
				if got != want {
					t.Fatalf("got %v, want %v", got, want)
				}
				took = append(took, d.Round(10*time.Microsecond).String())
			}
			t.Logf("found %s after %s", want, strings.Join(took, ", "))
			if tt.loss {
				// The loss must have happened for the case to mean anything.
				dropped := droppedPackets(t, p.nsA)
				if dropped == 0 {
					t.Fatal("the nft rule dropped no mDNS packet, want some dropped")
				}
				t.Logf("nft dropped %d of the advertiser's mDNS packets", dropped)
			}
		})
	}
}

var nftPackets = regexp.MustCompile(`counter packets (\d+) bytes`)

// droppedPackets reads the drop rule's counter in the namespace ns.
func droppedPackets(t *testing.T, ns string) int {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "dinhtest", "out").Output()
	if err != nil {
		t.Fatalf("nft list: %v", err)
	}
	m := nftPackets.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no counter in the nft rule: %s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
