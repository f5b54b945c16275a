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
	clients map[string]time.Time // remote IP → last request
}

// NewHost returns a host that signs with key and serves documents from blobs.
func NewHost(key ed25519.PrivateKey, blobs Blobs, log *slog.Logger) *Host {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Host{key: key, blobs: blobs, log: log, watch: map[chan int64]struct{}{}, clients: map[string]time.Time{}}
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

// Delegates counts the devices seen in the last minute.
func (h *Host) Delegates() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, t := range h.clients {
		if time.Since(t) < time.Minute {
			n++
		}
	}
	return n
}

// Handler is the host's HTTP handler, for tests and for embedding.
func (h *Host) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/package", h.servePackage)
	mux.HandleFunc("GET /v1/docs/{sum}", h.serveDoc)
	mux.HandleFunc("GET /v1/events", h.serveEvents)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			h.mu.Lock()
			h.clients[ip] = time.Now()
			h.mu.Unlock()
		}
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
	h.mu.Lock()
	h.watch[ch] = struct{}{}
	var cur int64
	if h.man != nil {
		cur = h.man.Version
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.watch, ch)
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
