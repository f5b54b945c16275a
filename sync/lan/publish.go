package lan

import (
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"dinh/meeting"
	"dinh/offline/blob"
)

// PublishStore is what publishing needs of the store.
type PublishStore interface {
	Published(meetingID string) ([]byte, bool, error)
	SetPublished(meetingID string, raw []byte) error
}

// PublishOptions adds to what a revision carries.
type PublishOptions struct {
	// Trust is bundled with the meeting: root certificates and CRLs.
	Trust []meeting.TrustFile
	// Verdict returns the host's verdict code on the signatures of the
	// document stored at path; nil records none.
	Verdict func(path string) string
	// Check refuses a document that delegates could not read (a PDF that
	// does not open, or a page that does not load); nil checks nothing.
	// One refused document publishes nothing.
	Check func(path string) error
}

// DocumentError is a document that cannot be published, by name: its
// file is missing or unreadable, or Check refused it.
type DocumentError struct {
	Name string
	Err  error
}

func (e *DocumentError) Error() string { return fmt.Sprintf("document %q: %v", e.Name, e.Err) }
func (e *DocumentError) Unwrap() error { return e.Err }

// PublishFolder snapshots the meeting's documents from dir into blobs,
// builds and signs the next revision and records it. The revision number
// grows only when something changed, so republishing an unchanged folder
// sends delegates nothing.
func PublishFolder(st PublishStore, blobs *blob.Store, key ed25519.PrivateKey, m *meeting.Meeting, dir string, opts PublishOptions, now time.Time) ([]byte, *meeting.Manifest, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	docs := map[string]meeting.Document{}
	for _, name := range m.DocumentNames() {
		sum, size, err := blobs.Import(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, &DocumentError{name, err}
		}
		docs[name] = meeting.Document{Name: name, SHA256: sum, Size: size}
	}
	return publish(st, blobs, key, m, docs, opts, now)
}

// PublishFiles is PublishFolder for documents picked one by one in the host
// screen: paths maps each document name to the file it comes from.
func PublishFiles(st PublishStore, blobs *blob.Store, key ed25519.PrivateKey, m *meeting.Meeting, paths map[string]string, opts PublishOptions, now time.Time) ([]byte, *meeting.Manifest, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	docs := map[string]meeting.Document{}
	for _, name := range m.DocumentNames() {
		p, ok := paths[name]
		if !ok {
			return nil, nil, &DocumentError{name, fs.ErrNotExist}
		}
		sum, size, err := blobs.Import(p)
		if err != nil {
			return nil, nil, &DocumentError{name, err}
		}
		docs[name] = meeting.Document{Name: name, SHA256: sum, Size: size}
	}
	return publish(st, blobs, key, m, docs, opts, now)
}

func publish(st PublishStore, blobs *blob.Store, key ed25519.PrivateKey, m *meeting.Meeting, docs map[string]meeting.Document, opts PublishOptions, now time.Time) ([]byte, *meeting.Manifest, error) {
	if opts.Check != nil {
		for _, name := range m.DocumentNames() { // in the agenda's order
			if err := opts.Check(blobs.Path(docs[name].SHA256)); err != nil {
				return nil, nil, &DocumentError{name, err}
			}
		}
	}
	if opts.Verdict != nil {
		for name, d := range docs {
			d.Verdict = opts.Verdict(blobs.Path(d.SHA256))
			docs[name] = d
		}
	}
	version := int64(1)
	var prev *meeting.Manifest
	if raw, ok, err := st.Published(m.ID); err != nil {
		return nil, nil, err
	} else if ok {
		fp := meeting.FingerprintOf(key.Public().(ed25519.PublicKey))
		if p, _, err := meeting.Open(raw, &fp); err == nil {
			prev = p
			version = p.Version + 1
		}
	}
	man, err := meeting.Assemble(m, docs, version, now)
	if err != nil {
		return nil, nil, err
	}
	man.Trust = opts.Trust
	if err := man.Validate(); err != nil {
		return nil, nil, err
	}
	if prev != nil && meeting.SameContent(prev, man) {
		raw, _, _ := st.Published(m.ID)
		return raw, prev, nil
	}
	raw, err := meeting.Sign(man, key)
	if err != nil {
		return nil, nil, err
	}
	if err := st.SetPublished(m.ID, raw); err != nil {
		return nil, nil, err
	}
	return raw, man, nil
}
