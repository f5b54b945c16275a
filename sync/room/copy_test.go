package room

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/meeting/pdf"
	"dinh/sync/lan"
)

// TestRunFolderAndCopy: a host publishes a folder with RunFolder; a
// delegate's Copy over real mDNS on lo writes agenda.json and every PDF,
// byte for byte; with Follow, an edit of the host's folder reaches the
// delegate's folder as a new version without anyone doing anything.
func TestRunFolderAndCopy(t *testing.T) {
	ifs := loopback(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	folder := t.TempDir()
	m, err := demo.WriteFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: ifs})
	if err != nil {
		t.Fatal(err)
	}
	published := make(chan *meeting.Manifest, 4)
	notRepublished := make(chan error, 4)
	hostDone := make(chan error, 1)
	go func() {
		hostDone <- h.RunFolder(ctx, folder, 50*time.Millisecond, FolderEvents{
			Published:      func(_, man *meeting.Manifest) { published <- man },
			NotRepublished: func(err error) { notRepublished <- err },
		})
	}()
	first := <-published

	// A copy that stops once up to date.
	st, bl := open(t)
	out := filepath.Join(t.TempDir(), "copy")
	var found Listing
	err = Copy(ctxTimeout(t, ctx), CopyConfig{Store: st, Blobs: bl, Ifaces: ifs, Out: out,
		Find:       FindOptions{ID: m.ID, Timeout: 20 * time.Second},
		CopyEvents: CopyEvents{Found: func(f Listing, _ []Listing) { found = f }}})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if found.Fingerprint != h.Fingerprint().String() {
		t.Errorf("found host %s, want %s", found.Short(), h.Fingerprint().Short())
	}
	var a Agenda
	b, err := os.ReadFile(filepath.Join(out, AgendaName))
	if err != nil || json.Unmarshal(b, &a) != nil || a.Version != first.Version || a.Meeting.Title != m.Title {
		t.Fatalf("agenda.json: %v, version %d, want %d", err, a.Version, first.Version)
	}
	for _, d := range first.Documents {
		got, err1 := os.ReadFile(filepath.Join(out, d.Name))
		want, err2 := os.ReadFile(filepath.Join(folder, d.Name))
		if err1 != nil || err2 != nil || string(got) != string(want) {
			t.Errorf("%s: copied bytes differ from the host's (%v, %v)", d.Name, err1, err2)
		}
	}

	// A copy into a path that cannot be a folder fails and says so, even
	// when the cached copy is already up to date and nothing new comes.
	notDir := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err = Copy(ctxTimeout(t, ctx), CopyConfig{Store: st, Blobs: bl, Ifaces: ifs, Out: notDir,
		Find: FindOptions{ID: m.ID, Timeout: 20 * time.Second}})
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("a copy into a file: got %v, want the error that it is not a folder", err)
	}

	// A copy that follows: the host's folder changes, the copy follows.
	saved := make(chan *meeting.Manifest, 4)
	fctx, stopFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() {
		followed <- Copy(fctx, CopyConfig{Store: st, Blobs: bl, Ifaces: ifs, Out: out, Follow: true,
			Find:       FindOptions{ID: m.ID, Timeout: 20 * time.Second},
			CopyEvents: CopyEvents{Saved: func(man *meeting.Manifest, _ meeting.Changes, _ []AgendaDocument) { saved <- man }}})
	}()
	m.Title = "Kỳ họp thứ năm (bổ sung)"
	if err := meeting.WriteFolder(folder, m); err != nil {
		t.Fatal(err)
	}
	second := <-published
	for man := range saved {
		if man.Version == second.Version {
			break
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, AgendaName)); json.Unmarshal(b, &a) != nil || a.Meeting.Title != m.Title {
		t.Errorf("after the edit, agenda.json has %q, want %q", a.Meeting.Title, m.Title)
	}
	stopFollow()
	if err := <-followed; !errors.Is(err, context.Canceled) {
		t.Errorf("a followed copy stopped: got %v, want context.Canceled", err)
	}
	cancel()
	if err := <-hostDone; err != nil {
		t.Errorf("RunFolder: %v", err)
	}
	// The edit was republished: nothing says it was not.
	close(notRepublished)
	for err := range notRepublished {
		t.Errorf("a republished folder was reported as not republished: %v", err)
	}
}

// TestRunFolderRefusesABrokenFolder: a folder that is not a meeting is an
// error at once, before anything is announced.
func TestRunFolderRefusesABrokenFolder(t *testing.T) {
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: loopback(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.RunFolder(t.Context(), t.TempDir(), 0, FolderEvents{}); err == nil {
		t.Fatal("an empty folder: got no error, want one")
	}
	// A folder whose PDF is cut short, watched: refused by name, and the
	// watch it had started is stopped (goleak checks at the end).
	dir := t.TempDir()
	m, err := demo.WriteFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	name := m.DocumentNames()[0]
	b, _ := os.ReadFile(filepath.Join(dir, name))
	os.WriteFile(filepath.Join(dir, name), b[:len(b)/2], 0o644)
	var de *lan.DocumentError
	if err := h.RunFolder(t.Context(), dir, 50*time.Millisecond, FolderEvents{}); !errors.As(err, &de) || de.Name != name {
		t.Fatalf("a folder with a broken PDF: got %v, want %s refused", err, name)
	}
}

// TestPublishFiles: documents picked one by one are published with the
// trust folder's certificates bundled; a document whose file is gone, or
// a trust folder that cannot be read, publishes nothing and the version
// on the LAN stays.
func TestPublishFiles(t *testing.T) {
	folder := t.TempDir()
	m, err := demo.WriteFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, name := range m.DocumentNames() {
		paths[name] = filepath.Join(folder, name)
	}
	trust := t.TempDir()
	if err := os.WriteFile(filepath.Join(trust, "root.pem"), selfSigned(t, "Root"), 0o600); err != nil {
		t.Fatal(err)
	}
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: loopback(t), TrustDir: trust})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- h.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()

	man, err := h.PublishFiles(m, paths)
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Documents) != len(paths) || len(man.Trust) != 1 || man.Trust[0].Name != "root.pem" {
		t.Fatalf("published %d documents and trust %v, want %d and root.pem", len(man.Documents), man.Trust, len(paths))
	}

	gone := maps.Clone(paths)
	gone[m.DocumentNames()[0]] = filepath.Join(folder, "gone.pdf")
	if _, err := h.PublishFiles(m, gone); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a document whose file is gone: got %v, want fs.ErrNotExist", err)
	}
	h.cfg.TrustDir = filepath.Join(trust, "root.pem") // a file, not a folder
	if _, err := h.PublishFiles(m, paths); err == nil {
		t.Error("a trust folder that is a file: got no error")
	}
	if got := h.Manifest(); got == nil || got.Version != man.Version {
		t.Errorf("after the refusals the host serves %v, want version %d", got, man.Version)
	}
}

// TestPublishRefusesABrokenDocument: a document MuPDF cannot open (cut
// short by a copy that failed, or not a PDF at all) is refused by name
// before anything is published, and the version on the LAN stays.
func TestPublishRefusesABrokenDocument(t *testing.T) {
	folder := t.TempDir()
	m, err := demo.WriteFolder(folder)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, name := range m.DocumentNames() {
		paths[name] = filepath.Join(folder, name)
	}
	hst, hbl := open(t)
	h, err := NewHost(HostConfig{Store: hst, Blobs: hbl, Ifaces: loopback(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- h.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	man, err := h.PublishFiles(m, paths)
	if err != nil {
		t.Fatal(err)
	}
	victim := m.DocumentNames()[1]
	whole, _ := os.ReadFile(paths[victim])
	for _, tt := range []struct {
		name  string
		bytes []byte
	}{
		{"cut short", whole[:len(whole)/2]},
		{"not a PDF", []byte("Biên bản họp, bản nháp\n")},
		{"empty", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			broken := filepath.Join(t.TempDir(), victim)
			if err := os.WriteFile(broken, tt.bytes, 0o600); err != nil {
				t.Fatal(err)
			}
			bad := maps.Clone(paths)
			bad[victim] = broken
			_, err := h.PublishFiles(m, bad)
			var de *lan.DocumentError
			if !errors.As(err, &de) || de.Name != victim || !errors.Is(err, pdf.ErrCorrupt) {
				t.Errorf("got %v, want %s refused by name as damaged", err, victim)
			}
			if got := h.Manifest(); got == nil || got.Version != man.Version {
				t.Errorf("after the refusal the host serves %v, want version %d", got, man.Version)
			}
		})
	}
}
