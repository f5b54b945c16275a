// Package central is the province's server side of the dossier sync: it
// ingests sealed dossiers from the commune folders exactly once, writes a
// receipt for each, lets an administrator set their status, and answers
// kiosks' status lookups over HTTP.
//
// Ingest is idempotent: a dossier is recorded (with its receipt code) in
// one store transaction after its content is safely extracted, and a
// dossier already recorded only gets its receipt file written again if it
// is missing. A restart at any point, or the same dossier delivered twice,
// gives one receipt. Only enrolled devices are read, only files their own
// device wrote (as Syncthing's index records it), and anything that fails
// the seal's signature or decryption is moved to quarantine and reported.
// A full disk pauses ingest without losing anything: the sealed file stays
// in the commune folder until a later pass succeeds.
package central

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"dinh/internal/atomicfile"
	"dinh/offline/agekey"
	"dinh/offline/seal"
	"dinh/offline/store"
	"dinh/sync/receipt"
)

// Store keeps central's records; offline/store implements it.
type Store interface {
	Ingested(id string) ([]byte, bool, error)
	IngestedIDs() ([]string, error)
	AddIngested(id, code string, val []byte) ([]byte, error)
	UpdateIngested(id string, fn func(old []byte) ([]byte, error)) error
	ByReceipt(code string) (string, bool, error)
	Devices() (map[string][]byte, error)
	PutDevice(id string, val []byte) error
	DeleteDevice(id string) error
}

// Node is what central needs of its sync/mesh node.
type Node interface {
	Scan(folder string) error
	WrittenBy(folder, path, device string) (bool, error)
	Changed() <-chan struct{}
	// Sign signs with central's device key (a rejection).
	Sign(msg []byte) (cert, sig []byte, err error)
}

// Record is what central keeps of an ingested dossier, beside its
// extracted content.
type Record struct {
	DossierID string           `json:"dossier_id"`
	Code      string           `json:"code"`
	Device    string           `json:"device"`
	Procedure string           `json:"procedure,omitempty"`
	Received  time.Time        `json:"received"`
	History   []receipt.Update `json:"history"`
	// Receipts is the receipts folder the dossier's receipt travels in:
	// its commune's. Records from before it was kept have none.
	Receipts string `json:"receipts,omitempty"`
}

// Config is central's side of the sync.
type Config struct {
	Store Store
	Key   agekey.Private
	Node  Node
	// Sign signs receipts and rejections with central's device key; nil
	// means Node.Sign.
	Sign                    func(msg []byte) (cert, sig []byte, err error)
	CommuneID, CommuneDir   string
	ReceiptsID, ReceiptsDir string
	// CatalogID and CatalogDir are the catalogue folder central sends.
	CatalogID, CatalogDir string
	// DataDir holds dossiers/ID (the extracted content) and quarantine/.
	DataDir  string
	Now      func() time.Time
	Log      *slog.Logger
	Interval time.Duration // longest wait between passes; 0 means 5 s
}

// Central ingests and answers.
type Central struct {
	cfg Config
	mu  sync.Mutex // one pass or status change at a time
	// warned remembers the unenrolled folders already logged.
	warned map[string]bool
}

// Errors of central; test them with errors.Is.
var (
	ErrNotFound  = errors.New("central: no dossier with that receipt code")
	ErrStatus    = errors.New("central: unknown status")
	ErrDiskFull  = errors.New("central: the disk is full; ingest is paused")
	ErrNotDevice = errors.New("central: not a device ID")
	// ErrNotEnrolled means the device is not on the allow-list.
	ErrNotEnrolled = errors.New("central: the device is not enrolled")
)

// New returns central over cfg.
func New(cfg Config) *Central {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Sign == nil && cfg.Node != nil {
		cfg.Sign = cfg.Node.Sign
	}
	return &Central{cfg: cfg, warned: map[string]bool{}}
}

// Report counts what a pass did.
type Report struct {
	Ingested, Duplicates, Quarantined, Waiting int
}

// Run makes a pass at every change of the node and at least every
// Interval until ctx ends. A pass that fails (a full disk) is logged and
// retried; nothing is lost in between.
func (c *Central) Run(ctx context.Context) error {
	every := c.cfg.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		changed := c.cfg.Node.Changed()
		if _, err := c.Pass(); err != nil {
			c.cfg.Log.Warn("central: ingest pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-t.C:
		}
	}
}

func diskErr(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	}
	return err
}

// Pass ingests every new sealed dossier of the enrolled devices.
func (c *Central) Pass() (Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var rep Report
	devices, err := c.cfg.Store.Devices()
	if err != nil {
		return rep, fmt.Errorf("central: %w", err)
	}
	folders, err := os.ReadDir(c.cfg.CommuneDir)
	if err != nil {
		return rep, fmt.Errorf("central: %w", err)
	}
	held := c.heldInQuarantine()
	wroteReceipt := false
	for _, f := range folders {
		dev := f.Name()
		if !f.IsDir() || strings.HasPrefix(dev, ".") {
			continue
		}
		if _, ok := devices[dev]; !ok {
			if !c.warned[dev] {
				c.cfg.Log.Warn("central: dossiers from a device that is not enrolled are ignored", "device", dev)
				c.warned[dev] = true
			}
			continue
		}
		names, err := os.ReadDir(filepath.Join(c.cfg.CommuneDir, dev))
		if err != nil {
			return rep, fmt.Errorf("central: %w", err)
		}
		for _, n := range names {
			id, ok := strings.CutSuffix(n.Name(), seal.Ext)
			// A .sync-conflict- copy is Syncthing's, kept when two
			// versions of a file met: never a file the device wrote.
			if !ok || n.IsDir() || strings.HasPrefix(n.Name(), ".") || strings.Contains(id, ".sync-conflict-") {
				continue
			}
			outcome, err := c.ingest(dev, id, n.Name(), held[quarantineKey(dev, id)])
			if err != nil {
				return rep, err // a full disk or a store failure: stop, retry later
			}
			switch outcome {
			case ingested:
				rep.Ingested++
				wroteReceipt = true
			case duplicate:
				rep.Duplicates++
			case rewrote:
				rep.Duplicates++
				wroteReceipt = true
			case quarantined:
				rep.Quarantined++
			case rejected:
				rep.Quarantined++
				wroteReceipt = true
			case waiting:
				rep.Waiting++
			}
		}
	}
	if wroteReceipt {
		if err := c.cfg.Node.Scan(c.cfg.ReceiptsID); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// ingestHooks let a test stop central between the steps of an ingest.
var ingestHooks struct{ extracted, renamed func() }

func hook(f func()) {
	if f != nil {
		f()
	}
}

type outcome int

const (
	waiting outcome = iota
	ingested
	duplicate
	rewrote
	quarantined // and told before
	rejected    // quarantined, and the device told why
)

// ingest takes one sealed file in; held is true when a refused copy of
// this dossier is in quarantine.
func (c *Central) ingest(dev, id, name string, held bool) (outcome, error) {
	rel := path.Join(dev, name)
	src := filepath.Join(c.cfg.CommuneDir, dev, name)
	if raw, ok, err := c.cfg.Store.Ingested(id); err != nil {
		return waiting, fmt.Errorf("central: %w", err)
	} else if ok {
		var rec Record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return waiting, fmt.Errorf("central: record %s: %w", id, err)
		}
		if rec.Device != dev {
			return c.quarantine(dev, id, src, receipt.OtherDevice, fmt.Sprintf("dossier %s was already received from device %s", id, rec.Device))
		}
		if _, err := os.Stat(filepath.Join(c.cfg.ReceiptsDir, receipt.Path(dev, id))); err == nil {
			return duplicate, nil
		}
		if err := c.writeReceipt(rec); err != nil {
			return waiting, err
		}
		return rewrote, nil
	}
	// These bytes may have been refused already: only a dossier with a
	// copy in quarantine is read and hashed to tell (a pass sees every
	// dossier not yet ingested, a megabyte each).
	if held {
		if b, err := os.ReadFile(src); err == nil {
			if q, _ := os.Stat(c.quarantinePath(dev, id, b)); q != nil {
				return quarantined, nil
			}
		}
	}
	by, err := c.cfg.Node.WrittenBy(c.cfg.CommuneID, rel, dev)
	if err != nil {
		return waiting, nil // not in the index yet
	}
	if !by {
		return c.quarantine(dev, id, src, receipt.NotFromDevice, "the file was not written by the device whose folder holds it")
	}
	f, err := os.Open(src)
	if err != nil {
		return waiting, nil // being replaced; next pass
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return waiting, nil
	}
	opened, err := seal.Open(f, fi.Size(), c.cfg.Key)
	for _, r := range []struct {
		err    error
		reason string
	}{{seal.ErrTampered, receipt.Damaged}, {seal.ErrNotForUs, receipt.OtherKey}, {seal.ErrOldFormat, receipt.OldFormat}} {
		if errors.Is(err, r.err) {
			return c.quarantine(dev, id, src, r.reason, err.Error())
		}
	}
	if err != nil {
		return waiting, fmt.Errorf("central: open %s: %w", rel, diskErr(err))
	}
	h := opened.Header()
	if h.DossierID != id {
		return c.quarantine(dev, id, src, receipt.OtherDossier, fmt.Sprintf("the sealed header names dossier %s", h.DossierID))
	}
	// Extract beside the final folder, then rename: a crash leaves either
	// nothing or the whole dossier, and the record comes after.
	final := filepath.Join(c.cfg.DataDir, "dossiers", id)
	tmp := final + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	if err := opened.ExtractAll(tmp); err != nil {
		os.RemoveAll(tmp)
		return waiting, fmt.Errorf("central: extract %s: %w", id, diskErr(err))
	}
	hook(ingestHooks.extracted)
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	hook(ingestHooks.renamed)
	now := c.cfg.Now().UTC()
	rec := Record{DossierID: id, Device: dev, Procedure: h.Summary["procedure"], Received: now,
		History: []receipt.Update{{Status: receipt.Received, At: now}}, Receipts: c.cfg.ReceiptsID}
	for range 10 {
		rec.Code = receipt.NewCode()
		raw, _ := json.Marshal(rec)
		existing, err := c.cfg.Store.AddIngested(id, rec.Code, raw)
		if errors.Is(err, store.ErrCodeTaken) {
			continue
		}
		if err != nil {
			return waiting, fmt.Errorf("central: %w", diskErr(err))
		}
		if existing != nil {
			json.Unmarshal(existing, &rec)
		}
		if err := c.writeReceipt(rec); err != nil {
			return waiting, err
		}
		c.cfg.Log.Info("central: dossier received", "receipt", rec.Code, "device", dev)
		return ingested, nil
	}
	return waiting, errors.New("central: no free receipt code after 10 tries")
}

// quarantinePath is where a refused file is kept: by device, dossier and
// content, so that a fresh copy of the same dossier (sealed again after a
// flipped byte, or for the right key) is tried, not taken for the refused
// one.
func (c *Central) quarantinePath(dev, id string, content []byte) string {
	sum := sha256.Sum256(content)
	return c.quarantinePrefix(dev, id) + hex.EncodeToString(sum[:8])
}

// quarantinePrefix starts the paths of every refused copy of a device's
// dossier.
func (c *Central) quarantinePrefix(dev, id string) string {
	return filepath.Join(c.cfg.DataDir, "quarantine", quarantineKey(dev, id)+seal.Ext+"-")
}

func quarantineKey(dev, id string) string { return dev + "-" + id }

// heldInQuarantine lists, once per pass, the dossiers of which a refused
// copy is kept, by quarantineKey.
func (c *Central) heldInQuarantine() map[string]bool {
	held := map[string]bool{}
	names, _ := os.ReadDir(filepath.Join(c.cfg.DataDir, "quarantine"))
	for _, n := range names {
		if key, _, ok := strings.Cut(n.Name(), seal.Ext+"-"); ok {
			held[key] = true
		}
	}
	return held
}

// quarantine keeps a copy of a refused file with the reason beside it,
// and tells the device why in a signed rejection that travels back
// through the receipts folder.
func (c *Central) quarantine(dev, id, src, reason, why string) (outcome, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return waiting, nil
	}
	dst := c.quarantinePath(dev, id, b)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	if err := os.WriteFile(dst+".why.txt", []byte(reason+": "+why+"\n"), 0o600); err != nil {
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	c.cfg.Log.Error("central: sealed dossier quarantined", "device", dev, "dossier", id, "reason", reason, "detail", why)
	sum := sha256.Sum256(b)
	rej := receipt.Rejection{DossierID: id, Reason: reason, SHA256: hex.EncodeToString(sum[:]), At: c.cfg.Now().UTC()}
	if reason == receipt.OtherKey {
		rej.CentralKey = c.cfg.Key.Public().String()
	}
	raw, err := rej.Marshal(c.cfg.Sign)
	if err != nil {
		return waiting, fmt.Errorf("central: %w", err)
	}
	out := filepath.Join(c.cfg.ReceiptsDir, receipt.RejectionPath(dev, id))
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return waiting, fmt.Errorf("central: %w", diskErr(err))
	}
	if err := atomicfile.WriteBytes(out, raw); err != nil {
		return waiting, fmt.Errorf("central: rejection: %w", diskErr(err))
	}
	return rejected, nil
}

// writeReceipt writes the receipt file for a record, replacing it whole.
func (c *Central) writeReceipt(rec Record) error {
	r := receipt.Receipt{DossierID: rec.DossierID, Code: rec.Code, Received: rec.Received, History: rec.History}
	dst := filepath.Join(c.cfg.ReceiptsDir, receipt.Path(rec.Device, rec.DossierID))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("central: %w", diskErr(err))
	}
	raw, err := r.Marshal(c.cfg.Sign)
	if err != nil {
		return fmt.Errorf("central: receipt: %w", err)
	}
	if err := atomicfile.WriteBytes(dst, raw); err != nil {
		return fmt.Errorf("central: receipt: %w", diskErr(err))
	}
	// A refusal of an earlier copy no longer holds.
	if err := os.Remove(filepath.Join(c.cfg.ReceiptsDir, receipt.RejectionPath(rec.Device, rec.DossierID))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("central: %w", err)
	}
	return nil
}

// Lookup returns the record of a receipt code. A code that is not one, or
// whose check character does not match (a typo), is refused before the
// store is asked (receipt.ErrNotCode, receipt.ErrCodeTypo).
func (c *Central) Lookup(code string) (Record, error) {
	code, err := receipt.CheckCode(code)
	if err != nil {
		return Record{}, err
	}
	id, ok, err := c.cfg.Store.ByReceipt(code)
	if err != nil {
		return Record{}, fmt.Errorf("central: %w", err)
	}
	if !ok {
		return Record{}, ErrNotFound
	}
	raw, ok, err := c.cfg.Store.Ingested(id)
	if err != nil || !ok {
		return Record{}, fmt.Errorf("central: record of %s: %w", code, errors.Join(err, ErrNotFound))
	}
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return Record{}, fmt.Errorf("central: record of %s: %w", code, err)
	}
	return rec, nil
}

// SetStatus records an administrator's status for a dossier and sends it
// back to the device with the receipt.
func (c *Central) SetStatus(code, status string) (Record, error) {
	if !slices.Contains(receipt.Settable, status) {
		return Record{}, fmt.Errorf("%w %q; want one of %s", ErrStatus, status, strings.Join(receipt.Settable, ", "))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, err := c.Lookup(code)
	if err != nil {
		return rec, err
	}
	rec.History = append(rec.History, receipt.Update{Status: status, At: c.cfg.Now().UTC()})
	raw, _ := json.Marshal(rec)
	if err := c.cfg.Store.UpdateIngested(rec.DossierID, func([]byte) ([]byte, error) { return raw, nil }); err != nil {
		return rec, fmt.Errorf("central: %w", diskErr(err))
	}
	if err := c.writeReceipt(rec); err != nil {
		return rec, err
	}
	if c.cfg.Node != nil {
		if err := c.cfg.Node.Scan(c.cfg.ReceiptsID); err != nil {
			return rec, err
		}
	}
	return rec, nil
}
