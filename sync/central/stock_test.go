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
	"testing"
	"time"

	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
	"dinh/sync/field"
	"dinh/sync/mesh"
)

// stockHub writes a config for Debian's stock Syncthing as a commune hub
// and starts it; it is stopped when the test ends.
func stockHub(t *testing.T, hub *site, peers []*site) {
	t.Helper()
	bin, err := exec.LookPath("syncthing")
	if err != nil {
		t.Skip("stock Syncthing is not installed (apt-get install syncthing)")
	}
	home := filepath.Join(hub.dir, "mesh") // cert.pem and key.pem are there already
	var devices, folderDevices strings.Builder
	for _, p := range append([]*site{hub}, peers...) {
		fmt.Fprintf(&folderDevices, `<device id="%s"></device>`, p.id)
		if p != hub {
			fmt.Fprintf(&devices, `<device id="%s" name="peer" compression="metadata"><address>%s</address></device>`, p.id, p.addr)
		}
	}
	folder := func(id string) string {
		path := filepath.Join(hub.dir, id)
		os.MkdirAll(path, 0o700)
		return fmt.Sprintf(`<folder id="%s" label="%s" path="%s" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="false"><filesystemType>basic</filesystemType>%s</folder>`,
			id, id, path, folderDevices.String())
	}
	cfg := fmt.Sprintf(`<configuration version="36">%s%s%s<gui enabled="false"></gui><options>
<listenAddress>%s</listenAddress><globalAnnounceEnabled>false</globalAnnounceEnabled><localAnnounceEnabled>false</localAnnounceEnabled>
<relaysEnabled>false</relaysEnabled><natEnabled>false</natEnabled><urAccepted>-1</urAccepted><urSeen>3</urSeen>
<crashReportingEnabled>false</crashReportingEnabled><autoUpgradeIntervalH>0</autoUpgradeIntervalH><startBrowser>false</startBrowser>
<reconnectionIntervalS>2</reconnectionIntervalS><setLowPriority>false</setLowPriority></options></configuration>`,
		folder(communeID), folder(receiptsID), devices.String(), hub.addr)
	if err := os.WriteFile(filepath.Join(home, "config.xml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--home="+home, "--no-browser", "--no-restart", "--no-default-folder", "--no-upgrade")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOGGER_DISCARD=") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+hub.dir, "STNODEFAULTFOLDER=1", "STNOUPGRADE=1")
	out, _ := os.Create(filepath.Join(hub.dir, "syncthing.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		out.Close()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(hub.dir, "syncthing.log"))
			t.Logf("stock Syncthing's log:\n%s", b)
		}
	})
}

// TestStockSyncthingHub runs the commune hub as Debian's stock Syncthing
// 1.19, which knows nothing of Đình: a volunteer's dossier still reaches
// central once and its receipt comes back.
func TestStockSyncthingHub(t *testing.T) {
	base := t.TempDir()
	cpub, cpriv, _ := seal.GenerateCentralKey()
	rpub, _, _ := vault.GenerateRecoveryKey()
	dev, hub, cen := newSite(t, base, "dev"), newSite(t, base, "hub"), newSite(t, base, "central")
	w, err := volunteer.Init(filepath.Join(dev.dir, "volunteer"), volunteer.Passphrase(pass), volunteer.Setup{Central: cpub, Recovery: rpub}, fastVault)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	id := sealOne(t, w, "Lò Thị Mai")
	stockHub(t, hub, []*site{dev, cen})

	st, err := store.Open(filepath.Join(cen.dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	Enroll(st, mesh.ParseID, dev.id, "", time.Now())
	cen.start(t, []*site{hub}, mesh.ReceiveOnly, mesh.SendOnly, nil)
	defer cen.node.Close()
	dev.start(t, []*site{hub}, mesh.SendOnly, mesh.ReceiveOnly, nil)
	defer dev.node.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	c := New(Config{Store: st, Key: cpriv, Node: cen.node, CommuneID: communeID, CommuneDir: filepath.Join(cen.dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(cen.dir, "receipts"), DataDir: cen.dir, Log: slog.New(slog.DiscardHandler), Interval: time.Second})
	cfg := field.Config{Node: dev.node, CommuneID: communeID, CommuneDir: filepath.Join(dev.dir, "commune"),
		ReceiptsID: receiptsID, ReceiptsDir: filepath.Join(dev.dir, "receipts"), Hub: hub.id, Central: cen.id,
		Outbox: w.Outbox, OutboxDir: filepath.Join(w.Dir, "outbox"), Interval: time.Second}
	wg.Add(2)
	go func() { defer wg.Done(); c.Run(ctx) }()
	go func() { defer wg.Done(); field.Run(ctx, cfg) }()

	waitFor(t, "the receipt through the stock hub", func() bool {
		e, _ := w.Outbox.Entry(id)
		return e.State == outbox.Receipted
	})
	if ids, _ := st.IngestedIDs(); len(ids) != 1 || ids[0] != id {
		t.Errorf("central ingested %v", ids)
	}
}
