package dossier

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dinh/offline/outbox"
)

// TestDamagedSealedFileIsSealedAgain: a byte flipped in a sealed file in
// the outbox (a cheap SD card) is found by the outbox's check, and the
// dossier is sealed again from the draft kept until the receipt: same ID,
// a file that opens, the villager's data intact. Once the receipt is back,
// Tidy deletes the kept draft.
func TestDamagedSealedFileIsSealedAgain(t *testing.T) {
	e := newEnv(t, t.TempDir(), newCentral(t))
	d, err := e.desk.Create("2.000889", "Cấp đổi giấy chứng nhận", "Bị mất", []string{"Đơn đề nghị"})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, d)
	entry, err := e.desk.Seal(context.Background(), d.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The sync tidies after its passes; the app reopens the desk at
	// every start. Neither may take the draft before the receipt.
	if err := e.desk.Tidy(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.dir, "outbox", entry.SealedPath)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x08
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openSealedErr(path, e.central); err == nil {
		t.Fatal("the flipped byte did not damage the sealed file")
	}

	ob := e.desk.cfg.Outbox
	if damaged, err := ob.CheckAll(); err != nil || len(damaged) != 1 || damaged[0] != d.ID {
		t.Fatalf("check: %v, %v", damaged, err)
	}
	if ids, _ := e.desk.Damaged(); len(ids) != 1 {
		t.Fatalf("the desk lists %v as damaged", ids)
	}
	again, err := e.desk.Seal(context.Background(), d.ID, nil)
	if err != nil {
		t.Fatalf("sealing the damaged dossier again: %v", err)
	}
	if again.ID != d.ID || again.State != outbox.Sealed || again.SealedSHA256 == entry.SealedSHA256 {
		t.Fatalf("sealed again: %+v", again)
	}
	got, _ := openSealed(t, filepath.Join(e.dir, "outbox", again.SealedPath), e.central)
	if got.Villager != d.Villager || len(got.Attachments) != len(d.Attachments) {
		t.Errorf("the dossier sealed again differs: %+v", got.Villager)
	}
	if ok, err := ob.CheckSealed(d.ID); !ok || err != nil {
		t.Errorf("the file sealed again fails its check: %v", err)
	}

	// The receipt comes back: the kept draft goes.
	for _, step := range []func() error{
		func() error { return ob.Queue(d.ID) },
		func() error { return ob.MarkDelivered(d.ID) },
		func() error { return ob.MarkReceipted(d.ID, "DH-7K3M-9QXA", time.Now()) },
		e.desk.Tidy,
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, _ := e.st.Draft(d.ID); ok {
		t.Error("the draft outlived the receipt")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "drafts", d.ID)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the draft's photos outlived the receipt: %v", err)
	}
}
