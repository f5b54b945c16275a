package dossier

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"go.uber.org/goleak"

	"dinh/offline/agekey"
	"dinh/offline/outbox"
)

// The child process of TestKilledWhileSealing: it seals the dossier named
// in its environment and, at the step named there, says so on stdout and
// waits to be killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("DINH_SEAL_CHILD"); dir != "" {
		if err := sealChild(dir, os.Getenv("DINH_SEAL_ID"), os.Getenv("DINH_SEAL_STOP")); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	// Sealing reads photos through pipes fed by goroutines, and photos are
	// prepared by a pool: none may outlive its call, even on failure.
	if err := goleak.Find(); code == 0 && err != nil {
		fmt.Println("goroutines left behind:", err)
		code = 1
	}
	if benchPhotoDir != "" {
		os.RemoveAll(benchPhotoDir)
	}
	os.Exit(code)
}

func sealChild(dir, id, stop string) error {
	key, err := os.ReadFile(filepath.Join(dir, "central.key"))
	if err != nil {
		return err
	}
	central, err := agekey.ParsePrivate(string(key))
	if err != nil {
		return err
	}
	e, err := openEnv(dir, central)
	if err != nil {
		return err
	}
	halt := func() {
		fmt.Println(stop)
		select {} // until killed
	}
	switch stop {
	case "written":
		sealHooks.written = halt
	case "renamed":
		sealHooks.renamed = halt
	case "marked":
		sealHooks.marked = halt
	}
	fmt.Println("start")
	if _, err = e.desk.Seal(context.Background(), id, nil); err != nil {
		return err
	}
	fmt.Println("done")
	select {} // until killed: every case ends by SIGKILL
}

// TestKilledWhileSealing kills a real process with SIGKILL at each step of
// sealing, and once at whatever point it has reached, and then finds either
// the whole draft or the whole sealed dossier, never neither and never
// both. It checks that the child reached the step and died of the signal.
func TestKilledWhileSealing(t *testing.T) {
	tests := []struct {
		stop string
		want outbox.State // after the kill; "" when it depends on timing
	}{
		{"start", ""}, // killed wherever sealing has got to
		{"written", outbox.Draft},
		{"renamed", outbox.Draft},
		{"marked", outbox.Sealed},
		{"done", outbox.Sealed},
	}
	for _, tt := range tests {
		stop := tt.stop
		t.Run(stop, func(t *testing.T) {
			dir := t.TempDir()
			central := newCentral(t)
			os.WriteFile(filepath.Join(dir, "central.key"), []byte(central.String()), 0o600)
			e := newEnv(t, dir, central)
			d, err := e.desk.Create("2.000889", "Cấp lại Giấy chứng nhận quyền sử dụng đất", "Bị mất", nil)
			if err != nil {
				t.Fatal(err)
			}
			complete(t, e, d)
			e.close() // the child takes the data folder

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "DINH_SEAL_CHILD="+dir, "DINH_SEAL_ID="+d.ID, "DINH_SEAL_STOP="+stop)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(out)
			reached := false
			for !reached && lines.Scan() {
				if strings.HasPrefix(lines.Text(), "error:") {
					t.Fatal(lines.Text())
				}
				reached = lines.Text() == stop
				if lines.Text() == "done" {
					break // sealing finished without passing the step
				}
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if !reached {
				t.Fatalf("the child never reached %q", stop)
			}
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the child ended with %v, want killed by SIGKILL", cmd.ProcessState)
			}

			e = newEnv(t, dir, central)
			if got := checkDraftOrSealed(t, e, d); tt.want != "" && got != tt.want {
				t.Errorf("killed at %q: the dossier is %s, want %s", stop, got, tt.want)
			}
		})
	}
}

// checkDraftOrSealed asserts that d survives whole as a draft or as a
// sealed dossier, and that nothing is left over from the other. It returns
// the dossier's state.
func checkDraftOrSealed(t *testing.T, e *env, d *Dossier) outbox.State {
	t.Helper()
	entry, err := e.desk.cfg.Outbox.Entry(d.ID)
	if err != nil {
		t.Fatalf("the dossier is gone from the outbox: %v", err)
	}
	leftovers, _ := os.ReadDir(filepath.Join(e.dir, "outbox"))
	switch entry.State {
	case outbox.Draft:
		got, err := e.desk.Load(d.ID)
		if err != nil {
			t.Fatalf("draft after the kill: %v", err)
		}
		if got.Villager != d.Villager || len(got.Attachments) != len(d.Attachments) {
			t.Errorf("draft after the kill differs: %+v", got)
		}
		for _, a := range got.Attachments {
			if err := e.desk.ReadAttachment(d.ID, a.ID, new(bytes.Buffer)); err != nil {
				t.Errorf("attachment %s after the kill: %v", a.Name, err)
			}
		}
		if len(leftovers) != 0 {
			t.Errorf("a half-sealed file is left in the outbox: %v", leftovers[0].Name())
		}
	case outbox.Sealed:
		got, _ := openSealed(t, filepath.Join(e.dir, "outbox", entry.SealedPath), e.central)
		if got.Villager != d.Villager || len(got.Attachments) != len(d.Attachments) {
			t.Errorf("sealed dossier differs: %+v", got)
		}
		// The encrypted draft is kept until the receipt, to seal again
		// from if the sealed file is damaged.
		if _, ok, _ := e.st.Draft(d.ID); !ok {
			t.Error("the draft record is gone before the receipt")
		}
		if _, err := os.Stat(filepath.Join(e.dir, "drafts", d.ID)); err != nil {
			t.Errorf("the draft's attachments are gone before the receipt: %v", err)
		}
		if len(leftovers) != 1 {
			t.Errorf("outbox folder holds %d files, want the sealed one only", len(leftovers))
		}
	default:
		t.Fatalf("dossier is %s after the kill", entry.State)
	}
	t.Logf("the dossier is %s", entry.State)
	return entry.State
}
