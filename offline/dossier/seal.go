package dossier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"dinh/internal/atomicfile"
	"dinh/offline/agekey"
	"dinh/offline/outbox"
	"dinh/offline/seal"
)

// Part names inside a sealed dossier.
const (
	PartRecord      = "dossier.json"
	attachmentsPart = "attachments/"
)

// AttachmentPart is the part name of an attachment in a sealed dossier.
func AttachmentPart(att string) string { return attachmentsPart + att + ".jpg" }

// sealHooks let a test stop the process at each step of sealing.
var sealHooks struct {
	written, renamed, marked func()
}

func hook(f func()) {
	if f != nil {
		f()
	}
}

// Seal checks that a draft is complete, seals it for the central server
// and hands it to the outbox. The encrypted draft stays in the vault, read
// only, until the receipt comes back (Tidy deletes it then): a sealed file
// found damaged is sealed again from it, by Seal, with the same ID.
// progress reports bytes sealed.
func (k *Desk) Seal(ctx context.Context, id string, progress func(done, total int64)) (outbox.Entry, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, err := k.cfg.Outbox.Entry(id)
	if err == nil && e.State == outbox.Damaged {
		return k.reseal(ctx, id, e, progress)
	}
	d, err := k.load(id)
	if err != nil {
		return outbox.Entry{}, err
	}
	if probs := d.Check(); len(probs) > 0 {
		return outbox.Entry{}, &IncompleteError{Problems: probs}
	}
	if err := k.cfg.Outbox.SetInitials(id, Initials(d.Villager.FullName)); err != nil {
		return outbox.Entry{}, fmt.Errorf("dossier: %w", diskErr(err))
	}
	name := id + seal.Ext
	sum, err := k.writeSealed(ctx, d, name, progress)
	if err != nil {
		return outbox.Entry{}, err
	}
	hook(sealHooks.renamed)
	if err := k.cfg.Outbox.MarkSealed(id, name, sum); err != nil {
		os.Remove(filepath.Join(k.cfg.OutboxDir, name))
		return outbox.Entry{}, fmt.Errorf("dossier: seal %s: %w", id, diskErr(err))
	}
	hook(sealHooks.marked)
	return k.cfg.Outbox.Entry(id)
}

// reseal seals a damaged dossier again from its kept draft, into the same
// file name, replacing the damaged file.
func (k *Desk) reseal(ctx context.Context, id string, e outbox.Entry, progress func(done, total int64)) (outbox.Entry, error) {
	d, err := k.read(id, e)
	if err != nil {
		return outbox.Entry{}, err
	}
	raw, ok, err := k.cfg.Store.Draft(id)
	if err != nil || !ok || raw == nil {
		return outbox.Entry{}, fmt.Errorf("%w: %s has no kept copy to seal again", ErrDamaged, id)
	}
	name := id + seal.Ext
	sum, err := k.writeSealed(ctx, d, name, progress)
	if err != nil {
		return outbox.Entry{}, err
	}
	if err := k.cfg.Outbox.MarkSealed(id, name, sum); err != nil {
		return outbox.Entry{}, fmt.Errorf("dossier: seal %s again: %w", id, diskErr(err))
	}
	return k.cfg.Outbox.Entry(id)
}

// Damaged lists the dossiers whose sealed file is damaged, to seal again.
func (k *Desk) Damaged() ([]string, error) {
	es, err := k.cfg.Outbox.List()
	var ids []string
	for _, e := range es {
		if e.State == outbox.Damaged {
			ids = append(ids, e.ID)
		}
	}
	return ids, err
}

// writeSealed writes the sealed file beside its final name, syncs it and
// renames it, and returns its SHA-256.
func (k *Desk) writeSealed(ctx context.Context, d *Dossier, name string, progress func(done, total int64)) (sum string, err error) {
	record, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("dossier: encode: %w", err)
	}
	parts := []seal.Part{{
		Name: PartRecord, Size: int64(len(record)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(record)), nil },
	}}
	for _, a := range d.Attachments {
		path, aad := filepath.Join(k.cfg.Dir, d.ID, a.ID+".enc"), fileAAD(d.ID, a.ID)
		parts = append(parts, seal.Part{
			Name: AttachmentPart(a.ID), Size: a.Size,
			Open: func() (io.ReadCloser, error) {
				pr, pw := io.Pipe()
				go func() { pw.CloseWithError(k.cfg.Vault.DecryptFile(path, aad, pw)) }()
				return pr, nil
			},
		})
	}
	h := seal.Header{
		Format:    seal.Format,
		DossierID: d.ID,
		Device:    k.cfg.Device.Public().(ed25519.PublicKey),
		Created:   k.cfg.Now().UTC(),
		Summary: map[string]string{
			"procedure":   d.Procedure,
			"attachments": strconv.Itoa(len(d.Attachments)),
		},
	}
	hw := sha256.New()
	halfway := false
	report := progress
	if report == nil {
		report = func(int64, int64) {}
	}
	err = atomicfile.Write(filepath.Join(k.cfg.OutboxDir, name), name+".tmp-", func(w io.Writer) error {
		err := seal.Seal(ctxWriter{ctx.Err, io.MultiWriter(w, hw)}, h, parts, []agekey.Public{k.cfg.Central, k.cfg.Recovery}, k.cfg.Device, func(done, total int64) {
			report(done, total)
			if !halfway && done*2 >= total {
				halfway = true
				hook(sealHooks.written)
			}
		})
		if err == nil {
			err = ctx.Err()
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("dossier: seal %s: %w", d.ID, diskErr(err))
	}
	return hex.EncodeToString(hw.Sum(nil)), nil
}

// ctxWriter stops a seal in progress when its context ends: err is the
// context's Err.
type ctxWriter struct {
	err func() error
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
