package central

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dinh/assets"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
	"dinh/sync/mesh"
	"dinh/sync/province"
	"dinh/sync/receipt"
)

// adminFixture is a central with a real store and no Syncthing node: the
// administrator's operations and the status API need none.
type adminFixture struct {
	c      *Central
	st     *store.Store
	dir    string
	now    time.Time
	signer *mesh.Signer // central's device key, which signs the receipts
}

func newAdmin(t *testing.T) *adminFixture {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenDir(t, filepath.Join(dir, "store"))
	signer, err := mesh.LoadSigner(filepath.Join(dir, "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	f := &adminFixture{st: st, dir: dir, signer: signer, now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))}
	f.c = New(Config{Store: st, Sign: signer.Sign, ReceiptsDir: filepath.Join(dir, "receipts"), CatalogDir: filepath.Join(dir, "catalog"),
		DataDir: dir, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler)})
	return f
}

// admin sends req over HTTP to the admin handler, as dinhd does.
func (f *adminFixture) admin(t *testing.T, req AdminRequest) AdminReply {
	t.Helper()
	srv := httptest.NewServer(f.c.AdminHandler(mesh.ParseID))
	defer srv.Close()
	b, _ := json.Marshal(req)
	resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep AdminReply
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func deviceID(t *testing.T) string {
	t.Helper()
	id, err := mesh.Identity(filepath.Join(t.TempDir(), "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEnrolment: enrolling, enrolling again, listing and removing devices,
// as the administrator does through dinhd.
func TestEnrolment(t *testing.T) {
	f := newAdmin(t)
	a, b := deviceID(t), deviceID(t)
	if rep := f.admin(t, AdminRequest{Op: "enroll", Device: a, Name: "thôn Đông"}); rep.Error != "" {
		t.Fatal(rep.Error)
	}
	first := f.now
	f.now = f.now.Add(time.Hour)
	// Again without a name: the name and the first date stay.
	if rep := f.admin(t, AdminRequest{Op: "enroll", Device: strings.ToLower(a)}); rep.Error != "" {
		t.Fatal(rep.Error)
	}
	if rep := f.admin(t, AdminRequest{Op: "enroll", Device: b}); rep.Error != "" {
		t.Fatal(rep.Error)
	}
	rep := f.admin(t, AdminRequest{Op: "devices"})
	if len(rep.Devices) != 2 {
		t.Fatalf("got %+v, want two devices", rep.Devices)
	}
	if rep.Devices[0].ID > rep.Devices[1].ID {
		t.Errorf("devices not sorted by ID: %s, %s", rep.Devices[0].ID, rep.Devices[1].ID)
	}
	for _, d := range rep.Devices {
		if d.ID == a && (d.Name != "thôn Đông" || !d.Added.Equal(first)) {
			t.Errorf("enrolled again: got %+v, want its name and first date kept", d)
		}
	}
	// A new name replaces the old one.
	f.admin(t, AdminRequest{Op: "enroll", Device: a, Name: "thôn Tây"})
	for _, d := range f.admin(t, AdminRequest{Op: "devices"}).Devices {
		if d.ID == a && d.Name != "thôn Tây" {
			t.Errorf("renamed: got %q, want thôn Tây", d.Name)
		}
	}

	if rep := f.admin(t, AdminRequest{Op: "remove", Device: b}); rep.Error != "" {
		t.Fatal(rep.Error)
	}
	if rep := f.admin(t, AdminRequest{Op: "remove", Device: b}); !strings.Contains(rep.Error, "not enrolled") {
		t.Errorf("removing a device twice: got %q, want not enrolled", rep.Error)
	}
	if err := Remove(f.st, mesh.ParseID, b); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Remove of an unknown device: got %v, want ErrNotEnrolled", err)
	}
	for _, bad := range []AdminRequest{{Op: "enroll", Device: "../x"}, {Op: "remove", Device: "not-an-id"}} {
		if rep := f.admin(t, bad); !strings.Contains(rep.Error, "not a device ID") {
			t.Errorf("%+v: got %q, want not a device ID", bad, rep.Error)
		}
	}
	// Listed by ID, however many there are (the store keeps no order).
	for range 5 {
		f.admin(t, AdminRequest{Op: "enroll", Device: deviceID(t)})
	}
	var ids []string
	for _, d := range f.admin(t, AdminRequest{Op: "devices"}).Devices {
		ids = append(ids, d.ID)
	}
	if len(ids) != 6 || !slices.IsSorted(ids) {
		t.Errorf("six devices listed as %v, want sorted by ID", ids)
	}
	for _, id := range ids {
		if id != a {
			f.admin(t, AdminRequest{Op: "remove", Device: id})
		}
	}
	if rep := f.admin(t, AdminRequest{Op: "reboot"}); !strings.Contains(rep.Error, `unknown operation "reboot"`) {
		t.Errorf("unknown operation: got %q", rep.Error)
	}
	if got := f.admin(t, AdminRequest{Op: "devices"}).Devices; len(got) != 1 || got[0].ID != a {
		t.Errorf("after the removal: got %+v, want only %s", got, a)
	}
}

// TestAdminRefusesGarbage: a request that is not JSON is a bad request.
func TestAdminRefusesGarbage(t *testing.T) {
	f := newAdmin(t)
	srv := httptest.NewServer(f.c.AdminHandler(mesh.ParseID))
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader("{not json"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got %s, want 400", resp.Status)
	}
}

// ingested records a dossier as an ingest would, with its receipt code.
func (f *adminFixture) ingested(t *testing.T, id, code string) {
	t.Helper()
	rec := Record{DossierID: id, Device: "DEV", Procedure: "1.001193", Received: f.now.UTC(), Code: code,
		History: []receipt.Update{{Status: receipt.Received, At: f.now.UTC()}}}
	raw, _ := json.Marshal(rec)
	if _, err := f.st.AddIngested(id, code, raw); err != nil {
		t.Fatal(err)
	}
}

// TestStatusAPI: the kiosk's lookup by receipt code answers with the
// status and its history, and nothing personal; an unknown code is 404
// with a message in Vietnamese.
func TestStatusAPI(t *testing.T) {
	f := newAdmin(t)
	code := withCheck("DH-2345-678")
	f.ingested(t, "HS-1", code)
	f.now = f.now.Add(2 * time.Hour)
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if rep := f.admin(t, AdminRequest{Op: "status", Code: typed, Status: receipt.ResultReady}); rep.Error != "" || rep.Record == nil {
		t.Fatalf("status set: %+v", rep)
	}
	srv := httptest.NewServer(f.c.Handler())
	defer srv.Close()
	get := func(code string) (*http.Response, []byte) {
		resp, err := http.Get(srv.URL + "/api/v1/dossiers/" + code)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get(strings.ToLower(code))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("got %s, cache %q: %s", resp.Status, resp.Header.Get("Cache-Control"), body)
	}
	var s Status
	json.Unmarshal(body, &s)
	if s.Receipt != code || s.Status != receipt.ResultReady || len(s.History) != 2 || s.Procedure != "1.001193" {
		t.Errorf("got %+v, want the result ready after receipt", s)
	}
	if bytes.Contains(body, []byte("HS-1")) || bytes.Contains(body, []byte("DEV")) {
		t.Errorf("the status shows the dossier ID or the device: %s", body)
	}
	resp, body = get(withCheck("DH-9999-999"))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"error":"not found"`) {
		t.Errorf("unknown code: got %s %s", resp.Status, body)
	}
	resp, body = get(code[:len(code)-1] + other(code[len(code)-1]))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"error":"typo"`) {
		t.Errorf("a code with a typo: got %s %s", resp.Status, body)
	}
	resp, body = get("DH-0000-0000")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"error":"not a receipt code"`) {
		t.Errorf("not a code: got %s %s", resp.Status, body)
	}
	// The receipt sent back to the device carries the new status.
	b, err := os.ReadFile(filepath.Join(f.dir, "receipts", receipt.Path("DEV", "HS-1")))
	if err != nil {
		t.Fatal(err)
	}
	r, err := receipt.Parse(b, func(msg, cert, sig []byte) error { return mesh.VerifySigned(f.signer.ID(), msg, cert, sig) })
	if err != nil || len(r.History) != 2 || r.History[1].Status != receipt.ResultReady {
		t.Errorf("receipt file: %+v, %v", r, err)
	}
}

// TestSetStatusRefuses: an unknown status or receipt code changes nothing.
func TestSetStatusRefuses(t *testing.T) {
	f := newAdmin(t)
	code := withCheck("DH-2345-678")
	f.ingested(t, "HS-1", code)
	if _, err := f.c.SetStatus(code, "lost"); !errors.Is(err, ErrStatus) {
		t.Errorf("unknown status: got %v, want ErrStatus", err)
	}
	if _, err := f.c.SetStatus(withCheck("DH-9999-999"), receipt.Processing); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code: got %v, want ErrNotFound", err)
	}
	if _, err := f.c.SetStatus(code[:len(code)-1]+other(code[len(code)-1]), receipt.Processing); !errors.Is(err, receipt.ErrCodeTypo) {
		t.Errorf("a typo: got %v, want ErrCodeTypo", err)
	}
	rec, err := f.c.Lookup(code)
	if err != nil || len(rec.History) != 1 {
		t.Errorf("after refusals: %+v, %v; want the receipt alone", rec, err)
	}
}

// TestPublishCatalog: a valid catalogue is published into the catalogue
// folder; an invalid one is refused and the published one stays.
func TestPublishCatalog(t *testing.T) {
	f := newAdmin(t)
	good := filepath.Join(t.TempDir(), "catalog.json")
	os.WriteFile(good, assets.SampleCatalog(), 0o600)
	if rep := f.admin(t, AdminRequest{Op: "catalog", File: good}); rep.Error != "" {
		t.Fatal(rep.Error)
	}
	published := filepath.Join(f.dir, "catalog", province.CatalogName)
	if b, _ := os.ReadFile(published); !bytes.Equal(b, assets.SampleCatalog()) {
		t.Fatal("the published catalogue differs from the file")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format": 1}`), 0o600)
	if rep := f.admin(t, AdminRequest{Op: "catalog", File: bad}); rep.Error == "" {
		t.Error("an invalid catalogue was published")
	}
	if b, _ := os.ReadFile(published); !bytes.Equal(b, assets.SampleCatalog()) {
		t.Error("a refused catalogue replaced the published one")
	}
	noFolder := New(Config{Store: f.st, Log: slog.New(slog.DiscardHandler)})
	if err := noFolder.PublishCatalog(good); err == nil {
		t.Error("published without a catalogue folder")
	}
}

// TestPassSkipsWhatIsNotADossier: files and folders in the commune folder
// that are not an enrolled device's sealed dossiers are left alone, and
// an unknown device is warned about once.
func TestPassSkipsWhatIsNotADossier(t *testing.T) {
	f := newAdmin(t)
	dev := deviceID(t)
	f.admin(t, AdminRequest{Op: "enroll", Device: dev})
	commune := filepath.Join(f.dir, "commune")
	for _, p := range []string{
		"README.txt",                       // a file beside the device folders
		".stfolder/x.dseal",                // Syncthing's marker folder
		dev + "/ghi-chu.txt",               // not a sealed dossier
		dev + "/.syncthing.HS-1.dseal.tmp", // a transfer under way
		dev + "/.hidden.dseal",             // hidden
		dev + "/HS-2.dseal/inside",         // a folder with a dossier's name
		dev + "/HS-4.sync-conflict-20261207-093000-7Q3VRBN.dseal", // Syncthing's copy of a conflict
		"UNKNOWN-DEVICE/HS-3.dseal",                               // not enrolled
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(commune, p)), 0o700)
		os.WriteFile(filepath.Join(commune, p), []byte("x"), 0o600)
	}
	var log bytes.Buffer
	c := New(Config{Store: f.st, CommuneDir: commune, ReceiptsDir: filepath.Join(f.dir, "receipts"), DataDir: f.dir,
		Log: slog.New(slog.NewTextHandler(&log, nil))})
	for range 2 {
		rep, err := c.Pass()
		if err != nil || rep != (Report{}) {
			t.Fatalf("got %+v, %v; want nothing ingested, waiting or quarantined", rep, err)
		}
	}
	if n := strings.Count(log.String(), "not enrolled"); n != 1 || !strings.Contains(log.String(), "UNKNOWN-DEVICE") {
		t.Errorf("got %d warnings, want one about UNKNOWN-DEVICE:\n%s", n, log.String())
	}
}

// withCheck completes seven characters of a code with the check character
// that makes it valid.
func withCheck(code string) string {
	for _, c := range "23456789ABCDEFGHJKMNPQRSTVWXYZ" {
		if full, err := receipt.CheckCode(code + string(c)); err == nil {
			return full
		}
	}
	panic("no check character for " + code)
}

// other is another character of the codes' alphabet than c.
func other(c byte) string {
	if c == '2' {
		return "3"
	}
	return "2"
}

// TestPublishCatalogWhileStopped: the administrator publishes a catalogue
// while central is stopped: it goes into the folder central sends, and no
// node is asked to scan (there is none until central runs).
func TestPublishCatalogWhileStopped(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "central.key"), []byte("AGE-SECRET-KEY-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "catalog.json")
	os.WriteFile(file, assets.SampleCatalog(), 0o600)
	if _, err := AdminIn(dir, AdminRequest{Op: "catalog", File: file}, mesh.ParseID); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, province.CatalogFolder, province.CatalogName))
	if err != nil || !bytes.Equal(got, assets.SampleCatalog()) {
		t.Errorf("the published catalogue: %d bytes, %v", len(got), err)
	}
}
