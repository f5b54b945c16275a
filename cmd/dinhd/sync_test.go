package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dinh/offline/outbox"
	"dinh/sync/mesh"
	"dinh/sync/receipt"
)

func loopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// daemon runs a long-lived dinhd command until the test ends and returns
// the first match of re in its output.
func daemon(t *testing.T, re *regexp.Regexp, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := newSyncBuffer()
	exited := make(chan int)
	go func() {
		defer close(exited)
		run(ctx, args, out, out)
	}()
	t.Cleanup(func() { cancel(); <-exited })
	if !out.wait(func(s string) bool { return re.MatchString(s) }, exited) {
		t.Fatalf("dinhd %s did not start:\n%s", args[0], out)
	}
	return re.FindStringSubmatch(out.String())
}

// TestSyncCommands runs the whole chain with dinhd alone: central init and
// run, a hub, enrolment through the running central's admin socket, a
// volunteer's sealed dossier synced until its receipt is back, the status
// API, and a status update that reaches the device.
func TestSyncCommands(t *testing.T) {
	tm := setUpTeam(t)
	data := tm.clone(t)
	dir := t.TempDir()
	form := writeJPEG(t, filepath.Join(dir, "phieu.jpg"), 300, 400)
	code, out, errOut := runDossier(t, "", "new", "--procedure", testProcedure, "--name", "Lường Văn Sáng",
		"--birth", "1985-02-03", "--id-number", "014085001234", "--consent", "--consent-form", form,
		"--data", data, "--passphrase-file", tm.pass)
	if code != 0 {
		t.Fatalf("new: %d %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if code, _, errOut := runDossier(t, "", "seal", id, "--data", data, "--passphrase-file", tm.pass); code != 0 {
		t.Fatalf("seal: %d %s", code, errOut)
	}

	cdata := filepath.Join(dir, "central")
	os.MkdirAll(cdata, 0o700)
	// The team's central key is the one the volunteer sealed for.
	key, _ := os.ReadFile(filepath.Join(tm.keys, "central.key"))
	os.WriteFile(filepath.Join(cdata, "central.key"), key, 0o600)
	var initOut strings.Builder
	if code := run(t.Context(), []string{"central", "init", "--data", filepath.Join(dir, "unused")}, &initOut, &initOut); code != 0 {
		t.Fatalf("central init: %s", initOut.String())
	}
	if !regexp.MustCompile(`device [A-Z2-7-]{63}\ncentral.pub age1[a-z0-9]{58}\nrecovery.pub age1[a-z0-9]{58}\n`).MatchString(initOut.String()) {
		t.Errorf("central init: %q", initOut.String())
	}

	hubData, devAddr, hubAddr, cenAddr := filepath.Join(dir, "hub"), loopbackAddr(t), loopbackAddr(t), loopbackAddr(t)
	ids := map[string]string{}
	for _, who := range []string{"hub", "central", "device"} {
		d := map[string]string{"hub": hubData, "central": cdata, "device": data}[who]
		sub := "mesh"
		id, err := mesh.Identity(filepath.Join(d, sub))
		if err != nil {
			t.Fatal(err)
		}
		ids[who] = id
	}
	// The hub knows only central: the device gets in because central
	// enrols it, while the hub runs, with no restart and no edit on it.
	daemon(t, regexp.MustCompile(`hub (\S+)`), "hub", "--data", hubData, "--listen", "tcp://"+hubAddr, "--commune", "25000",
		"--central", ids["central"]+"=tcp://"+cenAddr)
	m := daemon(t, regexp.MustCompile(`central \S+ status API (http://\S+)`), "central", "run", "--data", cdata, "--listen", "tcp://"+cenAddr,
		"--hub", "25000,"+ids["hub"]+",tcp://"+hubAddr, "--http", "127.0.0.1:0")
	apiURL := m[1]

	// Enrol the device while central runs: through its admin socket.
	var admin strings.Builder
	if code := run(t.Context(), []string{"central", "devices", "add", ids["device"], "--name", "Thôn Bản Péo", "--data", cdata}, &admin, &admin); code != 0 {
		t.Fatalf("devices add: %s", admin.String())
	}
	admin.Reset()
	if code := run(t.Context(), []string{"central", "devices", "list", "--data", cdata}, &admin, &admin); code != 0 || !strings.Contains(admin.String(), "Thôn Bản Péo") {
		t.Fatalf("devices list: %d %s", code, admin.String())
	}

	enrolled := time.Now()
	syncOut := newSyncBuffer()
	code = run(t.Context(), []string{"dossier", "sync", "--data", data, "--listen", "tcp://" + devAddr, "--commune", "25000",
		"--hub", ids["hub"] + "=tcp://" + hubAddr, "--central", ids["central"], "--until-receipted", "--timeout", "2m"}, syncOut, syncOut)
	if code != 0 || !strings.Contains(syncOut.String(), "receipted 1") {
		t.Fatalf("dossier sync: %d\n%s", code, syncOut.String())
	}
	entries := listJSON(t, data)
	if len(entries) != 1 || entries[0].State != outbox.Receipted {
		t.Fatalf("after sync: %+v", entries)
	}
	t.Logf("enrolled at central to receipt on the device, through a hub that was not restarted: %s", time.Since(enrolled).Round(time.Second))
	code4 := entries[0].Receipt
	if want := "receipted " + id + " " + code4 + "\n"; !strings.Contains(syncOut.String(), want) {
		t.Errorf("the session did not report the receipt as %q:\n%s", want, syncOut)
	}
	// Syncthing's log goes to the data folders, not to the terminal.
	if strings.Contains(syncOut.String(), "syncthing:") {
		t.Errorf("Syncthing's log reached the terminal without --verbose:\n%s", syncOut)
	}
	for _, f := range []string{filepath.Join(data, "logs", "sync.log"), filepath.Join(hubData, "logs", "hub.log"), filepath.Join(cdata, "logs", "central.log")} {
		if b, err := os.ReadFile(f); err != nil || !bytes.Contains(b, []byte("syncthing: ")) {
			t.Errorf("%s: %v, %d bytes without Syncthing's log", f, err, len(b))
		}
	}

	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Get(apiURL + "/api/v1/dossiers/" + code4)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Receipt, Status string }
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if st.Receipt != code4 || st.Status != "received" {
		t.Errorf("status API: %+v", st)
	}

	admin.Reset()
	if code := run(t.Context(), []string{"central", "status", "set", code4, "result-ready", "--data", cdata}, &admin, &admin); code != 0 {
		t.Fatalf("status set: %s", admin.String())
	}
	admin.Reset()
	if code := run(t.Context(), []string{"central", "status", "set", code4, "lost", "--data", cdata}, &admin, &admin); code == 0 || !strings.Contains(admin.String(), "result-ready") {
		t.Errorf("an unknown status: %d %s", code, admin.String())
	}
	// From now on the device syncs with the settings join keeps.
	var joinOut strings.Builder
	if code := run(t.Context(), []string{"dossier", "join", "--data", data, "--listen", "tcp://" + devAddr, "--commune", "25000",
		"--hub", ids["hub"] + "=tcp://" + hubAddr, "--central", ids["central"]}, &joinOut, &joinOut); code != 0 || !strings.Contains(joinOut.String(), ids["device"]) {
		t.Fatalf("dossier join: %d %s", code, joinOut.String())
	}
	joinOut.Reset()
	if code := run(t.Context(), []string{"dossier", "join", "--data", data, "--listen", "tcp://" + devAddr, "--commune", "../x",
		"--hub", ids["hub"] + "=tcp://" + hubAddr, "--central", ids["central"]}, &joinOut, &joinOut); code == 0 {
		t.Errorf("join with a path as commune code: %s", joinOut.String())
	}
	// The status travels separately from the receipt: the device reports
	// it when it comes.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	syncOut = newSyncBuffer()
	exited := make(chan int)
	go func() {
		defer close(exited)
		run(ctx, []string{"dossier", "sync", "--data", data, "--verbose"}, syncOut, syncOut)
	}()
	want := "status " + code4 + " result-ready\n"
	for !syncOut.wait(func(s string) bool { return strings.Contains(s, want) }, exited) {
		select {
		case <-exited:
			t.Fatalf("the status never reached the device:\n%s\nreceipt files:\n%s\noutbox: %+v", syncOut, receiptFiles(hubData, cdata, data), listJSON(t, data))
		default:
		}
	}
	cancel()
	<-exited
	if out := syncOut.String(); strings.Count(out, "status ") != 1 || !strings.Contains(out, "receipted 1, waiting 0\n") {
		t.Errorf("sync session output:\n%s", out)
	}
	if !strings.Contains(syncOut.String(), "syncthing: ") {
		t.Errorf("--verbose did not show Syncthing's log:\n%s", syncOut)
	}
	if e := listJSON(t, data)[0]; len(e.Progress) != 1 || e.Progress[0].Status != "result-ready" {
		t.Errorf("after the status came: %+v", e)
	}
	// The volunteer's list shows the receipt code and the office's status.
	if code, out, _ := runDossier(t, "", "list", "--data", data); code != 0 || !strings.Contains(out, "  Đã có biên nhận  "+code4+"  Đã có kết quả, mời người dân đến nhận\n") {
		t.Errorf("dossier list after the status: %d %q", code, out)
	}
}

// receiptFiles lists the receipt files below roots with their sizes and
// times, to tell where a receipt stopped on its way.
func receiptFiles(roots ...string) string {
	var b strings.Builder
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, "receipts") {
				if fi, err := d.Info(); err == nil {
					fmt.Fprintf(&b, "  %s %d bytes %s\n", p, fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
				}
			}
			return nil
		})
	}
	return b.String()
}

// TestDaemonsRefuseBadAddresses: a hub or central told to listen where it
// cannot exits at once with the address in its message, instead of
// waiting quietly; a second hub on a port the first one holds is refused.
func TestDaemonsRefuseBadAddresses(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cdata := filepath.Join(dir, "central")
	var out strings.Builder
	if code := run(t.Context(), []string{"central", "init", "--data", cdata}, &out, &out); code != 0 {
		t.Fatalf("central init: %s", out.String())
	}
	hubID, _ := mesh.Identity(filepath.Join(dir, "hub", "mesh"))
	devID, _ := mesh.Identity(filepath.Join(dir, "dev"))
	tests := []struct {
		args   []string
		naming string
	}{
		{[]string{"hub", "--data", filepath.Join(dir, "hub"), "--listen", "tcp://" + taken.Addr().String(), "--commune", "25252", "--central", devID},
			taken.Addr().String()},
		{[]string{"hub", "--data", filepath.Join(dir, "hub"), "--listen", "127.0.0.1:22000", "--commune", "25252", "--central", devID},
			"127.0.0.1:22000"},
		{[]string{"hub", "--data", filepath.Join(dir, "hub"), "--listen", "tcp://" + loopbackAddr(t), "--commune", "../x", "--central", devID},
			"../x"},
		{[]string{"central", "run", "--data", cdata, "--listen", "tcp://" + loopbackAddr(t), "--hub", "25252," + hubID + ",tcp://" + loopbackAddr(t),
			"--http", taken.Addr().String()}, taken.Addr().String()},
		{[]string{"central", "run", "--data", cdata, "--listen", "tcp://" + taken.Addr().String(), "--hub", "25252," + hubID + ",tcp://" + loopbackAddr(t)},
			taken.Addr().String()},
	}
	for _, tt := range tests {
		// A daemon that does not refuse would run until this context ends.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		var stdout, stderr bytes.Buffer
		code := run(ctx, tt.args, &stdout, &stderr)
		if ctx.Err() != nil || code == 0 || !strings.Contains(stderr.String(), tt.naming) {
			t.Errorf("%q: exit %d after %v, stderr %q; want a refusal naming %s", tt.args, code, ctx.Err(), stderr.String(), tt.naming)
		}
		cancel()
	}
}

// TestAdminNeedsCentralsFolder: an administrator's command given a folder
// that is not central's (a typo) says so, exits 1 and creates nothing.
func TestAdminNeedsCentralsFolder(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "centrl")
	devID, _ := mesh.Identity(filepath.Join(t.TempDir(), "dev"))
	for _, args := range [][]string{
		{"central", "devices", "list", "--data", typo},
		{"central", "devices", "add", devID, "--data", typo},
		{"central", "status", "set", receipt.NewCode(), "processing", "--data", typo},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), args, &out, &errOut)
		if code != 1 || !strings.Contains(errOut.String(), "central.key") {
			t.Errorf("%q: exit %d, %q", args, code, errOut.String())
		}
		if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%q created %s", args, typo)
		}
	}
}

// TestSyncTellsWhyItWaits: a session that ends with a dossier still on
// its way says why, in words and with its own exit code: the hub cannot
// be reached (4), the hub answers but has not let this device in (5).
func TestSyncTellsWhyItWaits(t *testing.T) {
	tm := setUpTeam(t)
	data := tm.clone(t)
	form := writeJPEG(t, filepath.Join(t.TempDir(), "phieu.jpg"), 300, 400)
	code, out, errOut := runDossier(t, "", "new", "--procedure", testProcedure, "--name", "Lường Văn Sáng",
		"--birth", "1985-02-03", "--id-number", "014085001234", "--consent", "--consent-form", form,
		"--data", data, "--passphrase-file", tm.pass)
	if code != 0 {
		t.Fatalf("new: %d %s", code, errOut)
	}
	if code, _, errOut := runDossier(t, "", "seal", strings.TrimSpace(out), "--data", data, "--passphrase-file", tm.pass); code != 0 {
		t.Fatalf("seal: %d %s", code, errOut)
	}
	hubData, cenData := filepath.Join(t.TempDir(), "hub"), filepath.Join(t.TempDir(), "central")
	hubID, _ := mesh.Identity(filepath.Join(hubData, "mesh"))
	cenID, _ := mesh.Identity(filepath.Join(cenData, "mesh"))
	hubAddr := loopbackAddr(t)
	sync := func(timeout string) (int, string) {
		var b strings.Builder
		code := run(t.Context(), []string{"dossier", "sync", "--data", data, "--listen", "tcp://" + loopbackAddr(t), "--commune", "25000",
			"--hub", hubID + "=tcp://" + hubAddr, "--central", cenID, "--until-receipted", "--timeout", timeout}, &b, &b)
		return code, b.String()
	}

	// Nothing listens at the hub's address.
	if code, out := sync("5s"); code != 4 || !strings.Contains(out, "không liên lạc được với trạm xã") {
		t.Errorf("hub unreachable: exit %d\n%s", code, out)
	}
	// A hub listens there, but central has not enrolled this device.
	daemon(t, regexp.MustCompile(`hub (\S+)`), "hub", "--data", hubData, "--listen", "tcp://"+hubAddr, "--commune", "25000",
		"--central", cenID+"=tcp://"+loopbackAddr(t))
	if code, out := sync("20s"); code != 5 || !strings.Contains(out, "nhờ quản trị viên ghi danh máy") {
		t.Errorf("not enrolled: exit %d\n%s", code, out)
	}
}

// TestSyncTellsCentralRefused: a device sealed for one key, a central that
// holds another (a central.pub from another set-up). Central refuses the
// dossier in a signed rejection; the session ends with exit code 8 and
// says why with both keys; dossier list says it again. The administrator
// gives the device central's key (dossier rekey): the dossier is sealed
// again, and the next session brings exactly one receipt.
func TestSyncTellsCentralRefused(t *testing.T) {
	tm := setUpTeam(t)
	data := tm.clone(t)
	dir := t.TempDir()
	form := writeJPEG(t, filepath.Join(dir, "phieu.jpg"), 300, 400)
	code, out, errOut := runDossier(t, "", "new", "--procedure", testProcedure, "--name", "Vàng Thị Mai",
		"--birth", "1990-06-01", "--id-number", "011190001234", "--consent", "--consent-form", form,
		"--data", data, "--passphrase-file", tm.pass)
	if code != 0 {
		t.Fatalf("new: %d %s", code, errOut)
	}
	if code, _, errOut := runDossier(t, "", "seal", strings.TrimSpace(out), "--data", data, "--passphrase-file", tm.pass); code != 0 {
		t.Fatalf("seal: %d %s", code, errOut)
	}
	// Central is set up on its own, with keys of its own.
	cdata, hubData := filepath.Join(dir, "central"), filepath.Join(dir, "hub")
	var initOut strings.Builder
	if code := run(t.Context(), []string{"central", "init", "--data", cdata}, &initOut, &initOut); code != 0 {
		t.Fatalf("central init: %s", initOut.String())
	}
	theirs := regexp.MustCompile(`central.pub (age1\S+)`).FindStringSubmatch(initOut.String())[1]
	mine, _ := os.ReadFile(filepath.Join(tm.keys, "central.pub"))
	hubAddr, cenAddr := loopbackAddr(t), loopbackAddr(t)
	hubID, _ := mesh.Identity(filepath.Join(hubData, "mesh"))
	cenID, _ := mesh.Identity(filepath.Join(cdata, "mesh"))
	devID, _ := mesh.Identity(filepath.Join(data, "mesh"))
	daemon(t, regexp.MustCompile(`hub (\S+)`), "hub", "--data", hubData, "--listen", "tcp://"+hubAddr, "--commune", "25000",
		"--central", cenID+"=tcp://"+cenAddr)
	daemon(t, regexp.MustCompile(`central \S+ status API (http://\S+)`), "central", "run", "--data", cdata, "--listen", "tcp://"+cenAddr,
		"--hub", "25000,"+hubID+",tcp://"+hubAddr, "--http", "127.0.0.1:0")
	var admin strings.Builder
	if code := run(t.Context(), []string{"central", "devices", "add", devID, "--data", cdata}, &admin, &admin); code != 0 {
		t.Fatalf("devices add: %s", admin.String())
	}

	syncOut := newSyncBuffer()
	code = run(t.Context(), []string{"dossier", "sync", "--data", data, "--listen", "tcp://" + loopbackAddr(t), "--commune", "25000",
		"--hub", hubID + "=tcp://" + hubAddr, "--central", cenID, "--until-receipted", "--timeout", "3m"}, syncOut, syncOut)
	short := func(k string) string { k = strings.TrimSpace(k); return k[:10] + "…" + k[len(k)-6:] }
	for _, want := range []string{"rejected ", "máy này niêm phong cho khoá " + short(string(mine)) + ", còn máy chủ tỉnh giữ khoá " + short(theirs), "bị máy chủ tỉnh từ chối"} {
		if !strings.Contains(syncOut.String(), want) {
			t.Errorf("the session lacks %q", want)
		}
	}
	if code != 8 {
		t.Errorf("exit %d, want 8\n%s", code, syncOut.String())
	}
	_, list, _ := runDossier(t, "", "list", "--data", data)
	if !strings.Contains(list, "còn máy chủ tỉnh giữ khoá "+short(theirs)) {
		t.Errorf("dossier list: %s", list)
	}

	code, out, errOut = runDossier(t, "", "rekey", "--central", filepath.Join(cdata, "central.pub"), "--data", data, "--passphrase-file", tm.pass)
	if code != 0 || !strings.Contains(out, "resealed ") || !strings.Contains(errOut, "niêm phong lại 1 hồ sơ") {
		t.Fatalf("rekey: %d %s %s", code, out, errOut)
	}
	syncOut = newSyncBuffer()
	code = run(t.Context(), []string{"dossier", "sync", "--data", data, "--listen", "tcp://" + loopbackAddr(t), "--commune", "25000",
		"--hub", hubID + "=tcp://" + hubAddr, "--central", cenID, "--until-receipted", "--timeout", "3m"}, syncOut, syncOut)
	if code != 0 || !strings.Contains(syncOut.String(), "receipted 1") {
		t.Fatalf("the session after rekey: %d\n%s", code, syncOut.String())
	}
	if entries := listJSON(t, data); len(entries) != 1 || entries[0].State != outbox.Receipted || entries[0].Rejection != nil {
		t.Errorf("after rekey: %+v", entries)
	}
	if got := receiptFiles(cdata); strings.Count(got, ".json") != 1 || strings.Contains(got, "rejected") {
		t.Errorf("central's receipts: %s; want one receipt and no refusal left", got)
	}
}
