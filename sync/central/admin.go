package central

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"dinh/internal/atomicfile"
	"dinh/offline/catalog"
	"dinh/offline/store"
	"dinh/sync/province"
)

// AdminRequest is what dinhd sends to a running central over its admin
// socket (DATA/admin.sock, mode 0600): the same operations it performs on
// the store directly when central is not running.
type AdminRequest struct {
	Op     string `json:"op"` // "enroll", "remove", "devices", "status", "catalog"
	Device string `json:"device,omitempty"`
	Name   string `json:"name,omitempty"`
	Code   string `json:"code,omitempty"`
	Status string `json:"status,omitempty"`
	File   string `json:"file,omitempty"` // a catalogue file on this machine
}

// AdminReply answers an AdminRequest.
type AdminReply struct {
	Error   string   `json:"error,omitempty"`
	Devices []Device `json:"devices,omitempty"`
	Record  *Record  `json:"record,omitempty"`
}

// Admin performs an administrator's request. parse checks device IDs.
func (c *Central) Admin(req AdminRequest, parse IDParser) AdminReply {
	var rep AdminReply
	var err error
	switch req.Op {
	case "enroll":
		_, err = Enroll(c.cfg.Store, parse, req.Device, req.Name, c.cfg.Now())
	case "remove":
		err = Remove(c.cfg.Store, parse, req.Device)
	case "devices":
		rep.Devices, err = Devices(c.cfg.Store)
	case "status":
		var rec Record
		rec, err = c.SetStatus(req.Code, req.Status)
		if err == nil {
			rep.Record = &rec
		}
	case "catalog":
		err = c.PublishCatalog(req.File)
	default:
		err = fmt.Errorf("unknown operation %q", req.Op)
	}
	if err != nil {
		rep.Error = err.Error()
	}
	return rep
}

// AdminHandler serves Admin over HTTP, for the admin socket.
func (c *Central) AdminHandler(parse IDParser) http.Handler {
	return adminHandler(func(req AdminRequest) AdminReply { return c.Admin(req, parse) })
}

func adminHandler(answer func(AdminRequest) AdminReply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req AdminRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(answer(req))
	})
}

// PublishCatalog checks a catalogue file and puts it in the catalogue
// folder that central sends to every device.
func (c *Central) PublishCatalog(file string) error {
	if c.cfg.CatalogDir == "" {
		return errors.New("central: no catalogue folder configured")
	}
	if _, err := catalog.Load(file); err != nil {
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.cfg.CatalogDir, 0o700); err != nil {
		return fmt.Errorf("central: %w", diskErr(err))
	}
	if err := atomicfile.WriteBytes(filepath.Join(c.cfg.CatalogDir, province.CatalogName), b); err != nil {
		return fmt.Errorf("central: %w", diskErr(err))
	}
	c.cfg.Log.Info("central: catalogue published", "file", file, "at", time.Now().Format(time.RFC3339))
	if c.cfg.Node != nil && c.cfg.CatalogID != "" {
		return c.cfg.Node.Scan(c.cfg.CatalogID)
	}
	return nil
}

// Errors of AdminIn; test them with errors.Is.
var (
	ErrNoData     = errors.New("central: not central's data folder (no central.key)")
	ErrNotRunning = errors.New("central: a status is set only through the running central")
	ErrNoSocket   = errors.New("central: the store is in use but the admin socket does not answer")
)

// AdminIn performs req for the central whose data folder is dir: on its
// store directly when central is not running, or through the running
// central's admin socket when it holds the store. A refusal in the reply
// is returned as an error. A folder without central.key is refused
// (ErrNoData), so that a mistyped folder never becomes a new central.
func AdminIn(dir string, req AdminRequest, parse IDParser) (AdminReply, error) {
	if _, err := os.Stat(filepath.Join(dir, "central.key")); err != nil {
		return AdminReply{}, fmt.Errorf("%w: %s: %w", ErrNoData, dir, err)
	}
	var rep AdminReply
	st, err := store.Open(filepath.Join(dir, "store"))
	switch {
	case err == nil:
		defer st.Close()
		if req.Op == "status" {
			return rep, ErrNotRunning
		}
		c := New(Config{Store: st, CatalogID: province.CatalogFolder, CatalogDir: filepath.Join(dir, province.CatalogFolder), DataDir: dir})
		rep = c.Admin(req, parse)
	case errors.Is(err, store.ErrLocked):
		if rep, err = viaSocket(filepath.Join(dir, "admin.sock"), req); err != nil {
			return rep, err
		}
	default:
		return rep, err
	}
	if rep.Error != "" {
		return rep, errors.New(rep.Error)
	}
	return rep, nil
}

// viaSocket sends req to the running central's admin socket.
func viaSocket(sock string, req AdminRequest) (AdminReply, error) {
	var rep AdminReply
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(req)
	resp, err := client.Post("http://central/admin", "application/json", bytes.NewReader(body))
	if err != nil {
		return rep, fmt.Errorf("%w: %w", ErrNoSocket, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return rep, fmt.Errorf("central: admin socket: %w", err)
	}
	return rep, nil
}
