package central

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dinh/internal/testenv"
	"dinh/offline/agekey"
	"dinh/offline/dossier/dossiertest"
	"dinh/offline/outbox"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
	"dinh/sync/mesh/meshtest"
	"dinh/sync/province/provincetest"
)

// runStock writes a config for Debian's stock Syncthing, sharing each of
// folders (ID → folder type) with every peer, starts it on s's address
// and returns a stop function, also called when the test ends.
func runStock(t testing.TB, s *provincetest.Site, peers []*provincetest.Site, folders map[string]string) (stop func()) {
	t.Helper()
	bin := testenv.Tool(t, "syncthing", "stock Syncthing; build/deps.sh test installs it")
	home := filepath.Join(s.Dir, "mesh") // cert.pem and key.pem are there already
	var devices, folderDevices, cfg strings.Builder
	for _, p := range append([]*provincetest.Site{s}, peers...) {
		fmt.Fprintf(&folderDevices, `<device id="%s"></device>`, p.ID)
		if p != s {
			fmt.Fprintf(&devices, `<device id="%s" name="peer" compression="metadata"><address>%s</address></device>`, p.ID, p.Addr)
		}
	}
	cfg.WriteString(`<configuration version="36">`)
	for id, typ := range folders {
		path := filepath.Join(s.Dir, id)
		os.MkdirAll(path, 0o700)
		fmt.Fprintf(&cfg, `<folder id="%s" label="%s" path="%s" type="%s" rescanIntervalS="3600" fsWatcherEnabled="false"><filesystemType>basic</filesystemType>%s</folder>`,
			id, id, path, typ, folderDevices.String())
	}
	fmt.Fprintf(&cfg, `%s<gui enabled="false"></gui><options>
<listenAddress>%s</listenAddress><globalAnnounceEnabled>false</globalAnnounceEnabled><localAnnounceEnabled>false</localAnnounceEnabled>
<relaysEnabled>false</relaysEnabled><natEnabled>false</natEnabled><urAccepted>-1</urAccepted><urSeen>3</urSeen>
<crashReportingEnabled>false</crashReportingEnabled><autoUpgradeIntervalH>0</autoUpgradeIntervalH><startBrowser>false</startBrowser>
<reconnectionIntervalS>2</reconnectionIntervalS><setLowPriority>false</setLowPriority></options></configuration>`, devices.String(), s.Addr)
	if err := os.WriteFile(filepath.Join(home, "config.xml"), []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--home="+home, "--no-browser", "--no-restart", "--no-default-folder", "--no-upgrade")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOGGER_DISCARD=") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+s.Dir, "STNODEFAULTFOLDER=1", "STNOUPGRADE=1")
	// Syncthing may fork a child of its own: stop the whole group, or the
	// child outlives the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	logFile := filepath.Join(s.Dir, "syncthing.log")
	out, _ := os.Create(logFile)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			cmd.Wait()
			out.Close()
		})
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			b, _ := os.ReadFile(logFile)
			t.Logf("stock Syncthing's log:\n%s", b)
		}
	})
	return stop
}

// TestStockSyncthingHub runs the commune hub as Debian's stock Syncthing
// 1.19, which knows nothing of Đình: a volunteer's dossier still reaches
// central once and its receipt comes back.
func TestStockSyncthingHub(t *testing.T) {
	base := t.TempDir()
	cpub, cpriv, _ := agekey.Generate()
	rpub, _, _ := agekey.Generate()
	dev, hub, cen := provincetest.NewSite(t, base, "dev"), provincetest.NewSite(t, base, "hub"), provincetest.NewSite(t, base, "central")
	w, err := volunteer.Init(filepath.Join(dev.Dir, "volunteer"), volunteer.Passphrase(pass), volunteer.Setup{Central: cpub, Recovery: rpub}, fastVault)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	id := dossiertest.SealOne(t, w.Desk, "Lò Thị Mai")
	runStock(t, hub, []*provincetest.Site{dev, cen}, map[string]string{communeID: "sendreceive", receiptsID: "sendreceive"})

	st := openCentral(t, cen, dev.ID)
	start(t, cen, []*provincetest.Site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.Node.Close()
	start(t, dev, []*provincetest.Site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	defer dev.Node.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	c := New(atSite(cen, st, cpriv, func(c *Config) { c.Log, c.Interval = slog.New(slog.DiscardHandler), time.Second }))
	cfg := field.Config{Node: dev.Node, CommuneID: communeID, CommuneDir: filepath.Join(dev.Dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(dev.Dir, "receipts"), Hub: hub.ID, Central: cen.ID,
		Outbox: w.Outbox, OutboxDir: filepath.Join(w.Dir, "outbox"), Interval: time.Second}
	wg.Add(2)
	go func() { defer wg.Done(); c.Run(ctx) }()
	go func() { defer wg.Done(); field.Run(ctx, cfg) }()

	meshtest.WaitFor(t, "the receipt through the stock hub", func() bool {
		e, _ := w.Outbox.Entry(id)
		return e.State == outbox.Receipted
	}, dev.Node, cen.Node)
	if ids, _ := st.IngestedIDs(); len(ids) != 1 || ids[0] != id {
		t.Errorf("central ingested %v", ids)
	}
}
