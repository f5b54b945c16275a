package room

import (
	"path/filepath"

	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/offline/blob"
	"dinh/offline/store"
)

// OpenData opens a meeting device's data folder: the store of meetings and
// the documents' blobs beside it, for a host or a delegate.
func OpenData(dir string) (*store.Store, *blob.Store, error) {
	st, err := store.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	bl, err := blob.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, bl, nil
}

// WriteDemo writes the embedded demo meeting, its documents signed by a
// demo CA, into the host's data folder data (demo-meeting, with the CA in
// demo-ca) and puts the CA's root in the trust folder trust (the host's
// own when ""), so that delegates find every signature valid. It returns
// the folder and the meeting.
func WriteDemo(data, trust string) (string, *meeting.Meeting, error) {
	if trust == "" {
		trust = TrustFolder(data)
	}
	dir := filepath.Join(data, "demo-meeting")
	m, err := demo.WriteSignedFolder(dir, filepath.Join(data, "demo-ca"), trust)
	return dir, m, err
}
