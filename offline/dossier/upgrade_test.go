package dossier

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
)

var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/format1 with this version's drafts")

// TestSchema3DraftOpens opens a data folder whose store the Đình of schema
// 3 wrote (storetest's frozen file), when a draft was only its outbox
// entry, and continues that draft.
func TestSchema3DraftOpens(t *testing.T) {
	dir := t.TempDir()
	storetest.Frozen(t, filepath.Join(dir, "store"), 3)
	e := newEnv(t, dir, newCentral(t))
	if v, _ := e.st.Version(); v != store.SchemaVersion {
		t.Fatalf("store schema %d after opening, want %d", v, store.SchemaVersion)
	}
	const id = "HS-0001"
	d, err := e.desk.Load(id)
	if err != nil {
		t.Fatalf("the schema 3 draft does not open: %v", err)
	}
	d.Procedure, d.Case = "1.001193", "Đăng ký khai sinh đúng hạn"
	d.Villager.FullName = "Lê Thị Hồng"
	if err := e.desk.Save(d); err != nil {
		t.Fatal(err)
	}
	got, err := e.desk.Load(d.ID)
	if err != nil || got.Villager.FullName != "Lê Thị Hồng" || got.Case != d.Case {
		t.Errorf("continued schema 3 draft: %+v, %v", got, err)
	}
	list, _ := e.desk.List()
	if len(list) != 1 || list[0].ID != id || list[0].State != outbox.Draft || list[0].Initials != "LTH" {
		t.Errorf("list after the upgrade: %+v", list)
	}
}

// fixtureID is the draft in testdata/format1.
const fixtureID = "FIXTUREFORMAT1DRAFT"

// TestFormat1DraftsOpen opens a data folder written by the version that
// introduced drafts (record format 1, store schema 4), committed under
// testdata, and reads its draft and photo. Before the first release the
// vault moved to age: the folder's vault.json and its photo were then
// re-encrypted once, under the same data key and passphrase wrap, and
// central.key became an age key; dinh.db is as that version wrote it. It guards every later change
// of the record, the store or the vault: drafts must survive upgrades.
func TestFormat1DraftsOpen(t *testing.T) {
	src := filepath.Join("testdata", "format1")
	if *updateFixture {
		writeFixture(t, src)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(dir, "central.key"))
	if err != nil {
		t.Fatal(err)
	}
	central, err := agekey.ParsePrivate(string(key))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, dir, central)
	d, err := e.desk.Load(fixtureID)
	if err != nil {
		t.Fatalf("format 1 draft does not open: %v", err)
	}
	if d.Villager.FullName != "Phạm Thị Lan" || d.Villager.IDNumber != "036185004321" || d.Answers[QuestionRequest] != "Xin cấp phiếu lý lịch tư pháp số 1" || len(d.Attachments) != 1 {
		t.Fatalf("format 1 draft reads as %+v", d)
	}
	var buf bytes.Buffer
	if err := e.desk.ReadAttachment(d.ID, d.Attachments[0].ID, &buf); err != nil || int64(buf.Len()) != d.Attachments[0].Size {
		t.Fatalf("format 1 photo: %d bytes, %v", buf.Len(), err)
	}
	complete(t, e, d)
	if _, err := e.desk.Seal(t.Context(), d.ID, nil); err != nil {
		t.Fatalf("sealing the format 1 draft: %v", err)
	}
}

func writeFixture(t *testing.T, dst string) {
	os.RemoveAll(dst)
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	central := newCentral(t)
	os.WriteFile(filepath.Join(dst, "central.key"), []byte(central.File(time.Now())), 0o600)
	e := newEnv(t, dst, central)
	newID = func() string { return fixtureID }
	defer func() { newID = outbox.NewID }()
	d, err := e.desk.Create("1.001108", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Cấp Phiếu lý lịch tư pháp số 1", nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Villager = Person{FullName: "Phạm Thị Lan", BirthDate: "1985-06-02", Gender: "nữ", IDNumber: "036185004321"}
	d.Answers[QuestionRequest] = "Xin cấp phiếu lý lịch tư pháp số 1"
	if err := e.desk.Save(d); err != nil {
		t.Fatal(err)
	}
	p := writePhoto(t, t.TempDir(), "cccd.jpg", 160, 100, 5)
	if res, err := e.desk.Attach(t.Context(), d.ID, KindPaper, "Căn cước", []string{p}, nil); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	e.close()
}
