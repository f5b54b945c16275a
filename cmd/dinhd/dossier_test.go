package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"dinh/offline/agekey"
	"dinh/offline/dossier"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/offline/vault"
	"dinh/offline/volunteer"
)

// The volunteer's passphrase, with Vietnamese diacritics as typed on a
// keyboard that produces precomposed letters (NFC).
const testPassphrase = "mật khẩu đội công nghệ số"

// The procedure the tests record: birth registration in the bundled sample
// catalogue, whose first case has four papers and which has two cases.
const (
	testProcedure = "1.001193"
	testCase1     = "Khai sinh đúng hạn cho trẻ sinh ra tại Việt Nam"
	testCase2     = "Trẻ sinh ra ở nước ngoài, chưa đăng ký khai sinh, nay về cư trú tại Việt Nam"
	paperForm     = "Tờ khai đăng ký khai sinh"
	paperBirth    = "Giấy chứng sinh"
)

// Every unlock of the vault costs an Argon2id derivation (64 MiB, three
// passes), so the tests share one set-up data folder and copy it; the
// comments count the derivations.

// runDossier runs `dinhd dossier ARGS...` in-process with standard input
// holding stdin, so that a command that reads the passphrase from it never
// waits for a terminal.
func runDossier(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(stdin); err != nil {
		t.Fatal(err)
	}
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"dossier"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeJPEG writes a w×h photo, as a phone camera would give one.
func writeJPEG(t *testing.T, path string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, path, buf.String())
}

// snapshot maps every file under root to its SHA-256, and every folder to
// "dir".
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// listJSON returns `dinhd dossier list --json`, which needs no passphrase.
func listJSON(t *testing.T, data string) []outbox.Entry {
	t.Helper()
	code, out, errOut := runDossier(t, "", "list", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("list --json: exit %d, stderr %q", code, errOut)
	}
	var list []outbox.Entry
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	return list
}

// storeContent returns the draft records and outbox entries in the data
// folder's store, by bucket and ID.
func storeContent(t *testing.T, data string) map[string]string {
	t.Helper()
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]string{}
	ids, err := st.DraftIDs()
	for _, id := range ids {
		raw, _, derr := st.Draft(id)
		out["draft "+id] = string(raw)
		err = errors.Join(err, derr)
	}
	entries, oerr := st.OutboxEntries()
	for id, raw := range entries {
		out["outbox "+id] = string(raw)
	}
	if err := errors.Join(err, oerr); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists (%v), want nothing there", path, err)
	}
}

var idLine = regexp.MustCompile(`^[A-Z2-7]{26}\n$`)

// team is what the administrator and one volunteer set up.
type team struct {
	keys string // central init's folder: the team's key files
	data string // the volunteer's data folder, set up and empty: copy it
	pass string // file holding the passphrase
}

// setUpTeam runs central init and dossier init as an administrator and a volunteer
// would (two derivations: init creates the vault, then unlocks it).
func setUpTeam(t *testing.T) team {
	t.Helper()
	dir := t.TempDir()
	tm := team{keys: filepath.Join(dir, "keys"), data: filepath.Join(dir, "data"), pass: filepath.Join(dir, "pass.txt")}

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"central", "init", "--data", tm.keys}, &out, &errOut); code != 0 {
		t.Fatalf("central init: exit %d, stderr %q", code, errOut.String())
	}
	printed := regexp.MustCompile(`^device [A-Z2-7-]{63}\ncentral\.pub (\S+)\nrecovery\.pub (\S+)\n$`).FindStringSubmatch(out.String())
	if printed == nil {
		t.Fatalf("central init printed %q, want its device ID and both public keys", out.String())
	}
	if !strings.Contains(errOut.String(), filepath.Join(tm.keys, "recovery.key")) {
		t.Errorf("central init does not say to move recovery.key away: %q", errOut.String())
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(tm.keys, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(filepath.Join(tm.keys, name)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
		return strings.TrimSpace(string(b))
	}
	cpub, err1 := agekey.ParsePublic(read("central.pub"))
	cpriv, err2 := agekey.ParsePrivate(read("central.key"))
	rpub, err3 := agekey.ParsePublic(read("recovery.pub"))
	rpriv, err4 := agekey.ParsePrivate(read("recovery.key"))
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		t.Fatalf("central init wrote keys that do not parse: %v %v %v %v", err1, err2, err3, err4)
	}
	if !cpriv.Public().Equal(cpub) || !rpriv.Public().Equal(rpub) || printed[1] != cpub.String() || printed[2] != rpub.String() {
		t.Fatal("central init wrote or printed public keys that do not match the private ones")
	}

	writeFile(t, tm.pass, testPassphrase+"\n")
	code, stdout, stderr := runDossier(t, "", "init", "--central", filepath.Join(tm.keys, "central.pub"),
		"--recovery", filepath.Join(tm.keys, "recovery.pub"), "--data", tm.data, "--passphrase-file", tm.pass)
	if code != 0 || stdout != "OK: "+tm.data+"\n" {
		t.Fatalf("init: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !volunteer.IsSetUp(tm.data) {
		t.Fatal("init did not set the folder up")
	}
	return tm
}

// clone copies the set-up data folder for one test.
func (tm team) clone(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dst, os.DirFS(tm.data)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestDossier(t *testing.T) {
	tm := setUpTeam(t) // 2 derivations
	t.Run("session", func(t *testing.T) { testDossierSession(t, tm) })
	t.Run("incomplete", func(t *testing.T) { testDossierIncomplete(t, tm) })
	t.Run("passphrase", func(t *testing.T) { testDossierPassphrase(t, tm) })
	t.Run("bad input", func(t *testing.T) { testDossierBadInput(t, tm) })
	t.Run("damaged outbox entry", func(t *testing.T) { testDossierDamagedEntry(t, tm) })
}

// testDossierDamagedEntry damages one outbox entry beside a good one. Today
// offline/dossier's NewDesk refuses the whole folder then, so list shows
// nothing; whatever it shows, it must fail and say what to do (no
// derivation).
func testDossierDamagedEntry(t *testing.T, tm team) {
	data := tm.clone(t)
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	good := outbox.New(st, filepath.Join(data, "outbox"), nil, 0).AddDraft("GOODGOODGOODGOODGOODGOODGO", testProcedure, "NVA")
	bad := st.UpdateOutboxEntry("BROKEN", func([]byte) ([]byte, error) { return []byte("{not json"), nil })
	if err := errors.Join(good, bad, st.Close()); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runDossier(t, "", "list", "--data", data)
	if code != 1 || !strings.Contains(errOut, "hộp thư đi có hồ sơ bị hỏng") || !strings.Contains(errOut, `"BROKEN"`) ||
		!strings.Contains(errOut, "Đừng xóa thư mục dữ liệu") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and a warning naming the entry", code, out, errOut)
	}
}

// testDossierSession records a complete case, lists it, seals it and opens
// the sealed file as the central server would (3 derivations).
func testDossierSession(t *testing.T, tm team) {
	data := tm.clone(t)
	dir := t.TempDir()

	// The same passphrase with combining accents (NFD), as some input
	// methods produce it, saved by Notepad: a byte order mark and CRLF.
	nfd := norm.NFD.String(testPassphrase)
	if nfd == testPassphrase {
		t.Fatal("the NFD form has the same bytes: the test would prove nothing")
	}
	passNFD := writeFile(t, filepath.Join(dir, "pass-nfd.txt"), "\ufeff"+nfd+"\r\n")

	scan1 := writeJPEG(t, filepath.Join(dir, "giay-chung-sinh-1.jpg"), 640, 480)
	scan2 := writeJPEG(t, filepath.Join(dir, "giay-chung-sinh-2.jpg"), 480, 640)
	form := writeJPEG(t, filepath.Join(dir, "phieu-dong-y.jpg"), 300, 400)
	const name, idNumber = "Nguyễn Thị Ánh Tuyết", "001190012345"

	// The name is typed with combining accents too: it is stored in NFC.
	code, out, errOut := runDossier(t, "", "new", "--procedure", testProcedure, "--case", "1",
		"--name", norm.NFD.String(name), "--birth", "1990-05-17", "--gender", "nữ", "--id-number", idNumber,
		"--phone", "0912345678", "--address", "Thôn Tân Lập, xã Đông Sơn",
		"--request", "Đăng ký khai sinh cho con gái", "--notes", "Mẹ tự đi làm thủ tục",
		"--have", paperForm, "--have", paperBirth,
		"--attach", scan1, "--attach", scan2, "--paper", paperBirth,
		"--consent", "--consent-form", form,
		"--data", data, "--passphrase-file", passNFD) // 1 derivation
	if code != 0 || !idLine.MatchString(out) {
		t.Fatalf("new: exit %d, stdout %q (want only the ID), stderr %q", code, out, errOut)
	}
	id := strings.TrimSpace(out)
	if want := "ảnh 1/2\nảnh 2/2\nảnh 1/1\n"; errOut != want {
		t.Errorf("new: stderr %q, want the progress %q and nothing missing", errOut, want)
	}

	// The draft is encrypted at rest: no file holds the name or the ID number.
	for path := range snapshot(t, data) {
		b, _ := os.ReadFile(path)
		for _, secret := range []string{name, norm.NFD.String(name), idNumber} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q in clear", path, secret)
			}
		}
	}

	// The list needs no passphrase (standard input is empty) and shows
	// initials only.
	lists := []struct{ lang, state string }{{"vi", "Bản nháp"}, {"en", "Draft"}}
	for _, l := range lists {
		code, out, errOut = runDossier(t, "", "list", "--data", data, "--lang", l.lang)
		re := regexp.MustCompile(`^` + id + `  1\.001193    NTAT   \d{4}-\d\d-\d\d \d\d:\d\d  ` + l.state + `\n$`)
		if code != 0 || !re.MatchString(out) || errOut != "" {
			t.Errorf("list --lang %s: exit %d, stdout %q, stderr %q; want one line with the initials and %q", l.lang, code, out, errOut, l.state)
		}
	}

	code, out, errOut = runDossier(t, "", "seal", id, "--data", data, "--passphrase-file", tm.pass) // 1 derivation
	sealed := filepath.Join(data, "outbox", id+seal.Ext)
	if want := id + "  Đã niêm phong  " + sealed + "\n"; code != 0 || out != want {
		t.Fatalf("seal: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	// The encrypted draft is kept, read only, until the receipt.
	if _, err := os.Stat(filepath.Join(data, "drafts", id)); err != nil {
		t.Errorf("the draft's photos are gone before the receipt: %v", err)
	}

	// The central server opens it with its private key.
	keyText, err := os.ReadFile(filepath.Join(tm.keys, "central.key"))
	if err != nil {
		t.Fatal(err)
	}
	central, err := agekey.ParsePrivate(string(keyText))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(sealed)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	o, err := seal.Open(f, fi.Size(), central)
	if err != nil {
		t.Fatalf("seal.Open: %v", err)
	}
	if h := o.Header(); h.DossierID != id || h.Summary["procedure"] != testProcedure || h.Summary["attachments"] != "3" {
		t.Errorf("sealed header: %+v", h)
	}
	var rec bytes.Buffer
	if err := o.Extract(dossier.PartRecord, &rec); err != nil {
		t.Fatal(err)
	}
	var d dossier.Dossier
	if err := json.Unmarshal(rec.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	v := d.Villager
	if v.FullName != name || v.IDNumber != idNumber || v.BirthDate != "1990-05-17" || v.Gender != "nữ" ||
		v.Address != "Thôn Tân Lập, xã Đông Sơn" || d.Case != testCase1 || d.Procedure != testProcedure ||
		d.Answers[dossier.QuestionRequest] != "Đăng ký khai sinh cho con gái" || d.Notes != "Mẹ tự đi làm thủ tục" {
		t.Errorf("sealed record: %s", rec.String())
	}
	var have []string
	for _, p := range d.Papers {
		if p.Have {
			have = append(have, p.Name)
		}
	}
	if len(d.Papers) != 4 || !slices.Equal(have, []string{paperForm, paperBirth}) {
		t.Errorf("papers: %+v, want 4 with the first two ticked", d.Papers)
	}
	if !d.Consent.Given || d.Consent.At.IsZero() {
		t.Errorf("consent: %+v", d.Consent)
	}
	sizes := map[string][2]int{"giay-chung-sinh-1.jpg": {640, 480}, "giay-chung-sinh-2.jpg": {480, 640}, "phieu-dong-y.jpg": {300, 400}}
	for _, a := range d.Attachments {
		wantKind, wantPaper := dossier.KindPaper, paperBirth
		if a.Name == "phieu-dong-y.jpg" {
			wantKind, wantPaper = dossier.KindConsent, ""
			if d.Consent.Form != a.ID {
				t.Errorf("consent form is %q, want the attachment %q", d.Consent.Form, a.ID)
			}
		}
		var jb bytes.Buffer
		if err := o.Extract(dossier.AttachmentPart(a.ID), &jb); err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(&jb)
		if a.Kind != wantKind || a.Paper != wantPaper || err != nil || [2]int{cfg.Width, cfg.Height} != sizes[a.Name] {
			t.Errorf("attachment %+v: JPEG %dx%d (%v)", a, cfg.Width, cfg.Height, err)
		}
		delete(sizes, a.Name)
	}
	if len(sizes) != 0 {
		t.Errorf("not in the sealed dossier: %v", sizes)
	}

	list := listJSON(t, data)
	if len(list) != 1 || list[0].ID != id || list[0].State != outbox.Sealed || list[0].Initials != "NTAT" ||
		list[0].SealedPath != id+seal.Ext {
		t.Errorf("list --json after sealing: %+v", list)
	}

	// Sealed means this device cannot read it back.
	code, out, errOut = runDossier(t, "", "seal", id, "--data", data, "--passphrase-file", tm.pass) // 1 derivation
	if code != 1 || out != "" || !strings.Contains(errOut, "hồ sơ "+id+" đã được niêm phong") {
		t.Errorf("sealing again: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	f.Close()

	// A byte flipped on the card: the list finds it, says what to do,
	// and seal seals it again from the kept draft.
	b, err := os.ReadFile(sealed)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0x01
	if err := os.WriteFile(sealed, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runDossier(t, "", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "Bị hỏng trên máy") || !strings.Contains(errOut, "dinhd dossier seal "+id) {
		t.Errorf("list of a damaged dossier: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if list := listJSON(t, data); len(list) != 1 || list[0].State != outbox.Damaged {
		t.Errorf("list --json of a damaged dossier: %+v", list)
	}
	code, out, errOut = runDossier(t, "", "seal", id, "--data", data, "--passphrase-file", tm.pass) // 1 derivation
	if want := id + "  Đã niêm phong  " + sealed + "\n"; code != 0 || out != want {
		t.Fatalf("sealing the damaged dossier again: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	f2, err := os.Open(sealed)
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	fi2, _ := f2.Stat()
	if o2, err := seal.Open(f2, fi2.Size(), central); err != nil || o2.Header().DossierID != id {
		t.Errorf("the dossier sealed again does not open: %v", err)
	}
}

// testDossierIncomplete records a case without the villager's consent: new
// keeps it and says what is missing, seal refuses it (2 derivations).
func testDossierIncomplete(t *testing.T, tm team) {
	data := tm.clone(t)
	code, out, errOut := runDossier(t, "", "new", "--procedure", testProcedure, "--name", "Trần Văn Bình",
		"--birth", "1985-02-03", "--id-number", "001085000123", "--data", data, "--passphrase-file", tm.pass)
	missing := []string{"Người dân chưa đồng ý cho xử lý dữ liệu cá nhân", "Chưa có ảnh phiếu đồng ý đã ký"}
	if want := "còn thiếu: " + missing[0] + "\ncòn thiếu: " + missing[1] + "\n"; code != 0 || !idLine.MatchString(out) || errOut != want {
		t.Fatalf("new: exit %d, stdout %q, stderr %q; want the ID and %q", code, out, errOut, want)
	}
	id := strings.TrimSpace(out)

	code, out, errOut = runDossier(t, "", "seal", id, "--data", data, "--passphrase-file", tm.pass)
	want := "Hồ sơ " + id + " chưa đủ để niêm phong:\n- " + missing[0] + "\n- " + missing[1] +
		"\ndinhd dossier seal: chưa niêm phong: hồ sơ còn thiếu 2 mục\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("seal: exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errOut, want)
	}
	list := listJSON(t, data)
	if len(list) != 1 || list[0].ID != id || list[0].State != outbox.Draft || list[0].Initials != "TVB" {
		t.Errorf("after the refused seal: %+v, want the draft", list)
	}
	if names, _ := os.ReadDir(filepath.Join(data, "outbox")); len(names) != 0 {
		t.Errorf("the refused seal left %v in the outbox folder", names)
	}
}

// testDossierPassphrase checks where the passphrase comes from (3
// derivations).
func testDossierPassphrase(t *testing.T, tm team) {
	data := tm.clone(t)
	dir := t.TempDir()
	wrong := writeFile(t, filepath.Join(dir, "wrong.txt"), "mật khẩu đội công nghệ sổ\n") // one accent off
	newArgs := func(extra ...string) []string {
		return append([]string{"new", "--procedure", testProcedure, "--name", "Lê Thị Hoa", "--data", data}, extra...)
	}
	const secret = "bí-mật-không-được-lộ"
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr []string // in stderr; for exit 0, stdout is an ID
	}{
		{"standard input without the flag", testPassphrase + "\n", newArgs(), 0, nil},
		{"standard input with -", testPassphrase, newArgs("--passphrase-file", "-"), 0, nil},
		{"wrong passphrase", "", newArgs("--passphrase-file", wrong), 1, // the drafts above stay as they are
			[]string{"dinhd dossier new: sai mật khẩu; không có gì bị thay đổi\n"}},
		{"empty standard input with -", "", newArgs("--passphrase-file", "-"), 2,
			[]string{"chưa có mật khẩu: hãy nhập ở đầu vào chuẩn (stdin) hoặc dùng --passphrase-file TỆP"}},
		{"blank line on standard input", "\n", []string{"seal", "AAAA", "--data", data}, 2, []string{"chưa có mật khẩu"}},
		{"no passphrase file", "", newArgs("--passphrase-file", filepath.Join(dir, "none.txt")), 1,
			[]string{"không đọc được tệp mật khẩu", filepath.Join(dir, "none.txt")}},
		{"--passphrase", "", newArgs("--passphrase", secret), 2,
			[]string{"không có tuỳ chọn --passphrase,", "không bao giờ được nhận qua tham số dòng lệnh"}},
		{"--passphrase=", "", []string{"seal", "AAAA", "--data", data, "--passphrase=" + secret}, 2,
			[]string{"không có tuỳ chọn --passphrase,", "không bao giờ được nhận qua tham số dòng lệnh"}},
	}
	drafts := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, files := storeContent(t, data), snapshot(t, data)
			code, out, errOut := runDossier(t, tt.stdin, tt.args...)
			filesAfter := snapshot(t, data)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, tt.code, out, errOut)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q, want it to contain %q", errOut, w)
				}
			}
			if strings.Contains(out+errOut, secret) {
				t.Errorf("the passphrase given as an argument is repeated: %q %q", out, errOut)
			}
			if code == 0 {
				drafts++
				if list := listJSON(t, data); !idLine.MatchString(out) || len(list) != drafts {
					t.Errorf("stdout %q, %d dossiers; want an ID and %d", out, len(list), drafts)
				}
				return
			}
			if after := storeContent(t, data); out != "" || !maps.Equal(after, before) {
				t.Errorf("a refused command printed %q and changed the store:\n%q\nwas\n%q", out, after, before)
			}
			// The vault header counts wrong passphrases; the database file
			// is compared by content above.
			for _, f := range []string{filepath.Join(data, "vault", "vault.json"), filepath.Join(data, store.FileName)} {
				delete(files, f)
				delete(filesAfter, f)
			}
			if !maps.Equal(files, filesAfter) {
				t.Errorf("a refused command changed the data folder:\n%v\nwas\n%v", filesAfter, files)
			}
		})
	}
}

// testDossierBadInput gives every command something wrong (3 derivations).
func testDossierBadInput(t *testing.T, tm team) {
	root := t.TempDir()
	data := filepath.Join(root, "a", "b", "data")
	if err := os.CopyFS(data, os.DirFS(tm.data)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "files")
	os.Mkdir(dir, 0o700)
	photo := writeJPEG(t, filepath.Join(dir, "giay-chung-sinh.jpg"), 64, 48)
	text := writeFile(t, filepath.Join(dir, "ghi-chu.txt"), "Đây là ghi chú, không phải ảnh.\n")
	fullKeys := filepath.Join(root, "full-keys")
	if err := os.CopyFS(fullKeys, os.DirFS(tm.keys)); err != nil {
		t.Fatal(err)
	}
	halfKeys := filepath.Join(root, "half-keys") // an earlier set-up left one file
	os.Mkdir(halfKeys, 0o700)
	oldRecovery, _ := os.ReadFile(filepath.Join(tm.keys, "recovery.key"))
	writeFile(t, filepath.Join(halfKeys, "recovery.key"), string(oldRecovery))
	other := writeFile(t, filepath.Join(dir, "other-pass.txt"), "một mật khẩu khác hẳn\n")
	newArgs := func(extra ...string) []string {
		return append([]string{"new", "--procedure", testProcedure, "--name", "Phạm Văn Đức", "--data", data,
			"--passphrase-file", tm.pass}, extra...)
	}
	initArgs := func(central, data string) []string {
		return []string{"init", "--central", central, "--recovery", filepath.Join(tm.keys, "recovery.pub"),
			"--data", data, "--passphrase-file", other}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
		writes bool               // it may write in the data folder; nothing else may change
		after  func(t *testing.T) // more checks
	}{
		{"procedure not in the catalogue", newArgs("--procedure", "9.999999"), 2,
			[]string{"không có thủ tục 9.999999 trong danh mục; tìm mã thủ tục bằng: dinhd catalog search"}, false, nil},
		{"procedure not in the catalogue, in English", newArgs("--procedure", "9.999999", "--lang", "en"), 2,
			[]string{"no procedure 9.999999 in the catalogue; find its code with: dinhd catalog search"}, false, nil},
		{"no such case", newArgs("--case", "99"), 2,
			[]string{"--case phải từ 1 đến 2; các trường hợp của thủ tục 1.001193:\n  1. " + testCase1 + "\n  2. " + testCase2}, false, nil},
		{"not a paper of the case", newArgs("--have", "not a paper"), 2,
			[]string{`--have "not a paper" không phải giấy tờ của trường hợp này; các giấy tờ là:` + "\n  " + paperForm}, false, nil},
		{"photo of a paper not in the case", newArgs("--attach", photo, "--paper", "Sổ hộ khẩu"), 2,
			[]string{`--paper "Sổ hộ khẩu" không phải giấy tờ`}, false, nil},
		{"name without a letter", newArgs("--name", "123"), 2,
			[]string{`--name "123" không có chữ cái nào`}, false, nil},
		{"guardian's ID without a guardian", newArgs("--guardian-id", "001200000001"), 2,
			[]string{"--guardian-id và --guardian-relation cần đi kèm --guardian"}, false, nil},
		{"missing photo", newArgs("--attach", filepath.Join(dir, "khong-co.jpg")), 2,
			[]string{"không tìm thấy tệp " + filepath.Join(dir, "khong-co.jpg")}, false, nil},
		{"text file attached", newArgs("--attach", photo, "--attach", text, "--consent", "--consent-form", photo), 1, // 1 derivation
			[]string{"không đính kèm được " + text + ": Tệp này không phải ảnh",
				"dinhd dossier new: chưa lưu hồ sơ vì 1 tệp không đính kèm được"}, true,
			func(t *testing.T) {
				if list := listJSON(t, data); len(list) != 0 {
					t.Errorf("a draft was kept: %+v", list)
				}
				if names, _ := os.ReadDir(filepath.Join(data, "drafts")); len(names) != 0 {
					t.Errorf("files were left in drafts: %v", names)
				}
			}},
		{"path as a dossier ID", []string{"seal", "../../x", "--data", data, "--passphrase-file", tm.pass}, 2,
			[]string{`"../../x" không phải mã hồ sơ`}, false, nil},
		{"unknown dossier", []string{"seal", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "--data", data, "--passphrase-file", tm.pass}, 1, // 1 derivation
			[]string{"không có bản nháp AAAAAAAAAAAAAAAAAAAAAAAAAA; xem danh sách bằng «dinhd dossier list»"}, true, nil},
		{"two dossier IDs", []string{"seal", "AAAA", "BBBB", "--data", data}, 2, []string{"không hiểu đối số BBBB"}, false, nil},
		{"init twice", initArgs(filepath.Join(tm.keys, "central.pub"), data), 1,
			[]string{"thư mục " + data + " đã được thiết lập rồi"}, false,
			func(t *testing.T) { // and the first passphrase still opens it: 1 derivation
				v, err := vault.Open(filepath.Join(data, "vault"), vault.Options{IdleTimeout: -1})
				if err == nil {
					err = v.Unlock(volunteer.Passphrase(testPassphrase))
					v.Close()
				}
				if err != nil {
					t.Errorf("the first vault does not open any more: %v", err)
				}
			}},
		{"init with a short passphrase", append(initArgs(filepath.Join(tm.keys, "central.pub"), filepath.Join(root, "new")),
			"--passphrase-file", writeFile(t, filepath.Join(dir, "short.txt"), "mật khẩ\n")), 1,
			[]string{"mật khẩu quá ngắn: cần ít nhất 8 ký tự"}, false, nil},
		{"init with the central private key", initArgs(filepath.Join(tm.keys, "central.key"), filepath.Join(root, "new")), 2,
			[]string{"--central: đây là khóa bí mật"}, false, nil},
		{"init with a key file that is not there", initArgs(filepath.Join(tm.keys, "centrl.pub"), filepath.Join(root, "new")), 2,
			[]string{"--central: không đọc được tệp khóa", "centrl.pub"}, false, nil},
		{"central init over keys", []string{"central", "init", "--data", fullKeys}, 1,
			[]string{filepath.Join(fullKeys, "central.pub") + " đã có; khoá của máy chủ tỉnh không bao giờ bị ghi đè"}, false, nil},
		{"central init beside an old key", []string{"central", "init", "--data", halfKeys}, 1,
			[]string{filepath.Join(halfKeys, "recovery.key") + " đã có"}, false, nil},
		{"seal before set-up", []string{"seal", "AAAA", "--data", filepath.Join(root, "never"), "--passphrase-file", tm.pass}, 1,
			[]string{"chưa được thiết lập", "«dinhd dossier init»"}, false, nil},
		{"list before set-up", []string{"list", "--data", filepath.Join(root, "never")}, 1,
			[]string{"thư mục " + filepath.Join(root, "never") + " chưa được thiết lập cho đội công nghệ số: hãy chạy «dinhd dossier init» trước"}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, root)
			var code int
			var out, errOut string
			if tt.args[0] == "central" {
				var o, e bytes.Buffer
				code = run(context.Background(), tt.args, &o, &e)
				out, errOut = o.String(), e.String()
			} else {
				code, out, errOut = runDossier(t, "", tt.args...)
			}
			if code != tt.code || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d and nothing on stdout", code, out, errOut, tt.code)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q, want it to contain %q", errOut, w)
				}
			}
			if tt.after != nil {
				tt.after(t)
			}
			after := snapshot(t, root)
			for p, sum := range after {
				if tt.writes && strings.HasPrefix(p, data) {
					continue
				}
				if before[p] != sum {
					t.Errorf("%s was written", p)
				}
			}
			for p := range before {
				if _, ok := after[p]; !ok && !(tt.writes && strings.HasPrefix(p, data)) {
					t.Errorf("%s was removed", p)
				}
			}
		})
	}
}
