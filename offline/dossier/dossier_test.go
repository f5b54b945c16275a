package dossier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/photo"
	"dinh/offline/seal"
	"dinh/offline/vault"
)

func TestInitials(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Nguyễn Văn An", "NVA"},
		{"  đặng   thị mai ", "ĐTM"},
		{"Nguyễn Thị Ánh Tuyết", "NTAT"},
		{"Tôn Nữ Thị Hoàng Lan Anh", "TNTHA"},
		{"Ê Đê", "EĐ"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Initials(tt.name); got != tt.want {
			t.Errorf("Initials(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	on := time.Date(2026, 11, 21, 10, 0, 0, 0, time.Local)
	tests := []struct {
		birth string
		age   int
		ok    bool
	}{
		{"2008-11-21", 18, true},
		{"2008-11-22", 17, true},
		{"2008-12-01", 17, true},
		{"2000-02-29", 26, true},
		{"2027-01-01", 0, false},
		{"21/11/2008", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		age, ok := Person{BirthDate: tt.birth}.Age(on)
		if age != tt.age || ok != tt.ok {
			t.Errorf("Age(%q) = %d, %v; want %d, %v", tt.birth, age, ok, tt.age, tt.ok)
		}
	}
}

// TestCheck lists what stops a dossier from being sealed, for adults,
// teenagers and small children.
func TestCheck(t *testing.T) {
	created := time.Date(2026, 11, 21, 10, 0, 0, 0, time.Local)
	base := func() *Dossier {
		return &Dossier{
			Case: "Cấp lại", Created: created,
			Villager:    Person{FullName: "Nguyễn Văn An", BirthDate: "1980-03-15", IDNumber: "001080012345"},
			Consent:     Consent{Given: true, Form: "f1"},
			Attachments: []Attachment{{ID: "f1", Kind: KindConsent}},
		}
	}
	guardian := &Guardian{FullName: "Nguyễn Văn Bình", IDNumber: "001070054321", Relation: "cha"}
	tests := []struct {
		name   string
		change func(d *Dossier)
		want   []Problem
	}{
		{"complete", func(d *Dossier) {}, nil},
		{"no case", func(d *Dossier) { d.Case = "" }, []Problem{NoCase}},
		{"no name", func(d *Dossier) { d.Villager.FullName = " " }, []Problem{NoName}},
		{"a name with no letter", func(d *Dossier) { d.Villager.FullName = "123 ?" }, []Problem{NoName}},
		{"bad birth date", func(d *Dossier) { d.Villager.BirthDate = "15/03/1980" }, []Problem{BadBirthDate}},
		{"ID of 9 digits", func(d *Dossier) { d.Villager.IDNumber = "123456789" }, []Problem{BadIDNumber}},
		{"adult without ID", func(d *Dossier) { d.Villager.IDNumber = "" }, []Problem{BadIDNumber}},
		{"a phone of nine digits", func(d *Dossier) { d.Villager.Phone = "091234567" }, []Problem{BadPhone}},
		{"no consent", func(d *Dossier) { d.Consent.Given = false }, []Problem{NoConsent}},
		{"consent form removed", func(d *Dossier) { d.Attachments = nil }, []Problem{NoConsentForm}},
		{"minor without guardian", func(d *Dossier) { d.Villager.BirthDate = "2010-05-01" }, []Problem{NoGuardian}},
		{"minor with guardian", func(d *Dossier) { d.Villager.BirthDate = "2010-05-01"; d.Consent.Guardian = guardian }, nil},
		{"guardian without ID", func(d *Dossier) {
			d.Villager.BirthDate = "2010-05-01"
			d.Consent.Guardian = &Guardian{FullName: "Trần Thị C"}
		}, []Problem{BadGuardianID}},
		{"child under 14 needs no ID", func(d *Dossier) {
			d.Villager.BirthDate, d.Villager.IDNumber, d.Consent.Guardian = "2020-01-01", "", guardian
		}, nil},
		{"turns 18 on the day", func(d *Dossier) { d.Villager.BirthDate = "2008-11-21" }, nil},
		{"notes too long", func(d *Dossier) { d.Notes = strings.Repeat("ă", MaxTextRunes+1) }, []Problem{TextTooLong}},
	}
	for _, tt := range tests {
		d := base()
		tt.change(d)
		got := d.Check()
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
		for _, p := range got {
			if !slices.Contains(Problems, p) {
				t.Errorf("%s: problem %q is not in Problems, so it has no words", tt.name, p)
			}
		}
	}
}

// TestDraftToSealed follows a dossier from its start to the outbox: saved
// and reloaded, photos attached, refused while incomplete, sealed, and
// then unreadable on the device but readable by the central server.
func TestDraftToSealed(t *testing.T) {
	central := newCentral(t)
	e := newEnv(t, t.TempDir(), central)
	d, err := e.desk.Create("2.000889", "Cấp lại Giấy chứng nhận quyền sử dụng đất", "Bị mất giấy chứng nhận", []string{"Đơn đề nghị", "Căn cước công dân"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Seal(context.Background(), d.ID, nil); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("sealing an empty draft: got %v, want ErrIncomplete", err)
	}
	d.Papers[1].Have = true
	complete(t, e, d)
	if got := d.Missing(); !slices.Equal(got, []string{"Đơn đề nghị"}) {
		t.Errorf("missing papers: got %v", got)
	}
	if len(d.Attachments) != 3 || d.Consent.Form != d.Attachments[2].ID {
		t.Fatalf("attachments: got %+v, consent form %q", d.Attachments, d.Consent.Form)
	}
	// Each photo was downscaled on the way in and reads back whole.
	for _, a := range d.Attachments {
		var buf bytes.Buffer
		if err := e.desk.ReadAttachment(d.ID, a.ID, &buf); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		if hex.EncodeToString(sum[:]) != a.SHA256 || int64(buf.Len()) != a.Size {
			t.Errorf("attachment %s does not read back as stored", a.Name)
		}
		if _, err := jpeg.DecodeConfig(&buf); err != nil {
			t.Errorf("attachment %s is not a JPEG: %v", a.Name, err)
		}
	}
	if entry, _ := e.desk.cfg.Outbox.Entry(d.ID); entry.Initials != "NVA" || entry.State != outbox.Draft {
		t.Errorf("outbox entry of the draft: %+v", entry)
	}

	var last, total int64
	entry, err := e.desk.Seal(context.Background(), d.ID, func(done, all int64) { last, total = done, all })
	if err != nil {
		t.Fatal(err)
	}
	if entry.State != outbox.Sealed || entry.Procedure != "2.000889" || entry.Initials != "NVA" || last != total || total == 0 {
		t.Errorf("after sealing: entry %+v, progress %d/%d", entry, last, total)
	}
	// A sealed dossier cannot be edited; its encrypted draft is kept,
	// read only, until the receipt comes back.
	if _, err := e.desk.Load(d.ID); !errors.Is(err, ErrSealed) {
		t.Errorf("loading a sealed dossier: got %v, want ErrSealed", err)
	}
	if _, ok, _ := e.st.Draft(d.ID); !ok {
		t.Error("the draft record is gone before the receipt")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "drafts", d.ID)); err != nil {
		t.Errorf("the draft's attachments are gone before the receipt: %v", err)
	}
	if err := e.desk.Discard(d.ID); !errors.Is(err, ErrSealed) {
		t.Errorf("discarding a sealed dossier: got %v, want ErrSealed", err)
	}

	// The central server reads everything back.
	got, files := openSealed(t, filepath.Join(e.dir, "outbox", entry.SealedPath), central)
	if got.Villager != d.Villager || got.Notes != d.Notes || got.Answers[QuestionRequest] != d.Answers[QuestionRequest] {
		t.Errorf("sealed record differs: %+v", got)
	}
	for _, a := range d.Attachments {
		sum := sha256.Sum256(files[AttachmentPart(a.ID)])
		if hex.EncodeToString(sum[:]) != a.SHA256 {
			t.Errorf("sealed attachment %s differs", a.Name)
		}
	}
	// Nothing else can open it.
	if _, _, err := openSealedErr(filepath.Join(e.dir, "outbox", entry.SealedPath), newCentral(t)); !errors.Is(err, seal.ErrNotForUs) {
		t.Errorf("opening with another central key: got %v", err)
	}
}

func openSealedErr(path string, central agekey.Private) (*Dossier, map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, _ := f.Stat()
	o, err := seal.Open(f, fi.Size(), central)
	if err != nil {
		return nil, nil, err
	}
	files := map[string][]byte{}
	for _, p := range o.Parts() {
		var buf bytes.Buffer
		if err := o.Extract(p.Name, &buf); err != nil {
			return nil, nil, err
		}
		files[p.Name] = buf.Bytes()
	}
	var d Dossier
	if err := json.Unmarshal(files[PartRecord], &d); err != nil {
		return nil, nil, err
	}
	return &d, files, nil
}

func openSealed(t testing.TB, path string, central agekey.Private) (*Dossier, map[string][]byte) {
	t.Helper()
	d, files, err := openSealedErr(path, central)
	if err != nil {
		t.Fatal(err)
	}
	return d, files
}

// TestNoPlaintextAtRest writes markers into every personal field of a
// draft, and scans every file of the data folder for them: after saving,
// after locking, and after sealing.
func TestNoPlaintextAtRest(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	d, err := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đăng ký khai sinh đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, d)
	markers := []string{"MARKER-Zq81-ten", "079123456789", "MARKER-Zq81-ghi-chu", "Ấp MARKER-Zq81 địa chỉ"}
	d.Villager.FullName, d.Villager.IDNumber, d.Notes, d.Villager.Address = markers[0], markers[1], markers[2], markers[3]
	d.Answers[QuestionRequest] = markers[2]
	if err := e.desk.Save(d); err != nil {
		t.Fatal(err)
	}
	scan := func(when string) {
		t.Helper()
		filepath.WalkDir(e.dir, func(path string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range markers {
				if bytes.Contains(b, []byte(m)) {
					t.Errorf("%s: %s holds %q in plaintext", when, path, m)
				}
			}
			return nil
		})
	}
	scan("saved draft")
	e.vault.Lock()
	if _, err := e.desk.Load(d.ID); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("loading with the vault locked: got %v, want ErrLocked", err)
	}
	scan("locked vault")
	if err := e.vault.Unlock([]byte(passphrase)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Seal(context.Background(), d.ID, nil); err != nil {
		t.Fatal(err)
	}
	scan("sealed dossier")
}

// TestLockedVaultChangesNothing: with the vault locked nothing can be
// created, saved or attached, and what was saved stays as it was.
func TestLockedVaultChangesNothing(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	d, err := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Villager.FullName = "Lê Thị Hoa"
	if err := e.desk.Save(d); err != nil {
		t.Fatal(err)
	}
	e.vault.Lock()
	d.Villager.FullName = "Lê Thị Hoà đổi"
	photoPath := writePhoto(t, t.TempDir(), "a.jpg", 200, 100, 1)
	for name, err := range map[string]error{
		"save":   e.desk.Save(d),
		"create": func() error { _, err := e.desk.Create("1.001193", "x", "y", nil); return err }(),
		"attach": func() error {
			_, err := e.desk.Attach(context.Background(), d.ID, KindOther, "", []string{photoPath}, nil)
			return err
		}(),
	} {
		if !errors.Is(err, vault.ErrLocked) {
			t.Errorf("%s while locked: got %v, want ErrLocked", name, err)
		}
	}
	if list, _ := e.desk.List(); len(list) != 1 {
		t.Errorf("create while locked left %d outbox entries, want 1", len(list))
	}
	if err := e.vault.Unlock([]byte(passphrase)); err != nil {
		t.Fatal(err)
	}
	got, err := e.desk.Load(d.ID)
	if err != nil || got.Villager.FullName != "Lê Thị Hoa" || len(got.Attachments) != 0 {
		t.Errorf("after the locked attempts: got %+v, %v", got, err)
	}
}

// TestWrongPassphraseFiveTimes: five wrong passphrases bring a back-off;
// once it has passed, the right one opens every draft as it was.
func TestWrongPassphraseFiveTimes(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, dir, newCentral(t))
	d, err := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, d)
	e.vault.Lock()
	for i := range 5 {
		if err := e.vault.Unlock([]byte("sai mật khẩu rồi")); !errors.Is(err, vault.ErrWrongPassphrase) {
			t.Fatalf("attempt %d: got %v, want ErrWrongPassphrase", i+1, err)
		}
	}
	var backoff *vault.BackoffError
	if err := e.vault.Unlock([]byte(passphrase)); !errors.As(err, &backoff) {
		t.Fatalf("sixth attempt, even right: got %v, want a back-off", err)
	}
	e.clock.t = backoff.Until
	if err := e.vault.Unlock([]byte(passphrase)); err != nil {
		t.Fatal(err)
	}
	got, err := e.desk.Load(d.ID)
	if err != nil || got.Villager != d.Villager || len(got.Attachments) != 3 {
		t.Fatalf("after the back-off: got %+v, %v", got, err)
	}
	for _, a := range got.Attachments {
		if err := e.desk.ReadAttachment(d.ID, a.ID, new(bytes.Buffer)); err != nil {
			t.Errorf("attachment %s after the back-off: %v", a.Name, err)
		}
	}
}

// TestBadPhotos adds a 200 MB file, a file that is no image and a cut
// JPEG beside a good photo: each bad one gets its own error, the good one
// is attached, and the draft is intact.
func TestBadPhotos(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	d, err := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	huge := filepath.Join(dir, "anh-200MB.jpg")
	f, _ := os.Create(huge)
	f.Write([]byte{0xFF, 0xD8, 0xFF})
	f.Truncate(200 << 20) // sparse: costs no disk
	f.Close()
	notImage := filepath.Join(dir, "to-khai.docx")
	os.WriteFile(notImage, []byte("PK\x03\x04 not a photo"), 0o600)
	good := writePhoto(t, dir, "giay-khai-sinh.jpg", 1600, 1200, 7)
	whole, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "anh-bi-cat.jpg")
	os.WriteFile(cut, whole[:len(whole)*2/3], 0o600)

	paths := []string{huge, notImage, good, cut}
	var calls int
	res, err := e.desk.Attach(context.Background(), d.ID, KindPaper, "Giấy chứng sinh", paths, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	want := []error{photo.ErrTooLarge, photo.ErrNotImage, nil, photo.ErrTruncated}
	if len(res) != len(paths) {
		t.Fatalf("got %d results for %d files, want one each", len(res), len(paths))
	}
	for i, r := range res {
		if want[i] == nil && r.Err != nil || want[i] != nil && !errors.Is(r.Err, want[i]) {
			t.Errorf("%s: got %v, want %v", filepath.Base(paths[i]), r.Err, want[i])
		}
	}
	if calls != len(paths) {
		t.Errorf("progress called %d times for %d files", calls, len(paths))
	}
	got, err := e.desk.Load(d.ID)
	if err != nil || len(got.Attachments) != 1 || got.Attachments[0].Name != "giay-khai-sinh.jpg" {
		t.Fatalf("draft after bad photos: %+v, %v", got, err)
	}
	if a := got.Attachments[0]; max(a.Width, a.Height) > 2000 || a.Width != 1600 {
		t.Errorf("a 1600×1200 photo came out %d×%d", a.Width, a.Height)
	}
}

// TestTamperedDraft: a changed draft record is reported as damaged, and
// the other drafts still open.
func TestTamperedDraft(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	a, _ := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	b, _ := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	raw, _, _ := e.st.Draft(a.ID)
	raw[len(raw)/2] ^= 1
	if err := e.st.PutDraft(a.ID, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Load(a.ID); !errors.Is(err, vault.ErrDecrypt) {
		t.Errorf("tampered draft: got %v, want ErrDecrypt", err)
	}
	// Swapping two records is tampering too: each is bound to its ID.
	rawB, _, _ := e.st.Draft(b.ID)
	e.st.PutDraft(a.ID, rawB)
	if _, err := e.desk.Load(a.ID); !errors.Is(err, vault.ErrDecrypt) {
		t.Errorf("record moved to another ID: got %v, want ErrDecrypt", err)
	}
	if _, err := e.desk.Load(b.ID); err != nil {
		t.Errorf("the untouched draft: %v", err)
	}
	if err := e.desk.ReadAttachment(b.ID, "../../x", new(bytes.Buffer)); !errors.Is(err, ErrNotFound) {
		t.Errorf("attachment ../../x: got %v, want ErrNotFound", err)
	}
}

// TestDetachAndDiscard removes an attachment, then the whole draft, with
// their files.
func TestDetachAndDiscard(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	d, _ := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	complete(t, e, d)
	form := d.Consent.Form
	if err := e.desk.Detach(d.ID, form); err != nil {
		t.Fatal(err)
	}
	got, _ := e.desk.Load(d.ID)
	if len(got.Attachments) != 2 || got.Consent.Form != "" || !slices.Contains(got.Check(), NoConsentForm) {
		t.Errorf("after removing the consent form: %+v", got)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "drafts", d.ID, form+".enc")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the removed photo's file is still there: %v", err)
	}
	if err := e.desk.Discard(d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Load(d.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("discarded draft: got %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "drafts", d.ID)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the discarded draft's folder is still there: %v", err)
	}
}

// TestDamagedOutboxEntry: one unreadable outbox entry does not lock the
// volunteer out of the others.
func TestDamagedOutboxEntry(t *testing.T) {
	dir := t.TempDir()
	central := newCentral(t)
	e := newEnv(t, dir, central)
	d, err := e.desk.Create("1.001193", "Đăng ký khai sinh", "Đúng hạn", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateOutboxEntry("BROKEN", func([]byte) ([]byte, error) { return []byte("{not json"), nil }); err != nil {
		t.Fatal(err)
	}
	e.close()
	e = newEnv(t, dir, central) // NewDesk recovers around the damaged entry
	list, err := e.desk.List()
	if !errors.Is(err, outbox.ErrCorrupt) || len(list) != 1 || list[0].ID != d.ID {
		t.Fatalf("list with a damaged entry: %+v, %v", list, err)
	}
	if _, err := e.desk.Load(d.ID); err != nil {
		t.Errorf("the readable draft: %v", err)
	}
}

// TestValidPhone: Vietnamese mobile and landline numbers as people write
// them, and what is not one.
func TestValidPhone(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"0912345678", true},
		{"0912 345 678", true},
		{"091.234.5678", true},
		{"+84 912 345 678", true},
		{"84912345678", true},
		{"0363-123-456", true},
		{"024 3825 1234", true},    // a Hà Nội landline
		{"+84 24 3825 1234", true}, // the same from abroad
		{"091234567", false},       // nine digits
		{"09123456789", false},     // eleven digits, not a landline
		{"0112345678", false},      // no such prefix
		{"0412345678", false},      // no such prefix
		{"0912345678x", false},     // a letter
		{"", false},                // nothing
		{"+1 202 555 0100", false}, // not Vietnamese
	} {
		if got := ValidPhone(tt.in); got != tt.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
