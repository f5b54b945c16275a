package dossier

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/store"
	"dinh/offline/vault"
)

// fastKDF keeps tests quick; offline/vault tests the real costs.
var fastKDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

const passphrase = "mật khẩu của tình nguyện viên"

// clock is a settable clock for the vault's back-off.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// env is a volunteer's data folder, opened as the app opens it.
type env struct {
	dir     string
	st      *store.Store
	vault   *vault.Vault
	desk    *Desk
	central agekey.Private
	clock   *clock
}

func vaultOptions(c *clock) vault.Options {
	return vault.Options{IdleTimeout: -1, Now: c.Now, KDF: fastKDF}
}

// newEnv creates a data folder with a vault, or opens the one in dir.
func newEnv(t testing.TB, dir string, central agekey.Private) *env {
	t.Helper()
	e, err := openEnv(dir, central)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	return e
}

// openEnv is newEnv for a child process, which has no testing.TB.
func openEnv(dir string, central agekey.Private) (_ *env, err error) {
	e := &env{dir: dir, central: central, clock: &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.Local)}}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	if e.st, err = store.Open(filepath.Join(dir, "store")); err != nil {
		return nil, err
	}
	vdir := filepath.Join(dir, "vault")
	if _, err := os.Stat(vdir); err != nil {
		rpub, _, err := agekey.Generate()
		if err != nil {
			return nil, err
		}
		if e.vault, err = vault.Create(vdir, []byte(passphrase), rpub, vaultOptions(e.clock)); err != nil {
			return nil, err
		}
	} else {
		if e.vault, err = vault.Open(vdir, vaultOptions(e.clock)); err != nil {
			return nil, err
		}
		if err := e.vault.Unlock([]byte(passphrase)); err != nil {
			return nil, err
		}
	}
	device, err := e.st.HostKey()
	if err != nil {
		return nil, err
	}
	obDir := filepath.Join(dir, "outbox")
	e.desk, err = NewDesk(Config{
		Store: e.st, Vault: e.vault,
		Outbox:    outbox.New(e.st, obDir, nil, 30*24*time.Hour),
		Dir:       filepath.Join(dir, "drafts"),
		OutboxDir: obDir,
		Central:   central.Public(),
		Device:    device,
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (e *env) close() {
	if e.vault != nil {
		e.vault.Close()
		e.vault = nil
	}
	if e.st != nil {
		e.st.Close()
		e.st = nil
	}
}

func newCentral(t testing.TB) agekey.Private {
	t.Helper()
	_, priv, err := agekey.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

// writePhoto writes a w×h JPEG of a colour gradient with some texture.
func writePhoto(t testing.TB, dir, name string, w, h int, seed uint8) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x*255/w) ^ seed, uint8(y * 255 / h), uint8((x*7 + y*13) % 256), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// complete fills a draft so that it can be sealed, with photos of two
// papers and of the consent form.
func complete(t testing.TB, e *env, d *Dossier) {
	t.Helper()
	d.Villager = Person{FullName: "Nguyễn Văn An", BirthDate: "1980-03-15", Gender: "nam", IDNumber: "001080012345", Phone: "0912345678", Address: "Thôn Đông, xã Tân Lập"}
	d.Answers[QuestionRequest] = "Cấp lại giấy chứng nhận quyền sử dụng đất bị mất"
	d.Consent.Given, d.Consent.At = true, e.clock.Now()
	d.Notes = "Người dân cần bản sao sổ hộ khẩu cũ."
	if err := e.desk.Save(d); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx := context.Background()
	papers := []string{writePhoto(t, dir, "cccd-truoc.jpg", 1200, 800, 1), writePhoto(t, dir, "cccd-sau.jpg", 1200, 800, 2)}
	if res, err := e.desk.Attach(ctx, d.ID, KindPaper, "Căn cước công dân", papers, nil); err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("attach papers: %v %+v", err, res)
	}
	form := writePhoto(t, dir, "phieu-dong-y.jpg", 900, 1300, 3)
	if res, err := e.desk.Attach(ctx, d.ID, KindConsent, "", []string{form}, nil); err != nil || res[0].Err != nil {
		t.Fatalf("attach consent form: %v %+v", err, res)
	}
	loaded, err := e.desk.Load(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	*d = *loaded
}
