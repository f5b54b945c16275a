package dossier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"dinh/internal/testenv"
)

// smallDisk mounts a tmpfs of the given size for the test, when the test
// may mount (root, as in CI); otherwise it skips.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		testenv.Skip(t, "cannot mount a small tmpfs to fill (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	// Smaller writes take the last blocks, so the disk is full to the byte.
	for n := len(chunk) / 2; n > 0; n /= 2 {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return path
}

// TestDiskFull fills the disk under a draft: adding a photo, saving and
// sealing each fail with ErrDiskFull, leave nothing half-written, and the
// draft as last saved stays readable. Once space is freed, sealing works.
func TestDiskFull(t *testing.T) {
	dir := smallDisk(t, "6m")
	central := newCentral(t)
	e := newEnv(t, filepath.Join(dir, "data"), central)
	d, err := e.desk.Create("2.000889", "Cấp lại Giấy chứng nhận quyền sử dụng đất", "Bị mất", []string{"Đơn đề nghị"})
	if err != nil {
		t.Fatal(err)
	}
	complete(t, e, d)
	photo := writePhoto(t, t.TempDir(), "so-do.jpg", 1800, 1200, 9)
	filler := fill(t, dir)

	res, err := e.desk.Attach(context.Background(), d.ID, KindPaper, "Đơn đề nghị", []string{photo}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res[0].Err, ErrDiskFull) {
		t.Errorf("adding a photo to a full disk: got %v, want ErrDiskFull", res[0].Err)
	}
	changed := *d
	changed.Notes = string(make([]rune, MaxTextRunes)) // a large change
	if err := e.desk.Save(&changed); err != nil && !errors.Is(err, ErrDiskFull) {
		t.Errorf("saving on a full disk: got %v, want success or ErrDiskFull", err)
	} else if err != nil {
		t.Logf("saving on a full disk: %v", err)
	}
	d.Notes = "ghi chú sau khi đầy đĩa"
	saveErr := e.desk.Save(d)
	if _, err := e.desk.Seal(context.Background(), d.ID, nil); !errors.Is(err, ErrDiskFull) {
		t.Fatalf("sealing on a full disk: got %v, want ErrDiskFull", err)
	}
	got, err := e.desk.Load(d.ID)
	if err != nil || len(got.Attachments) != 3 {
		t.Fatalf("draft after the disk filled: %+v, %v", got, err)
	}
	if saveErr == nil && got.Notes != d.Notes {
		t.Errorf("a save that succeeded was lost: notes %q", got.Notes)
	}
	if left, _ := os.ReadDir(filepath.Join(e.dir, "outbox")); len(left) != 0 {
		t.Errorf("a failed seal left %s in the outbox", left[0].Name())
	}

	os.Remove(filler)
	if _, err := e.desk.Seal(context.Background(), d.ID, nil); err != nil {
		t.Fatalf("sealing once space is free: %v", err)
	}
	checkDraftOrSealed(t, e, got)
}
