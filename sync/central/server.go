package central

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"dinh/offline/agekey"
	"dinh/offline/store"
	"dinh/sync/mesh"
	"dinh/sync/province"
)

// HubPeer is a commune hub central exchanges with.
type HubPeer struct {
	Commune string // five digits
	ID      string // its device ID
	Addr    string // tcp://HOST:PORT, or "" if it dials in
}

// ServerConfig is the province server as dinhd and the app's demo run it:
// one mesh node, a Central for each commune hub, the status API for kiosks
// and the administrator's socket.
type ServerConfig struct {
	Dir    string // DATA: mesh/, store/, the Syncthing folders, dossiers/, admin.sock
	Key    agekey.Private
	Listen string // tcp://HOST:PORT, where the hubs reach central
	Hubs   []HubPeer
	// HTTP is the status API's address (HOST:PORT); "" serves none.
	HTTP string
	// Admin serves the administrator's requests on DIR/admin.sock, so that
	// dinhd central devices and status reach a running central.
	Admin    bool
	Log      *slog.Logger
	Interval time.Duration // longest wait between ingest passes; 0 means 5 s
}

// Server is a province server whose configuration is checked and whose
// store, API address and admin socket are held; Run runs it.
type Server struct {
	cfg   ServerConfig
	id    string
	st    *store.Store
	api   net.Listener // nil without an API
	admin net.Listener // nil without an admin socket

	mu      sync.Mutex
	centrls []*Central // one per hub, once Run has started the node
	node    *mesh.Node // once Run has started it
	closing sync.Once
	closed  error
}

// NewServer checks cfg (communes, hub IDs and addresses, the listen
// address, which must be free), opens the store and binds the status API
// and the admin socket, so that every mistake is reported here, at once,
// naming the address. Nothing runs until Run. Close releases what NewServer
// holds when Run is never called.
func NewServer(cfg ServerConfig) (s *Server, err error) {
	if len(cfg.Hubs) == 0 {
		return nil, errors.New("central: no hub")
	}
	for i, h := range cfg.Hubs {
		if cfg.Hubs[i].Commune, err = province.ParseCommune(h.Commune); err != nil {
			return nil, fmt.Errorf("central: hub: %w", err)
		}
		if cfg.Hubs[i].ID, err = mesh.ParseID(h.ID); err != nil {
			return nil, fmt.Errorf("central: hub of commune %s: %w", h.Commune, err)
		}
		if h.Addr != "" {
			if _, err := mesh.ParseAddr(h.Addr); err != nil {
				return nil, fmt.Errorf("central: hub of commune %s: %w", h.Commune, err)
			}
		}
	}
	if err := mesh.CheckListen(cfg.Listen); err != nil {
		return nil, fmt.Errorf("central: %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s = &Server{cfg: cfg}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.id, err = mesh.Identity(filepath.Join(cfg.Dir, "mesh")); err != nil {
		return s, fmt.Errorf("central: %w", err)
	}
	if s.st, err = store.Open(filepath.Join(cfg.Dir, "store")); err != nil {
		return s, fmt.Errorf("central: %w", err)
	}
	if cfg.HTTP != "" {
		if s.api, err = net.Listen("tcp", cfg.HTTP); err != nil {
			return s, fmt.Errorf("central: status API: %w", err)
		}
	}
	if cfg.Admin {
		sock := filepath.Join(cfg.Dir, "admin.sock")
		os.Remove(sock) // the store's lock says no other central runs here
		if s.admin, err = net.Listen("unix", sock); err != nil {
			return s, fmt.Errorf("central: admin socket: %w", err)
		}
		if err := os.Chmod(sock, 0o600); err != nil {
			return s, fmt.Errorf("central: admin socket: %w", err)
		}
	}
	return s, nil
}

// ID is central's device ID, which the hubs and devices are given.
func (s *Server) ID() string { return s.id }

// APIAddr is where the status API listens, HOST:PORT; "" without one.
func (s *Server) APIAddr() string {
	if s.api == nil {
		return ""
	}
	return s.api.Addr().String()
}

// Enroll puts a device on the allow-list, before or while the server runs.
func (s *Server) Enroll(id, name string) error {
	if _, err := Enroll(s.st, mesh.ParseID, id, name, time.Now()); err != nil {
		return err
	}
	return s.publishEnrolled()
}

// Remove takes a device off the enrolled list; the hubs shut it out.
func (s *Server) Remove(id string) error {
	if err := Remove(s.st, mesh.ParseID, id); err != nil {
		return err
	}
	return s.publishEnrolled()
}

// publishEnrolled tells the hubs which devices to let in, once the node
// runs; Run publishes the list when it starts.
func (s *Server) publishEnrolled() error {
	s.mu.Lock()
	n := s.node
	s.mu.Unlock()
	if n == nil {
		return nil
	}
	return publishEnrolled(s.st, filepath.Join(s.cfg.Dir, province.CatalogFolder), func() error { return n.Scan(province.CatalogFolder) })
}

// Records lists every ingested dossier's record.
func (s *Server) Records() ([]Record, error) { return records(s.st) }

// SetStatus sets a dossier's status and sends it back through the
// receipts folder of the dossier's own commune.
func (s *Server) SetStatus(code, status string) (Record, error) {
	c, err := s.centralFor(code)
	if err != nil {
		return Record{}, err
	}
	return c.SetStatus(code, status)
}

// centralFor is the Central whose receipts folder carries code's receipt.
func (s *Server) centralFor(code string) (*Central, error) {
	s.mu.Lock()
	cs := s.centrls
	s.mu.Unlock()
	if len(cs) == 0 {
		return nil, errors.New("central: not running")
	}
	rec, err := cs[0].Lookup(code)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.cfg.ReceiptsID == rec.Receipts {
			return c, nil
		}
	}
	// A record from before the folder was kept: its device's commune is
	// found by where its receipt already is.
	for _, c := range cs {
		if _, err := os.Stat(filepath.Join(c.cfg.ReceiptsDir, rec.Device)); err == nil {
			return c, nil
		}
	}
	return cs[0], nil
}

// Run starts the mesh node and ingests, serves the status API and the
// admin socket until ctx ends, then stops them all and closes the store.
func (s *Server) Run(ctx context.Context) error {
	defer s.Close()
	var peers []mesh.Peer
	var hubs []province.Hub
	for _, h := range s.cfg.Hubs {
		peers = append(peers, mesh.Peer{ID: h.ID, Addr: h.Addr, Name: "hub " + h.Commune})
		hubs = append(hubs, province.Hub{Commune: h.Commune, ID: h.ID})
	}
	n, err := mesh.Start(ctx, mesh.Config{Dir: filepath.Join(s.cfg.Dir, "mesh"), Listen: s.cfg.Listen, Peers: peers,
		Folders: province.CentralFolders(s.cfg.Dir, hubs), Log: s.cfg.Log})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started
		}
		return fmt.Errorf("central: %w", err)
	}
	defer n.Close()
	defer func() {
		s.mu.Lock()
		s.node = nil // closed when Run returns
		s.mu.Unlock()
	}()
	var cs []*Central
	for _, h := range s.cfg.Hubs {
		commune, receipts := province.CommuneFolder(h.Commune), province.ReceiptsFolder(h.Commune)
		cs = append(cs, New(Config{Store: s.st, Key: s.cfg.Key, Node: n,
			CommuneID: commune, CommuneDir: filepath.Join(s.cfg.Dir, commune),
			ReceiptsID: receipts, ReceiptsDir: filepath.Join(s.cfg.Dir, receipts),
			CatalogID: province.CatalogFolder, CatalogDir: filepath.Join(s.cfg.Dir, province.CatalogFolder),
			DataDir: s.cfg.Dir, Log: s.cfg.Log, Interval: s.cfg.Interval}))
	}
	s.mu.Lock()
	s.centrls, s.node = cs, n
	s.mu.Unlock()
	if err := s.publishEnrolled(); err != nil {
		s.cfg.Log.Error("central: publish enrolled devices", "err", err)
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() { c.Run(ctx) })
	}
	var servers []*http.Server
	serve := func(l net.Listener, h http.Handler) {
		if l == nil {
			return
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		servers = append(servers, srv)
		wg.Go(func() { srv.Serve(l) })
	}
	serve(s.api, cs[0].Handler())
	serve(s.admin, s.adminHandler(cs[0]))
	<-ctx.Done()
	for _, srv := range servers {
		srv.Close()
	}
	wg.Wait()
	return nil
}

// adminHandler answers the admin socket: a status goes through the
// dossier's own commune; the rest are the store's.
func (s *Server) adminHandler(c0 *Central) http.Handler {
	return adminHandler(func(req AdminRequest) AdminReply {
		if req.Op != "status" {
			rep := c0.Admin(req, mesh.ParseID)
			if rep.Error == "" && (req.Op == "enroll" || req.Op == "remove") {
				if err := s.publishEnrolled(); err != nil {
					rep.Error = err.Error()
				}
			}
			return rep
		}
		var rep AdminReply
		rec, err := s.SetStatus(req.Code, req.Status)
		if err != nil {
			rep.Error = err.Error()
		} else {
			rep.Record = &rec
		}
		return rep
	})
}

// Close releases the store and the listeners; Run calls it when it ends.
func (s *Server) Close() error {
	s.closing.Do(func() { s.closed = s.close() })
	return s.closed
}

func (s *Server) close() error {
	var errs []error
	for _, l := range []net.Listener{s.api, s.admin} {
		if l != nil {
			if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
	}
	if s.admin != nil {
		os.Remove(filepath.Join(s.cfg.Dir, "admin.sock"))
	}
	if s.st != nil {
		errs = append(errs, s.st.Close())
	}
	return errors.Join(errs...)
}

// ErrHubForm is a hub not written CODE,ID,tcp://HOST:PORT.
var ErrHubForm = errors.New("central: a hub is CODE,ID,tcp://HOST:PORT")

// ParseHub reads a hub as an administrator writes it on a command line:
// CODE,ID,tcp://HOST:PORT. NewServer checks each part.
func ParseHub(s string) (HubPeer, error) {
	parts := strings.SplitN(s, ",", 3)
	if len(parts) != 3 {
		return HubPeer{}, fmt.Errorf("%q: %w", s, ErrHubForm)
	}
	return HubPeer{Commune: parts[0], ID: parts[1], Addr: parts[2]}, nil
}
