package central

import (
	"fmt"
	"os"
	"path/filepath"

	"dinh/internal/atomicfile"
	"dinh/sync/province"
)

// publishEnrolled writes the enrolled devices into the catalogue folder,
// which every hub shares with central, and has the node scan it: each hub
// then lets exactly those devices in. An unchanged list is not written
// again.
func publishEnrolled(st Store, catalogDir string, scan func() error) error {
	all, err := Devices(st)
	if err != nil {
		return err
	}
	var e province.Enrolled
	for _, d := range all {
		e.Devices = append(e.Devices, d.ID)
	}
	b := e.Encode()
	path := filepath.Join(catalogDir, province.EnrolledName)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(b) {
		return nil
	}
	if err := os.MkdirAll(catalogDir, 0o700); err != nil {
		return fmt.Errorf("central: %w", diskErr(err))
	}
	if err := atomicfile.WriteBytes(path, b); err != nil {
		return fmt.Errorf("central: publish enrolled devices: %w", diskErr(err))
	}
	if scan != nil {
		return scan()
	}
	return nil
}
