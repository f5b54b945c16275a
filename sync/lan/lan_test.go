package lan

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"

	"dinh/meeting"
	"dinh/offline/blob"
	"dinh/offline/store"
	"dinh/offline/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv("DINH_LAN_HELPER") != "" {
		helperProcess()
		return
	}
	goleak.VerifyTestMain(m)
}

type side struct {
	st    *store.Store
	blobs *blob.Store
}

func newSide(t testing.TB, dir string) side {
	t.Helper()
	st := storetest.OpenDir(t, dir)
	bl, err := blob.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return side{st, bl}
}

// folder writes a meeting folder whose documents are random bytes of the
// given sizes.
func folder(t testing.TB, sizes ...int) (string, *meeting.Meeting) {
	t.Helper()
	dir := t.TempDir()
	m := &meeting.Meeting{ID: "ky-hop-5", Title: "Kỳ họp thứ năm", Start: time.Now(), Place: "Hội trường"}
	for i, n := range sizes {
		name := fmt.Sprintf("tai-lieu-%d.pdf", i+1)
		b := make([]byte, n)
		rand.Read(b)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
		m.Agenda = append(m.Agenda, meeting.Item{Title: fmt.Sprintf("Nội dung %d", i+1), Documents: []string{name}})
	}
	return dir, m
}

// counting wraps a handler and counts document bytes served and the Range
// headers asked for.
type counting struct {
	bytes  atomic.Int64
	mu     sync.Mutex // guards h and ranges
	h      http.Handler
	ranges []string
}

// wrap replaces the handler behind the counter while the server runs.
func (c *counting) wrap(f func(http.Handler) http.Handler) {
	c.mu.Lock()
	c.h = f(c.h)
	c.mu.Unlock()
}

type countWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countWriter) Write(b []byte) (int, error) {
	w.n.Add(int64(len(b)))
	return w.ResponseWriter.Write(b)
}
func (w countWriter) Flush() { w.ResponseWriter.(http.Flusher).Flush() }

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v1/docs/") {
		c.mu.Lock()
		c.ranges = append(c.ranges, r.Header.Get("Range"))
		c.mu.Unlock()
		w = countWriter{w, &c.bytes}
	}
	c.mu.Lock()
	h := c.h
	c.mu.Unlock()
	h.ServeHTTP(w, r)
}

// serveTLS serves h with the host key's certificate on a loopback port.
func serveTLS(t testing.TB, key ed25519.PrivateKey, h http.Handler) (addr string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, ln, key, h)
}

func serveOn(t testing.TB, ln net.Listener, key ed25519.PrivateKey, h http.Handler) (string, func()) {
	cert, _ := Certificate(key)
	srv := &http.Server{Handler: h, TLSConfig: tlsConfig(cert)}
	done := make(chan struct{})
	go func() { srv.ServeTLS(ln, "", ""); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { srv.Close(); <-done }) }
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

type hostFixture struct {
	side
	key  ed25519.PrivateKey
	host *Host
	dir  string
	m    *meeting.Meeting
	cnt  *counting
	addr string
	stop func()
}

func startHost(t testing.TB, sizes ...int) *hostFixture {
	t.Helper()
	f := &hostFixture{side: newSide(t, t.TempDir())}
	f.key, _ = f.st.HostKey()
	f.dir, f.m = folder(t, sizes...)
	f.host = NewHost(f.key, f.blobs, nil)
	f.publish(t)
	f.cnt = &counting{h: f.host.Handler()}
	f.addr, f.stop = serveTLS(t, f.key, f.cnt)
	return f
}

func (f *hostFixture) publish(t testing.TB) *meeting.Manifest {
	t.Helper()
	raw, man, err := PublishFolder(f.st, f.blobs, f.key, f.m, f.dir, PublishOptions{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.host.Publish(raw); err != nil {
		t.Fatal(err)
	}
	return man
}

// delegate is a follower with channels for what a delegate would see.
type delegate struct {
	side
	f       *Follower
	states  chan stateErr
	updates chan meeting.Changes
	cancel  context.CancelFunc
	done    chan error
}

type stateErr struct {
	s   State
	err error
}

func startDelegate(t testing.TB, addr func() string, id string) *delegate {
	t.Helper()
	return startDelegateIn(t, t.TempDir(), addr, id)
}

func startDelegateIn(t testing.TB, dir string, addr func() string, id string) *delegate {
	t.Helper()
	d := newDelegate(t, dir, addr, id)
	d.start(t)
	return d
}

// newDelegate is a delegate not started yet, whose Follower a test may
// change first.
func newDelegate(t testing.TB, dir string, addr func() string, id string) *delegate {
	t.Helper()
	d := &delegate{side: newSide(t, dir), states: make(chan stateErr, 100), updates: make(chan meeting.Changes, 10)}
	d.f = &Follower{
		MeetingID: id, Cache: d.st, Blobs: d.blobs, Retry: 200 * time.Millisecond,
		Locate:  func(ctx context.Context) (string, error) { return addr(), nil },
		Confirm: func(ctx context.Context, fp meeting.Fingerprint) (bool, error) { return true, nil },
		OnState: func(s State, err error) {
			select {
			case d.states <- stateErr{s, err}:
			default:
			}
		},
		OnUpdate: func(_ *meeting.Manifest, c meeting.Changes) { d.updates <- c },
	}
	return d
}

func (d *delegate) start(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan error, 1)
	go func() { d.done <- d.f.Run(ctx) }()
	t.Cleanup(d.stop)
}

func (d *delegate) stop() {
	if d.cancel != nil {
		d.cancel()
		<-d.done
		d.cancel = nil
	}
}

func (d *delegate) waitUpdate(t testing.TB) meeting.Changes {
	t.Helper()
	select {
	case c := <-d.updates:
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("no update arrived")
		return meeting.Changes{}
	}
}

func (d *delegate) waitState(t testing.TB, want State) error {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case s := <-d.states:
			if s.s == want {
				return s.err
			}
		case <-deadline:
			t.Fatalf("state %d never reached", want)
		}
	}
}

func (d *delegate) manifest(t testing.TB, id string) *meeting.Manifest {
	t.Helper()
	raw, ok, err := d.st.Package(id)
	if err != nil || !ok {
		t.Fatalf("no package cached: %v", err)
	}
	man, _, err := meeting.Open(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return man
}

func TestDelegatesReceiveAndFollowUpdates(t *testing.T) {
	h := startHost(t, 300<<10, 1<<20, 50<<10)
	addr := func() string { return h.addr }
	var ds []*delegate
	for i := 0; i < 3; i++ {
		ds = append(ds, startDelegate(t, addr, h.m.ID))
	}
	for _, d := range ds {
		c := d.waitUpdate(t)
		if len(c.Added) != 3 {
			t.Fatalf("first download: got %+v, want 3 documents added", c)
		}
		for _, doc := range d.manifest(t, h.m.ID).Documents {
			got, _ := os.ReadFile(d.blobs.Path(doc.SHA256))
			want, _ := os.ReadFile(filepath.Join(h.dir, doc.Name))
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from the host's file", doc.Name)
			}
		}
	}
	first := h.cnt.bytes.Load()
	if want := int64(3 * (300<<10 + 1<<20 + 50<<10)); first != want {
		t.Fatalf("served %d bytes, want %d", first, want)
	}

	// The secretariat replaces one document, adds one and reorders.
	newDoc := make([]byte, 70<<10)
	rand.Read(newDoc)
	os.WriteFile(filepath.Join(h.dir, "tai-lieu-2.pdf"), newDoc, 0o644)
	os.WriteFile(filepath.Join(h.dir, "bo-sung.pdf"), []byte("%PDF added"), 0o644)
	h.m.Agenda[0], h.m.Agenda[2] = h.m.Agenda[2], h.m.Agenda[0]
	h.m.Agenda = append(h.m.Agenda, meeting.Item{Title: "Bổ sung", Documents: []string{"bo-sung.pdf"}})
	man := h.publish(t)
	if man.Version != 2 {
		t.Fatalf("got version %d, want 2", man.Version)
	}
	for _, d := range ds {
		c := d.waitUpdate(t)
		if len(c.Replaced) != 1 || c.Replaced[0] != "tai-lieu-2.pdf" || len(c.Added) != 1 || !c.Reordered {
			t.Fatalf("update: got %+v", c)
		}
		if got := d.manifest(t, h.m.ID).Version; got != 2 {
			t.Fatalf("cached version %d, want 2", got)
		}
	}
	if delta, want := h.cnt.bytes.Load()-first, int64(3*(70<<10+len("%PDF added"))); delta != want {
		t.Fatalf("republish sent %d bytes, want only the changed files: %d", delta, want)
	}
	// Republishing an unchanged folder does not bump the version.
	if man := h.publish(t); man.Version != 2 {
		t.Fatalf("unchanged republish: version %d, want 2", man.Version)
	}
}

func TestRogueHostIsRefusedAndCacheKept(t *testing.T) {
	h := startHost(t, 10<<10)
	var addr atomic.Value
	addr.Store(h.addr)
	d := startDelegate(t, func() string { return addr.Load().(string) }, h.m.ID)
	d.waitUpdate(t)
	before, _, _ := d.st.Package(h.m.ID)

	// A rogue laptop publishes the same meeting ID under its own key.
	rogue := startHost(t, 10<<10)
	rogue.m.Title = "Giả mạo"
	rogue.publish(t)
	h.stop()
	addr.Store(rogue.addr)
	err := d.waitState(t, Refused)
	if !errors.Is(err, ErrHostChanged) {
		t.Fatalf("got %v, want ErrHostChanged", err)
	}
	// The delegate is told about the key, not about URLs and handshakes.
	if msg := err.Error(); !strings.Contains(msg, ErrHostChanged.Error()+": pinned ") || strings.Contains(msg, "https://") {
		t.Errorf("got %q, want the key mismatch with both fingerprints, and no URL", err)
	}
	after, _, _ := d.st.Package(h.m.ID)
	if !bytes.Equal(before, after) {
		t.Fatal("the cached package was overwritten by a rogue host")
	}
}

// tamperedHandler serves the real host's documents but a package whose
// manifest was altered after signing.
func TestTamperedPackageIsRefused(t *testing.T) {
	h := startHost(t, 10<<10)
	raw, _, _ := h.st.Published(h.m.ID)
	var pkg meeting.Package
	json.Unmarshal(raw, &pkg)
	pkg.Payload = bytes.Replace(pkg.Payload, []byte("Hội trường"), []byte("Phòng khác"), 1)
	bad, _ := json.Marshal(pkg)
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/package", func(w http.ResponseWriter, r *http.Request) { w.Write(bad) })
	addr, _ := serveTLS(t, h.key, mux)
	d := startDelegate(t, func() string { return addr }, h.m.ID)
	if err := d.waitState(t, Refused); !errors.Is(err, meeting.ErrBadSignature) {
		t.Fatalf("got %v, want ErrBadSignature", err)
	}
	if _, ok, _ := d.st.Package(h.m.ID); ok {
		t.Fatal("a tampered package was cached")
	}
}

func TestHashMismatch(t *testing.T) {
	tests := []struct {
		name      string
		badServes int32 // how many times the host sends wrong bytes
		wantOK    bool
	}{
		{"once, then right", 1, true},
		{"twice, then right", 2, true},
		{"three times: given up", 3, false},
		{"always wrong", 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startHost(t, 64<<10)
			var bad atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/v1/docs/") && bad.Add(1) <= tt.badServes {
					w.Write(bytes.Repeat([]byte{'x'}, 64<<10))
					return
				}
				h.host.Handler().ServeHTTP(w, r)
			})
			addr, _ := serveTLS(t, h.key, mux)
			d := startSide(t)
			c := NewClient(addr, nil)
			defer c.Close()
			_, man, _, err := c.Package(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			err = c.Fetch(context.Background(), man, d.blobs, nil)
			doc := man.Documents[0]
			if tt.wantOK {
				if err != nil || !d.blobs.Has(doc.SHA256, doc.Size) {
					t.Fatalf("got %v, want the document refetched", err)
				}
				return
			}
			if !errors.Is(err, ErrCorruptDocument) {
				t.Fatalf("got %v, want ErrCorruptDocument", err)
			}
			if d.blobs.Has(doc.SHA256, doc.Size) {
				t.Fatal("a mismatching document became visible")
			}
		})
	}
}

func startSide(t testing.TB) side { return newSide(t, t.TempDir()) }

// TestHostCutMidDownload: the host's connection breaks half way through a
// document's body, as when its laptop is switched off; the half document
// never becomes visible, the host comes back on the same port, and the
// download resumes from where it stopped.
func TestHostCutMidDownload(t *testing.T) {
	h := startHost(t, 4<<20)
	h.stop()
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	cut := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/docs/") {
			raw, _ := os.ReadFile(h.blobs.Path(strings.TrimPrefix(r.URL.Path, "/v1/docs/")))
			w.Header().Set("Content-Length", fmt.Sprint(len(raw)))
			w.Write(raw[:len(raw)/2])
			w.(http.Flusher).Flush()
			once.Do(func() { close(cut) })
			panic(http.ErrAbortHandler) // the host dies mid-body
		}
		h.host.Handler().ServeHTTP(w, r)
	})
	_, stop := serveOn(t, ln, h.key, mux)

	d := startSide(t)
	c := NewClient(h.addr, nil)
	defer c.Close()
	_, man, _, err := c.Package(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Fetch(context.Background(), man, d.blobs, nil); err == nil {
		t.Fatal("fetch succeeded through a dead host")
	}
	<-cut
	stop()
	doc := man.Documents[0]
	if d.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("a half document is visible")
	}

	// The host comes back.
	ln, err = net.Listen("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	cnt := &counting{h: h.host.Handler()}
	serveOn(t, ln, h.key, cnt)
	c = NewClient(h.addr, nil) // a delegate reconnects with a fresh client
	defer c.Close()
	if err := c.Fetch(context.Background(), man, d.blobs, nil); err != nil {
		t.Fatal(err)
	}
	if !d.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("document missing after resume")
	}
	if len(cnt.ranges) != 1 || !strings.HasPrefix(cnt.ranges[0], "bytes=") || cnt.ranges[0] == "bytes=0-" {
		t.Fatalf("got ranges %q, want one resumed range", cnt.ranges)
	}
	if got, max := cnt.bytes.Load(), doc.Size/2+(256<<10); got > max {
		t.Fatalf("resume re-sent %d bytes, want at most %d", got, max)
	}
}

func TestProgressReportsBytesDocsAndTime(t *testing.T) {
	h := startHost(t, 1<<20, 1<<20)
	d := startSide(t)
	c := NewClient(h.addr, nil)
	defer c.Close()
	_, man, _, _ := c.Package(context.Background())
	var last Progress
	var calls int
	err := c.Fetch(context.Background(), man, d.blobs, func(p Progress) {
		if p.Bytes < last.Bytes || p.Docs < last.Docs {
			t.Errorf("progress went backwards: %+v after %+v", p, last)
		}
		last = p
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	if last.Bytes != last.TotalBytes || last.Docs != 2 || last.TotalDocs != 2 || calls < 2 {
		t.Fatalf("final progress %+v after %d calls", last, calls)
	}

	// A document more: the two already held count from the first report.
	extra := make([]byte, 300<<10)
	rand.Read(extra)
	os.WriteFile(filepath.Join(h.dir, "bo-sung.pdf"), extra, 0o644)
	h.m.Agenda = append(h.m.Agenda, meeting.Item{Title: "Bổ sung", Documents: []string{"bo-sung.pdf"}})
	h.publish(t)
	_, man, _, _ = c.Package(context.Background())
	var first *Progress
	err = c.Fetch(context.Background(), man, d.blobs, func(p Progress) {
		if first == nil {
			first = &p
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if first == nil || first.Docs != 2 || first.Bytes != 2<<20 || first.TotalDocs != 3 || first.TotalBytes != 2<<20+300<<10 {
		t.Errorf("first report of the update: got %+v, want the 2 documents held counted", first)
	}
}

// TestRelayedPackageIsRefused: a laptop that copies the real host's signed
// package and serves it under its own TLS key is refused. The package is
// bound to the host that serves it: its signing key must be the key whose
// fingerprint the TLS handshake showed, or a stranger could sit between
// the delegates and the host and later serve them anything under that key.
func TestRelayedPackageIsRefused(t *testing.T) {
	h := startHost(t, 10<<10)
	raw, _, _ := h.st.Published(h.m.ID)
	relayKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/package", func(w http.ResponseWriter, r *http.Request) { w.Write(raw) })
	mux.Handle("/v1/docs/", h.host.Handler())
	addr, _ := serveTLS(t, relayKey, mux)
	d := startDelegate(t, func() string { return addr }, h.m.ID)
	if err := d.waitState(t, Refused); !errors.Is(err, meeting.ErrKeyMismatch) {
		t.Fatalf("got %v, want ErrKeyMismatch", err)
	}
	if _, ok, _ := d.st.Package(h.m.ID); ok {
		t.Fatal("a relayed package was cached")
	}
}

// TestSilentHostIsGivenUp: a laptop that accepts the connection but never
// answers the TLS handshake is given up after the handshake timeout, not
// waited for until the delegate gives up.
func TestSilentHostIsGivenUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // held open, silent
		}
	}()
	c := NewClient(ln.Addr().String(), nil)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _, _, err = c.Package(ctx)
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "handshake timeout") {
		t.Errorf("got %v (context %v), want a handshake timeout before the minute is up", err, ctx.Err())
	}
	select {
	case conn := <-accepted:
		conn.Close()
	default:
	}
}

// TestPackageSizeLimit: a package of exactly the size limit is read whole
// (padded with leading spaces, which JSON allows), one byte more refused.
func TestPackageSizeLimit(t *testing.T) {
	h := startHost(t, 10<<10)
	raw, _, _ := h.st.Published(h.m.ID)
	limit := 2 * meeting.MaxJSONSize
	var body []byte
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/package", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	addr, _ := serveTLS(t, h.key, mux)
	c := NewClient(addr, nil)
	defer c.Close()

	body = append(bytes.Repeat([]byte(" "), limit-len(raw)), raw...)
	if _, man, _, err := c.Package(context.Background()); err != nil || man.Meeting.ID != h.m.ID {
		t.Errorf("a package of exactly %d bytes: %v", limit, err)
	}
	body = append([]byte(" "), body...)
	if _, _, _, err := c.Package(context.Background()); !errors.Is(err, meeting.ErrInvalid) || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a package of %d bytes: got %v, want it refused by the size limit", limit+1, err)
	}
}

// pacedWriter sends a response in small pieces, as a weak Wi-Fi link would:
// each piece waits for the previous one's delay, measured, not slept.
type pacedWriter struct {
	http.ResponseWriter
	per time.Duration
}

func (w pacedWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(len(b), 16<<10)
		m, err := w.ResponseWriter.Write(b[:k])
		n += m
		if err != nil {
			return n, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		b = b[k:]
		deadline := time.Now().Add(w.per)
		for time.Now().Before(deadline) {
			runtime.Gosched()
		}
	}
	return n, nil
}

// TestProgressEstimatesTimeLeft: on a slow link the delegate sees how long
// is left, counted from the bytes this download moved (not those already
// held), reports come at most every 100 ms between documents, and the last
// report says nothing is left.
func TestProgressEstimatesTimeLeft(t *testing.T) {
	h := startHost(t, 256<<10)
	d := startSide(t)
	c := NewClient(h.addr, nil)
	defer c.Close()
	// The first document is held already, fetched on a fast link.
	_, man, _, err := c.Package(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Fetch(context.Background(), man, d.blobs, nil); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 1536<<10)
	rand.Read(big)
	os.WriteFile(filepath.Join(h.dir, "bo-sung.pdf"), big, 0o644)
	h.m.Agenda = append(h.m.Agenda, meeting.Item{Title: "Bổ sung", Documents: []string{"bo-sung.pdf"}})
	h.publish(t)
	h.cnt.wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(pacedWriter{w, 30 * time.Millisecond}, r)
		})
	})
	if _, man, _, err = c.Package(context.Background()); err != nil {
		t.Fatal(err)
	}
	var reports []Progress
	var at []time.Time
	start := time.Now()
	err = c.Fetch(context.Background(), man, d.blobs, func(p Progress) {
		reports = append(reports, p)
		at = append(at, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	estimates := 0
	for i, p := range reports[:len(reports)-1] {
		if p.Remaining <= 0 {
			continue
		}
		estimates++
		// On a link this steady the estimate is within a factor of two of
		// what was left in fact, give or take half a second.
		rest := took - at[i].Sub(start)
		if p.Remaining > rest*2+500*time.Millisecond || p.Remaining < rest/2-500*time.Millisecond {
			t.Errorf("at %v: %v estimated, %v left in fact", at[i].Sub(start), p.Remaining, rest)
		}
	}
	if estimates < 3 {
		t.Errorf("%d of %d reports over %v estimated the time left, want several", estimates, len(reports), took)
	}
	// Between the first report and the last two (forced by the document's
	// end and by the end of the download), reports come at most every 100 ms.
	for i := 2; i < len(at)-2; i++ {
		if gap := at[i].Sub(at[i-1]); gap < 100*time.Millisecond {
			t.Errorf("reports %d and %d only %v apart", i-1, i, gap)
		}
	}
	if last := reports[len(reports)-1]; last.Remaining != 0 || last.Current != "" || last.Bytes != last.TotalBytes {
		t.Errorf("last report %+v, want everything done and nothing left", last)
	}
}

// TestCompletePartialIsCommitted: a document whose partial file was already
// whole (the app stopped just before committing it) is committed without
// fetching a byte.
func TestCompletePartialIsCommitted(t *testing.T) {
	h := startHost(t, 64<<10)
	d := startSide(t)
	doc := h.host.Manifest().Documents[0]
	f, _, err := d.blobs.Partial(doc.SHA256, doc.Size)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(h.blobs.Path(doc.SHA256))
	f.Write(whole)
	f.Close()
	c := NewClient(h.addr, nil)
	defer c.Close()
	_, man, _, err := c.Package(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Fetch(context.Background(), man, d.blobs, nil); err != nil {
		t.Fatal(err)
	}
	if !d.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("the document is not committed")
	}
	if n := h.cnt.bytes.Load(); n != 0 {
		t.Errorf("fetched %d bytes of a document held whole", n)
	}
}

// TestRestartFetchesOnlyWhatIsMissing: a delegate restarted with the whole
// meeting fetches nothing; one whose cached document was lost (a cleaned
// disk) fetches that document again, though the version is the same.
func TestRestartFetchesOnlyWhatIsMissing(t *testing.T) {
	h := startHost(t, 200<<10)
	addr := func() string { return h.addr }
	dir := t.TempDir()
	d := startDelegateIn(t, dir, addr, h.m.ID)
	d.waitUpdate(t)
	d.stop()
	d.st.Close()
	served := h.cnt.bytes.Load()

	d = startDelegateIn(t, dir, addr, h.m.ID)
	d.waitState(t, UpToDate)
	d.stop()
	d.st.Close()
	if n := h.cnt.bytes.Load() - served; n != 0 {
		t.Fatalf("a restart with everything held fetched %d bytes", n)
	}
	// Nothing changed, so the delegate is not told of an update.
	select {
	case c := <-d.updates:
		t.Errorf("a restart with everything held announced an update: %+v", c)
	default:
	}

	doc := h.host.Manifest().Documents[0]
	if err := os.Remove(d.blobs.Path(doc.SHA256)); err != nil {
		t.Fatal(err)
	}
	d = startDelegateIn(t, dir, addr, h.m.ID)
	d.waitUpdate(t)
	if !d.blobs.Has(doc.SHA256, doc.Size) {
		t.Fatal("the lost document was not fetched again")
	}
	if n := h.cnt.bytes.Load() - served; n != doc.Size {
		t.Errorf("fetched %d bytes, want the lost document's %d", n, doc.Size)
	}
}

// TestHostRefusesAPackageWithoutItsDocuments: the host publishes only a
// package whose every document it holds, whole.
func TestHostRefusesAPackageWithoutItsDocuments(t *testing.T) {
	h := startHost(t, 10<<10, 20<<10)
	raw, _, _ := h.st.Published(h.m.ID)
	man := h.host.Manifest()
	other := NewHost(h.key, h.blobs, nil)
	// One document cut short, then one gone.
	p := h.blobs.Path(man.Documents[0].SHA256)
	if err := os.Truncate(p, 5); err != nil {
		t.Fatal(err)
	}
	if err := other.Publish(raw); err == nil || !strings.Contains(err.Error(), "is not in the store") {
		t.Errorf("a document cut short: got %v", err)
	}
	os.Remove(p)
	if err := other.Publish(raw); err == nil || !strings.Contains(err.Error(), "is not in the store") {
		t.Errorf("a document gone: got %v", err)
	}
	if other.Manifest() != nil {
		t.Error("a refused package is being served")
	}
}

// TestEventsStream: the host's event stream starts at version 0 before
// anything is published, stays open, and announces each new version on
// the same connection; the host counts the delegate that watches.
func TestEventsStream(t *testing.T) {
	f := &hostFixture{side: newSide(t, t.TempDir())}
	f.key, _ = f.st.HostKey()
	f.dir, f.m = folder(t, 10<<10)
	f.host = NewHost(f.key, f.blobs, nil)
	f.addr, f.stop = serveTLS(t, f.key, f.host.Handler())
	c := NewClient(f.addr, nil)
	defer c.Close()
	versions := make(chan int64, 4)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Watch(ctx, func(v int64) { versions <- v }) }()
	next := func() int64 {
		select {
		case v := <-versions:
			return v
		case err := <-done:
			t.Fatalf("the stream ended: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatal("no event")
		}
		return 0
	}
	if v := next(); v != 0 {
		t.Errorf("before publishing: got version %d, want 0", v)
	}
	f.publish(t)
	if v := next(); v != 1 {
		t.Errorf("after publishing: got version %d, want 1", v)
	}
	if n := f.host.Delegates(); n != 1 {
		t.Errorf("the host counts %d delegates, want 1", n)
	}
	cancel()
	<-done
}

// TestWatchReadsOnlyWhatItShould: the delegate's watch takes a package
// version only from a package event, ignores what it cannot read, stops on
// an error answer, and gives up a stream silent for three heartbeats.
func TestWatchReadsOnlyWhatItShould(t *testing.T) {
	const beat = 100 * time.Millisecond
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    []int64
		err     string
	}{
		{"events of other kinds and garbage", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "event: other\ndata: 7\n\nevent: package\ndata: x\n\ndata: 8\n\nevent: package\ndata: 3\n\n")
		}, []int64{3}, "closed the event stream"},
		{"an error answer", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}, nil, "host answered 503"},
		{"a silent stream", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "event: package\ndata: 4\n\n")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, []int64{4}, "the host was silent for 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := serveTLS(t, key, tt.handler)
			c := NewClient(addr, nil)
			c.heartbeat = beat
			defer c.Close()
			var got []int64
			start := time.Now()
			err := c.Watch(context.Background(), func(v int64) { got = append(got, v) })
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("got %v, want %q", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got versions %v, want %v", got, tt.want)
			}
			if took := time.Since(start); tt.name == "a silent stream" && took < 3*beat {
				t.Errorf("gave up a silent stream after %v, before three heartbeats", took)
			}
		})
	}
}

// TestConfirmOncePerJoin: the delegate confirms the host's fingerprint
// once, on the first join; the versions that follow come from the pinned
// host without asking again.
func TestConfirmOncePerJoin(t *testing.T) {
	h := startHost(t, 10<<10)
	var asked atomic.Int32
	d := newDelegate(t, t.TempDir(), func() string { return h.addr }, h.m.ID)
	d.f.Confirm = func(context.Context, meeting.Fingerprint) (bool, error) { asked.Add(1); return true, nil }
	d.start(t)

	d.waitUpdate(t)
	h.m.Agenda = append(h.m.Agenda, meeting.Item{Title: "Bổ sung"})
	if man := h.publish(t); man.Version != 2 {
		t.Fatalf("got version %d, want 2", man.Version)
	}
	d.waitUpdate(t)
	if n := asked.Load(); n != 1 {
		t.Errorf("the delegate was asked to confirm the host %d times over two versions, want once", n)
	}
}

// TestHostSeesWhoHasWhat: the host lists each delegate's device by the
// name it gives, with the version it holds whole and whether it is
// connected; a new version shows as each device gets it. Names are cut
// and cleaned, and a flood of invented devices cannot push out the
// connected ones nor grow the list without end.
func TestHostSeesWhoHasWhat(t *testing.T) {
	h := startHost(t, 20<<10)
	addr := func() string { return h.addr }
	names := []string{"Máy đại biểu 1", "Máy đại biểu 2"}
	var ds []*delegate
	for i, name := range names {
		d := newDelegate(t, t.TempDir(), addr, h.m.ID)
		// The IDs run against the names: the list is in the names' order.
		d.f.Who = Device{ID: fmt.Sprintf("DEV%d-0000", len(names)-i), Name: name}
		d.start(t)
		ds = append(ds, d)
	}
	await := func(what string, cond func([]Delegate) bool) []Delegate {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			changed := h.host.Changed()
			got := h.host.Devices()
			if cond(got) {
				return got
			}
			select {
			case <-changed:
			case <-deadline:
				t.Fatalf("%s: the host lists %+v", what, got)
			}
		}
	}
	holding := func(v int64, connected int) func([]Delegate) bool {
		return func(got []Delegate) bool {
			n := 0
			for _, d := range got {
				if d.Version == v && d.Connected {
					n++
				}
			}
			return n == connected
		}
	}
	got := await("both devices with version 1", holding(1, 2))
	if got[0].Name != names[0] || got[1].Name != names[1] || got[0].ID != "DEV2-0000" || got[0].Since.IsZero() {
		t.Errorf("the list: %+v", got)
	}
	if n := h.host.Delegates(); n != 2 {
		t.Errorf("the host counts %d delegates connected, want 2", n)
	}
	os.WriteFile(filepath.Join(h.dir, "bo-sung.pdf"), []byte("%PDF bổ sung"), 0o644)
	h.m.Agenda = append(h.m.Agenda, meeting.Item{Title: "Bổ sung", Documents: []string{"bo-sung.pdf"}})
	h.publish(t)
	await("both devices with version 2", holding(2, 2))
	ds[1].stop()
	got = await("the second device gone", func(got []Delegate) bool { return len(got) == 2 && got[0].Connected && !got[1].Connected })
	if got[1].Version != 2 {
		t.Errorf("a device that left keeps the version it holds: %+v", got[1])
	}
	if n := h.host.Delegates(); n != 1 {
		t.Errorf("after one device left the host counts %d connected, want 1", n)
	}

	// A rogue on the LAN: a long name with control characters, then a
	// flood of invented devices.
	c := NewClient(h.addr, nil)
	defer c.Close()
	c.Who = Device{ID: "ROGUE", Name: strings.Repeat("Tên\x07 rất dài ", 40)}
	if err := c.Have(context.Background(), 7); err != nil {
		t.Fatal(err)
	}
	got = h.host.Devices()
	for _, d := range got {
		if d.ID == "ROGUE" && (utf8.RuneCountInString(d.Name) > 64 || strings.ContainsRune(d.Name, '\x07') || d.Version != 7) {
			t.Errorf("the rogue's entry: %+v", d)
		}
	}
	if len(got) != 3 {
		t.Errorf("with room to spare the host forgot a device: %+v", got)
	}
	for i := range maxDevices + 100 {
		c.Who = Device{ID: fmt.Sprintf("FAKE-%d", i), Name: "giả"}
		if err := c.Have(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
	}
	got = h.host.Devices()
	connected := slices.ContainsFunc(got, func(d Delegate) bool { return d.ID == "DEV2-0000" && d.Connected })
	if len(got) != maxDevices || !connected {
		t.Errorf("after the flood: %d devices listed (want %d), the connected one kept: %v", len(got), maxDevices, connected)
	}
	// The least recently seen go first: the device that left, the rogue,
	// then the oldest of the flood (603 seen, 500 kept).
	kept := map[string]bool{}
	var fakes []string
	for _, d := range got {
		kept[d.ID] = true
		if strings.HasPrefix(d.ID, "FAKE-") {
			fakes = append(fakes, d.ID)
		}
	}
	for i := range maxDevices + 100 {
		id := fmt.Sprintf("FAKE-%d", i)
		if want := i > 100; kept[id] != want {
			t.Errorf("after the flood %s kept: %v, want %v", id, kept[id], want)
			break
		}
	}
	if kept["DEV1-0000"] || kept["ROGUE"] {
		t.Error("the device that left or the rogue outlived newer ones")
	}
	if !slices.IsSorted(fakes) {
		t.Error("devices of one name are not listed in the order of their IDs")
	}
}

// TestHaveRefuses: a version that is not a whole number from 1 on is
// refused, and no version is recorded (the device is seen all the same).
func TestHaveRefuses(t *testing.T) {
	h := NewHost(nil, nil, nil)
	for _, q := range []string{"version=0", "version=-3", "version=abc", ""} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/have?"+q, nil)
		r.Header.Set(DeviceHeader, "DEV-1")
		h.Handler().ServeHTTP(rec, r)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", q, rec.Code)
		}
	}
	if d := h.Devices(); len(d) != 1 || d[0].Version != 0 {
		t.Errorf("a refused version recorded %+v", d)
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/v1/have?version=3", nil)
	r.Header.Set(DeviceHeader, "DEV-1")
	h.Handler().ServeHTTP(rec, r)
	if d := h.Devices(); rec.Code != http.StatusNoContent || len(d) != 1 || d[0].Version != 3 {
		t.Errorf("version 3: %d, %+v", rec.Code, d)
	}
}

// TestDeviceKeepsItsName: a request that names no device name (as a
// device's older builds send) leaves the name the device gave before.
func TestDeviceKeepsItsName(t *testing.T) {
	h := NewHost(nil, nil, nil)
	have := func(name string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/v1/have?version=1", nil)
		r.Header.Set(DeviceHeader, "DEV-1")
		if name != "" {
			r.Header.Set(DeviceNameHeader, url.QueryEscape(name))
		}
		h.Handler().ServeHTTP(rec, r)
	}
	have("Máy đại biểu 1")
	have("")
	if d := h.Devices(); len(d) != 1 || d[0].Name != "Máy đại biểu 1" {
		t.Fatalf("after a request without a name the host lists %+v", d)
	}
	have("Máy chủ toạ")
	if d := h.Devices(); len(d) != 1 || d[0].Name != "Máy chủ toạ" {
		t.Fatalf("after a new name the host lists %+v", d)
	}
}

func TestProgressPercent(t *testing.T) {
	tests := []struct {
		p    Progress
		want int
	}{
		{Progress{Bytes: 0, TotalBytes: 200}, 0},
		{Progress{Bytes: 199, TotalBytes: 200}, 99},
		{Progress{Bytes: 200, TotalBytes: 200}, 100},
		{Progress{}, 100}, // nothing to fetch: done
	}
	for _, tt := range tests {
		if got := tt.p.Percent(); got != tt.want {
			t.Errorf("%+v.Percent() = %d, want %d", tt.p, got, tt.want)
		}
	}
}

// TestDeviceHeaders: what a device says of itself is kept only as an ID
// of letters, digits and dashes, and as a name without control
// characters, of at most 64 letters.
func TestDeviceHeaders(t *testing.T) {
	ids := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-", "AZaz09-"},
		{strings.Repeat("A", 64), strings.Repeat("A", 64)},
		{strings.Repeat("A", 65), ""},
		{"@", ""}, {"[", ""}, {"`", ""}, {"{", ""}, {"/", ""}, {":", ""}, {"_", ""}, {"A B", ""},
	}
	for _, tt := range ids {
		if got := deviceHeader(tt.in); got != tt.want {
			t.Errorf("deviceHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := strings.Repeat("Đ", 70)
	names := []struct{ in, want string }{
		{url.QueryEscape("Máy đại biểu 1"), "Máy đại biểu 1"},
		{"  M%C3%A1y+m%E1%BB%99t  ", "Máy một"},
		{"a%07b%0Ac", "abc"}, // control characters go
		{"%ZZ", ""},          // not an escape
		{"%FF%FE", ""},       // not UTF-8
		{url.QueryEscape(long), strings.Repeat("Đ", 64)},
		{url.QueryEscape(long[:len("Đ")*64]), strings.Repeat("Đ", 64)},
	}
	for _, tt := range names {
		if got := deviceName(tt.in); got != tt.want {
			t.Errorf("deviceName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
