package room

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"dinh/meeting"
	"dinh/meeting/pdfsig"
)

// TrustFolder is where an administrator keeps the root certificates and
// CRLs a device trusts, below its data folder.
func TrustFolder(dataDir string) string { return filepath.Join(dataDir, "trust") }

// LoadBundle reads a trust folder into the files a meeting carries: every
// file holding a certificate or a CRL, by name, as long as they fit in
// meeting.MaxTrustSize. A missing folder is an empty bundle. Files left out
// are returned by name so the host can say so.
func LoadBundle(dir string) (files []meeting.TrustFile, skipped []string, err error) {
	if dir == "" {
		return nil, nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read trust folder: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	total := 0
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, nil, fmt.Errorf("read trust folder: %w", err)
		}
		if c, l := pdfsig.NewTrust().Add(b); c+l == 0 {
			continue
		}
		if meeting.ValidFileName(e.Name()) != nil || len(files) == meeting.MaxTrustFiles || total+len(b) > meeting.MaxTrustSize {
			skipped = append(skipped, e.Name())
			continue
		}
		files = append(files, meeting.TrustFile{Name: e.Name(), Data: b})
		total += len(b)
	}
	return files, skipped, nil
}

// DocumentTrust is what a meeting's documents are verified with: the
// device's own trust store plus what the meeting's host bundled. The
// bundle is trusted as far as the host is: its package is signed by the
// pinned key.
func DocumentTrust(local *pdfsig.Trust, man *meeting.Manifest) *pdfsig.Trust {
	t := local.Clone()
	if man != nil {
		for _, f := range man.Trust {
			t.Add(f.Data)
		}
	}
	return t
}

// LoadLocalTrust reads the device's trust folder; a missing folder trusts
// nothing.
func LoadLocalTrust(dataDir string) (*pdfsig.Trust, error) {
	t := pdfsig.NewTrust()
	err := t.AddDir(TrustFolder(dataDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return t, err
	}
	return t, nil
}

// verdicts remembers the host's verdict per document and trust bundle:
// documents are content-addressed, so a verdict changes only with them or
// with the bundle.
type verdicts struct {
	mu sync.Mutex
	m  map[[2][32]byte]string
}

// BundleSum identifies a trust bundle: verdicts made with one hold for
// any bundle with the same sum.
func BundleSum(files []meeting.TrustFile) [32]byte {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Name, len(f.Data))
		h.Write(f.Data)
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// verdictFunc returns the function publishing uses to record the host's
// verdict on each document.
func (v *verdicts) verdictFunc(bundle []meeting.TrustFile) func(path string) string {
	trust := DocumentTrust(nil, &meeting.Manifest{Trust: bundle})
	bs := BundleSum(bundle)
	return func(path string) string {
		key := [2][32]byte{sha256.Sum256([]byte(path)), bs}
		v.mu.Lock()
		code, ok := v.m[key]
		v.mu.Unlock()
		if ok {
			return code
		}
		r, err := pdfsig.VerifyFile(path, trust)
		code = r.Verdict().Code()
		if err != nil {
			code = pdfsig.Invalid.Code()
		}
		v.mu.Lock()
		if v.m == nil {
			v.m = map[[2][32]byte]string{}
		}
		v.m[key] = code
		v.mu.Unlock()
		return code
	}
}
