package lan

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"dinh/meeting"
)

// Blobs is what the host needs of the document store.
type Blobs interface {
	Path(sum string) string
}

// Host serves one meeting's current package to the room.
type Host struct {
	key   ed25519.PrivateKey
	blobs Blobs
	log   *slog.Logger

	mu      sync.RWMutex
	raw     []byte
	man     *meeting.Manifest
	docs    map[string]meeting.Document // by hash
	watch   map[chan int64]struct{}
	devices map[string]*Delegate // by the device's ID, or "ip:" and its address when it gives none
	streams map[string]int       // open event streams, by the same key
	changed chan struct{}        // closed when the devices change
}

// NewHost returns a host that signs with key and serves documents from blobs.
func NewHost(key ed25519.PrivateKey, blobs Blobs, log *slog.Logger) *Host {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Host{key: key, blobs: blobs, log: log, watch: map[chan int64]struct{}{},
		devices: map[string]*Delegate{}, streams: map[string]int{}, changed: make(chan struct{})}
}

// Changed is closed when a device comes, goes, names itself anew or says
// it holds another version: the secretariat's screen reads Devices then,
// and asks Changed again.
func (h *Host) Changed() <-chan struct{} {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.changed
}

// notify closes the current Changed channel; h.mu is held for writing.
func (h *Host) notify() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// Fingerprint is the host key's fingerprint, shown on the room's screen.
func (h *Host) Fingerprint() meeting.Fingerprint {
	return meeting.FingerprintOf(h.key.Public().(ed25519.PublicKey))
}

// Publish makes raw the package served from now on and tells every
// connected delegate. raw must be signed by this host's key.
func (h *Host) Publish(raw []byte) error {
	fp := h.Fingerprint()
	man, _, err := meeting.Open(raw, &fp)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	docs := make(map[string]meeting.Document, len(man.Documents))
	for _, d := range man.Documents {
		fi, err := os.Stat(h.blobs.Path(d.SHA256))
		if err != nil || fi.Size() != d.Size {
			return fmt.Errorf("publish: document %q is not in the store", d.Name)
		}
		docs[d.SHA256] = d
	}
	h.mu.Lock()
	h.raw, h.man, h.docs = raw, man, docs
	for ch := range h.watch {
		select {
		case ch <- man.Version:
		default: // the stream is behind; it sends the latest version next
		}
	}
	h.mu.Unlock()
	h.log.Info("published", "meeting", man.Meeting.ID, "version", man.Version, "documents", len(man.Documents))
	return nil
}

// Manifest returns the manifest being served, if any.
func (h *Host) Manifest() *meeting.Manifest {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.man
}

// Delegate is what the host knows of one delegate's device, as the
// device tells it: who it is, the package version it holds whole and
// since when, and whether its event stream is open now. A device that
// gives no identity is known by its address alone.
type Delegate struct {
	ID, Name  string
	Version   int64     // the version it holds whole; 0 for none yet
	Since     time.Time // when it said so
	Seen      time.Time // its last request
	Connected bool      // its event stream is open
}

// maxDevices bounds what the host keeps of the devices in the room: a
// rogue on the LAN inventing identities pushes out the least recently
// seen, never the host's memory.
const maxDevices = 500

// Delegates counts the devices connected now (an open event stream).
func (h *Host) Delegates() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.streams)
}

// Devices lists the delegates' devices seen, by name.
func (h *Host) Devices() []Delegate {
	h.mu.RLock()
	out := make([]Delegate, 0, len(h.devices))
	for k, d := range h.devices {
		c := *d
		c.Connected = h.streams[k] > 0
		out = append(out, c)
	}
	h.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// device records a request of a delegate's device and returns its key.
func (h *Host) device(r *http.Request) string {
	id, name := deviceHeader(r.Header.Get(DeviceHeader)), deviceName(r.Header.Get(DeviceNameHeader))
	key := id
	if key == "" {
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		key, name = "ip:"+ip, ip
	}
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.devices[key]
	if d == nil {
		if len(h.devices) >= maxDevices {
			h.forgetOldest()
		}
		d = &Delegate{ID: id}
		h.devices[key] = d
		defer h.notify()
	}
	d.Seen = now
	if name != "" && name != d.Name {
		d.Name = name
		defer h.notify()
	}
	return key
}

// forgetOldest drops the least recently seen device without an open
// stream.
func (h *Host) forgetOldest() {
	var oldest string
	for k, d := range h.devices {
		if h.streams[k] == 0 && (oldest == "" || d.Seen.Before(h.devices[oldest].Seen)) {
			oldest = k
		}
	}
	delete(h.devices, oldest)
}

// serveHave records the version a device says it now holds whole.
func (h *Host) serveHave(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil || v < 1 {
		http.Error(w, "want version=N", http.StatusBadRequest)
		return
	}
	key := h.device(r)
	h.mu.Lock()
	if d := h.devices[key]; d != nil {
		d.Version, d.Since = v, time.Now()
		h.notify()
	}
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Handler is the host's HTTP handler, for tests and for embedding.
func (h *Host) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/package", h.servePackage)
	mux.HandleFunc("GET /v1/docs/{sum}", h.serveDoc)
	mux.HandleFunc("GET /v1/events", h.serveEvents)
	mux.HandleFunc("POST /v1/have", h.serveHave)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.device(r)
		mux.ServeHTTP(w, r)
	})
}

func (h *Host) servePackage(w http.ResponseWriter, r *http.Request) {
	h.mu.RLock()
	raw, man := h.raw, h.man
	h.mu.RUnlock()
	if raw == nil {
		http.Error(w, "nothing published yet", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Dinh-Version", strconv.FormatInt(man.Version, 10))
	w.Write(raw)
}

func (h *Host) serveDoc(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sum")
	h.mu.RLock()
	d, ok := h.docs[sum]
	h.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(h.blobs.Path(sum))
	if err != nil {
		h.log.Error("document missing from store", "name", d.Name, "err", err)
		http.Error(w, "document unavailable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// heartbeat keeps idle event streams alive through NATs and lets a
// delegate notice a vanished host.
var heartbeat = 10 * time.Second

func (h *Host) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan int64, 1)
	key := h.device(r)
	h.mu.Lock()
	h.streams[key]++
	h.watch[ch] = struct{}{}
	h.notify()
	var cur int64
	if h.man != nil {
		cur = h.man.Version
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.watch, ch)
		if h.streams[key]--; h.streams[key] <= 0 {
			delete(h.streams, key)
		}
		h.notify()
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	send := func(v int64) bool {
		_, err := fmt.Fprintf(w, "event: package\ndata: %d\n\n", v)
		fl.Flush()
		return err == nil
	}
	if !send(cur) {
		return
	}
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case v := <-ch:
			if !send(v) {
				return
			}
		case <-t.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}

// Serve serves HTTPS on ln until ctx is done, then shuts down gracefully.
func (h *Host) Serve(ctx context.Context, ln net.Listener) error {
	cert, err := Certificate(h.key)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		TLSConfig:         tlsConfig(cert),
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
