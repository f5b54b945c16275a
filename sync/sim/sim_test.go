package sim

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
)

// scenario is one simulated province.
type scenario struct {
	devices, hubs, perDevice, size int
}

// BenchmarkProvince runs N devices through M hubs to central until every
// receipt is back on every device, and reports the time, the rate, and
// the memory of central and the hubs (real dinhd processes) and of a
// device. DINH_SIM="N,M,K,BYTES" runs one scenario of your own.
func BenchmarkProvince(b *testing.B) {
	scenarios := []scenario{{20, 2, 10, 200 << 10}, {40, 4, 5, 200 << 10}, {32, 32, 4, 200 << 10}}
	if s := os.Getenv("DINH_SIM"); s != "" {
		var sc scenario
		if _, err := fmt.Sscanf(s, "%d,%d,%d,%d", &sc.devices, &sc.hubs, &sc.perDevice, &sc.size); err != nil {
			b.Fatalf("DINH_SIM=%q: want N,M,K,BYTES: %v", s, err)
		}
		scenarios = []scenario{sc}
	}
	bin := buildDinhd(b)
	for _, sc := range scenarios {
		b.Run(fmt.Sprintf("devices=%d/hubs=%d/dossiers=%d", sc.devices, sc.hubs, sc.devices*sc.perDevice), func(b *testing.B) {
			var r result
			for range b.N {
				r = simulate(b, bin, sc)
			}
			n := float64(sc.devices * sc.perDevice)
			b.ReportMetric(r.elapsed.Seconds(), "s-all-receipted")
			b.ReportMetric(n/r.elapsed.Seconds(), "dossiers/s")
			b.ReportMetric(float64(r.centralHWM)/(1<<20), "central-peak-RSS-MB")
			b.ReportMetric(float64(r.hubHWM)/(1<<20), "hub-peak-RSS-MB")
			b.ReportMetric(float64(r.deviceHeap)/(1<<20), "device-heap-MB")
		})
	}
}

type result struct {
	elapsed            time.Duration
	centralHWM, hubHWM int64 // peak resident set, bytes; hubHWM is the largest hub's
	deviceHeap         int64 // the devices' process heap in use, per device
}

func buildDinhd(b *testing.B) string {
	b.Helper()
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "dinhd")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/dinhd")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build dinhd: %v\n%s", err, out)
	}
	return bin
}

// proc is a dinhd process.
type proc struct {
	cmd *exec.Cmd
	out *meshtest.LogBuf
}

func start(b *testing.B, bin string, args ...string) *proc {
	b.Helper()
	p := &proc{cmd: exec.Command(bin, args...), out: &meshtest.LogBuf{}}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.stop() })
	return p
}

func (p *proc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the process's VmHWM, in bytes.
func (p *proc) peakRSS() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func dinhd(b *testing.B, bin string, args ...string) string {
	b.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("dinhd %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func field1(out, key string) string {
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, key+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// device is a simulated volunteer's device.
type device struct {
	dir string
	id  string
	st  *store.Store
	ob  *outbox.Outbox
	dev *field.Device
}

func simulate(b *testing.B, bin string, sc scenario) result {
	b.StopTimer()
	base := b.TempDir()
	cdir := filepath.Join(base, "central")
	out := dinhd(b, bin, "central", "init", "--data", cdir)
	cenID := field1(out, "device")
	cpub, err := agekey.ParsePublic(field1(out, "central.pub"))
	if err != nil {
		b.Fatal(err, out)
	}
	_, devKey, _ := ed25519.GenerateKey(rand.Reader)
	content := make([]byte, sc.size)
	rand.Read(content)

	// Devices, each with its sealed dossiers in its outbox, enrolled.
	devs := make([]*device, sc.devices)
	for i := range devs {
		d := &device{dir: filepath.Join(base, fmt.Sprintf("device%03d", i))}
		if d.id, err = field.DeviceID(d.dir); err != nil {
			b.Fatal(err)
		}
		if d.st, err = store.Open(d.dir); err != nil {
			b.Fatal(err)
		}
		d.ob = outbox.New(d.st, filepath.Join(d.dir, "outbox"), time.Now, 30*24*time.Hour)
		os.MkdirAll(filepath.Join(d.dir, "outbox"), 0o700)
		for k := range sc.perDevice {
			id := fmt.Sprintf("SIM%03d%05d", i, k)
			sealed := dossiertest.Sealed(b, id, content, cpub, devKey)
			name := id + seal.Ext
			if err := os.WriteFile(filepath.Join(d.dir, "outbox", name), sealed, 0o600); err != nil {
				b.Fatal(err)
			}
			sum := sha256.Sum256(sealed)
			if err := d.ob.AddDraft(id, "1.001193", "SIM"); err != nil {
				b.Fatal(err)
			}
			if err := d.ob.MarkSealed(id, name, hex.EncodeToString(sum[:])); err != nil {
				b.Fatal(err)
			}
		}
		dinhd(b, bin, "central", "devices", "add", d.id, "--data", cdir)
		devs[i] = d
	}
	// The devices' syncs run until the run ends; the stores close after.
	devCtx, stopDevices := context.WithCancel(context.Background())
	var devRuns sync.WaitGroup
	defer func() {
		stopDevices()
		devRuns.Wait()
		for _, d := range devs {
			d.st.Close()
		}
	}()

	// Hubs, one per commune, each serving its share of the devices.
	cenAddr := meshtest.FreeAddr(b)
	type hub struct{ code, id, addr, dir string }
	hubs := make([]hub, sc.hubs)
	for h := range hubs {
		hubs[h] = hub{code: fmt.Sprintf("25%03d", h), addr: meshtest.FreeAddr(b), dir: filepath.Join(base, fmt.Sprintf("hub%03d", h))}
		if hubs[h].id, err = mesh.Identity(filepath.Join(hubs[h].dir, "mesh")); err != nil {
			b.Fatal(err)
		}
	}
	cargs := []string{"central", "run", "--data", cdir, "--listen", cenAddr, "--http", "127.0.0.1:0"}
	for _, h := range hubs {
		cargs = append(cargs, "--hub", h.code+","+h.id+","+h.addr)
	}
	cen := start(b, bin, cargs...)
	var hubProcs []*proc
	for h, hb := range hubs {
		args := []string{"hub", "--data", hb.dir, "--listen", hb.addr, "--commune", hb.code, "--central", cenID + "=" + cenAddr}
		for i, d := range devs {
			if i%sc.hubs == h {
				args = append(args, "--peer", d.id)
			}
		}
		hubProcs = append(hubProcs, start(b, bin, args...))
	}

	// Go: every device starts its sync, and the clock runs until every
	// dossier has its receipt on its device.
	b.StartTimer()
	t0 := time.Now()
	for i, d := range devs {
		hb := hubs[i%sc.hubs]
		d.dev, err = field.NewDevice(field.DeviceConfig{Dir: d.dir, Outbox: d.ob, Interval: time.Second,
			Settings: field.Settings{Commune: hb.code, Listen: meshtest.FreeAddr(b), Hub: hb.id, HubAddr: hb.addr, Central: cenID}})
		if err != nil {
			b.Fatal(err)
		}
		devRuns.Go(func() { d.dev.Run(devCtx) })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				ch := d.dev.Changed()
				if d.ob.Counts()[outbox.Receipted] == sc.perDevice {
					return
				}
				select {
				case <-ch:
				case <-ctx.Done():
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	if ctx.Err() != nil {
		b.Fatalf("not every receipt came back in time; central said:\n%s", tail(cen.out.String()))
	}
	r := result{elapsed: elapsed, centralHWM: cen.peakRSS()}
	for _, h := range hubProcs {
		r.hubHWM = max(r.hubHWM, h.peakRSS())
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.deviceHeap = int64(ms.HeapInuse) / int64(sc.devices)
	return r
}

func tail(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}
