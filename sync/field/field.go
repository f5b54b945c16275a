// Package field moves a volunteer's sealed dossiers from the outbox into
// the commune folder that sync/mesh shares with the hub, and brings the
// central server's receipts back into the outbox.
//
// Each device writes only below its own device ID in the commune folder,
// and only sealed files, which no peer can read. A dossier is delivered
// when the hub (the next hop) has everything this device wrote; it is
// receipted when a receipt for it arrives in the receipts folder written
// by the central server's device, and nobody else. A receipted dossier's
// sealed file stays until the outbox purges it after the retention
// period; its copy in the commune folder then goes too.
package field

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dinh/internal/atomicfile"
	"dinh/offline/outbox"
	"dinh/offline/seal"
	"dinh/sync/mesh"
	"dinh/sync/receipt"
)

// Node is what field needs of a sync/mesh node.
type Node interface {
	ID() string
	Scan(folder string) error
	PeerHas(peer, folder string) (bool, error)
	WrittenBy(folder, path, device string) (bool, error)
	Changed() <-chan struct{}
}

// Config is a device's side of the sync.
type Config struct {
	Node Node
	// CommuneID and CommuneDir are the commune folder's ID and path on
	// this device; ReceiptsID and ReceiptsDir the receipts folder's.
	CommuneID, CommuneDir   string
	ReceiptsID, ReceiptsDir string
	Hub                     string // the next hop's device ID
	Central                 string // the device ID that writes receipts
	Outbox                  *outbox.Outbox
	OutboxDir               string
	Log                     *slog.Logger
	// Interval is the longest wait between passes; 0 means 5 s.
	Interval time.Duration
}

// Report counts what one pass changed. Updated counts receipts whose
// status history grew: the office moved a dossier on.
type Report struct {
	Queued, Delivered, Receipted, Removed, Updated int
	// Damaged counts sealed files found changed on the disk: not sent,
	// and marked for the desk to seal again.
	Damaged int
	// Rejected counts central's new refusals, and Resent the fresh copies
	// sent to mend them.
	Rejected, Resent int
}

// Run makes a pass at every change of the node and at least every
// Interval, until ctx ends. A failing pass is logged and retried.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	every := cfg.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		changed := cfg.Node.Changed()
		if _, err := Pass(cfg); err != nil {
			cfg.Log.Warn("field: sync pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-t.C:
		}
	}
}

// Pass hands sealed dossiers to the commune folder, marks the ones the
// hub has as delivered, and records the receipts that arrived.
func Pass(cfg Config) (Report, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	var rep Report
	me := cfg.Node.ID()
	mine := filepath.Join(cfg.CommuneDir, me)
	if err := os.MkdirAll(mine, 0o700); err != nil {
		return rep, fmt.Errorf("field: %w", err)
	}
	entries, err := cfg.Outbox.List()
	if err != nil && entries == nil {
		return rep, fmt.Errorf("field: %w", err)
	}
	var errs []error
	if err != nil {
		errs = append(errs, err) // damaged entries; the others go on
	}
	scan := false
	hubHas := false
	if ok, err := cfg.Node.PeerHas(cfg.Hub, cfg.CommuneID); err == nil {
		hubHas = ok
	}
	for _, e := range entries {
		name := filepath.Join(mine, e.ID+seal.Ext)
		switch e.State {
		case outbox.Sealed, outbox.Queued:
			// Before it goes out, the file must be the bytes sealed: a
			// flipped bit on the card is caught here, not at central.
			if ok, err := cfg.Outbox.CheckSealed(e.ID); err != nil {
				errs = append(errs, err)
				continue
			} else if !ok {
				if os.Remove(name) == nil {
					scan = true
				}
				rep.Damaged++
				cfg.Log.Error("field: a sealed dossier changed on the disk; it is not sent and must be sealed again", "dossier", e.ID)
				continue
			}
			placed, err := place(filepath.Join(cfg.OutboxDir, e.SealedPath), name, e.SealedSHA256)
			if err != nil {
				errs = append(errs, fmt.Errorf("field: hand over %s: %w", e.ID, err))
				continue
			}
			scan = scan || placed
			if e.State == outbox.Sealed {
				if err := cfg.Outbox.Queue(e.ID); err != nil {
					errs = append(errs, err)
					continue
				}
				rep.Queued++
			} else if hubHas && !placed {
				if err := cfg.Outbox.MarkDelivered(e.ID); err != nil {
					errs = append(errs, err)
					continue
				}
				rep.Delivered++
			}
		case outbox.Purged:
			if err := os.Remove(name); err == nil {
				rep.Removed++
				scan = true
			}
		}
	}
	if scan {
		if err := cfg.Node.Scan(cfg.CommuneID); err != nil {
			errs = append(errs, err)
		}
	}
	n, updated, err := readReceipts(cfg, me)
	rep.Receipted += n
	rep.Updated += updated
	if err != nil {
		errs = append(errs, err)
	}
	rejected, resent, err := readRejections(cfg, me, mine)
	rep.Rejected += rejected
	rep.Resent += resent
	if err != nil {
		errs = append(errs, err)
	}
	if resent > 0 {
		if err := cfg.Node.Scan(cfg.CommuneID); err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

// place puts a copy of the sealed file at dst, linked when the file
// system allows, and reports whether it had to. What is there already
// stays only if it is this very file (a link) or a copy with its SHA-256,
// sum: a dossier sealed again has a new file, which replaces the old
// one's link.
func place(src, dst, sum string) (bool, error) {
	si, err := os.Stat(src)
	if err != nil {
		return false, err
	}
	if di, err := os.Stat(dst); err == nil && (os.SameFile(si, di) || fileSum(dst) == sum) {
		return false, nil
	}
	// A hard link costs no space; across file systems, a copy.
	tmp := dst + ".tmp"
	os.Remove(tmp)
	if err := os.Link(src, tmp); err == nil {
		if err := os.Rename(tmp, dst); err != nil {
			os.Remove(tmp)
			return false, err
		}
		return true, atomicfile.SyncDir(filepath.Dir(dst))
	}
	in, err := os.Open(src)
	if err != nil {
		return false, err
	}
	defer in.Close()
	err = atomicfile.Write(dst, "."+filepath.Base(dst)+".tmp-", func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
	return err == nil, err
}

// fileSum is the lowercase hex SHA-256 of a file, or "" if it cannot be
// read.
func fileSum(name string) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// readReceipts records the receipts central wrote for this device, and
// the status updates that came with them; it returns how many dossiers
// got their receipt and how many a newer status.
func readReceipts(cfg Config, me string) (receipted, updated int, err error) {
	dir := filepath.Join(cfg.ReceiptsDir, me)
	names, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("field: receipts: %w", err)
	}
	var errs []error
	for _, de := range names {
		id, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || de.IsDir() || strings.HasSuffix(id, rejectedSuffix) {
			continue
		}
		rel := path.Join(me, de.Name())
		if by, err := cfg.Node.WrittenBy(cfg.ReceiptsID, rel, cfg.Central); err != nil || !by {
			if err == nil {
				cfg.Log.Warn("field: a receipt not written by the central server is ignored", "file", rel)
			}
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r, err := receipt.Parse(b, func(msg, cert, sig []byte) error {
			return mesh.VerifySigned(cfg.Central, msg, cert, sig)
		})
		if err != nil || r.DossierID != id {
			cfg.Log.Warn("field: unreadable receipt", "file", rel, "err", err)
			continue
		}
		e, err := cfg.Outbox.Entry(id)
		if err != nil {
			continue // not this device's dossier any more
		}
		if e.State == outbox.Queued || e.State == outbox.Delivered {
			if err := cfg.Outbox.MarkReceipted(id, r.Code, r.Received); err != nil {
				errs = append(errs, err)
				continue
			}
			receipted++
		}
		var prog []outbox.Progress
		for _, u := range r.History {
			if u.Status != receipt.Received {
				prog = append(prog, outbox.Progress{Status: u.Status, At: u.At})
			}
		}
		if sameProgress(e.Progress, prog) {
			continue
		}
		if err := cfg.Outbox.SetProgress(id, prog); err != nil && !errors.Is(err, outbox.ErrTransition) {
			errs = append(errs, err)
		} else if err == nil {
			updated++
		}
	}
	return receipted, updated, errors.Join(errs...)
}

// sameProgress reports whether two status histories say the same.
func sameProgress(a, b []outbox.Progress) bool {
	return slices.EqualFunc(a, b, func(x, y outbox.Progress) bool { return x.Status == y.Status && x.At.Equal(y.At) })
}

// rejectedSuffix ends a rejection's name, before ".json".
const rejectedSuffix = ".rejected"

// readRejections records central's refusals of this device's dossiers:
// only those central signed (a hub on the way can forge none), only for
// dossiers still on their way. A refusal a fresh copy can mend (the copy
// central got was damaged or rewritten on the way, and the device's own
// is sound) is mended once: the sealed file is handed over again, as a
// new version of the device's own. It returns how many refusals were new
// and how many copies went out.
func readRejections(cfg Config, me, mine string) (rejected, resent int, err error) {
	dir := filepath.Join(cfg.ReceiptsDir, me)
	names, err := filepath.Glob(filepath.Join(dir, "*"+rejectedSuffix+".json"))
	if err != nil || len(names) == 0 {
		return 0, 0, err
	}
	var errs []error
	for _, name := range names {
		id := strings.TrimSuffix(filepath.Base(name), rejectedSuffix+".json")
		b, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r, err := receipt.ParseRejection(b, func(msg, cert, sig []byte) error {
			return mesh.VerifySigned(cfg.Central, msg, cert, sig)
		})
		if err != nil || r.DossierID != id {
			cfg.Log.Warn("field: a rejection not signed by the central server is ignored", "file", name, "err", err)
			continue
		}
		e, err := cfg.Outbox.Entry(id)
		if err != nil || e.State != outbox.Queued && e.State != outbox.Delivered {
			continue // receipted since, sealed again, or not this device's
		}
		if e.Rejection != nil && e.Rejection.At.Equal(r.At) && e.Rejection.SHA256 == r.SHA256 {
			continue // told before
		}
		if r.SHA256 != e.SealedSHA256 && !receipt.Mendable(r.Reason) {
			continue // a refusal of a file sealed before this one
		}
		rej := outbox.Rejection{Reason: r.Reason, SHA256: r.SHA256, CentralKey: r.CentralKey, At: r.At}
		cfg.Log.Error("field: central refused a dossier", "dossier", id, "reason", r.Reason)
		if err := cfg.Outbox.MarkRejected(id, rej); err != nil {
			errs = append(errs, err)
			continue
		}
		rejected++
		if !receipt.Mendable(r.Reason) || r.Reason == receipt.Damaged && r.SHA256 == e.SealedSHA256 {
			continue // a person must act: the words say what to do
		}
		// The copy central got was not the device's: a fresh one, once
		// the device's own is checked (a damaged one is sealed again).
		if ok, err := cfg.Outbox.CheckSealed(id); err != nil || !ok {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err := handOverAgain(filepath.Join(cfg.OutboxDir, e.SealedPath), filepath.Join(mine, id+seal.Ext), e.SealedSHA256); err != nil {
			errs = append(errs, fmt.Errorf("field: send %s again: %w", id, err))
			continue
		}
		rej.Resent = true
		if err := cfg.Outbox.MarkRejected(id, rej); err != nil {
			errs = append(errs, err)
			continue
		}
		resent++
	}
	return rejected, resent, errors.Join(errs...)
}

// handOverAgain hands the sealed file over once more with a new time (a
// link shares it; a copy is made again), which the device's node sends as
// a new version of its own, whatever another node made of the last one.
func handOverAgain(src, dst, sum string) error {
	now := time.Now()
	if err := os.Chtimes(src, now, now); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil && fileSum(dst) == sum {
		if err := os.Chtimes(dst, now, now); err != nil { // a copy
			return err
		}
	}
	_, err := place(src, dst, sum)
	return err
}
