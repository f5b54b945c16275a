package central

import (
	"fmt"
	"os"
	"path/filepath"

	"dinh/offline/agekey"
	"dinh/sync/mesh"
)

// Setup is what Init made in central's data folder: central's device ID
// and the public halves of the team's two key pairs, for the devices.
type Setup struct {
	ID                string
	Central, Recovery agekey.Public
}

// Init makes the team's two key pairs in central's data folder, the one
// way to make them (central keeps central.key; the administrator takes
// recovery.key away; every device gets the two .pub files), and central's
// device identity. It refuses a folder that already holds a key, with
// *agekey.KeyExistsError.
func Init(dir string) (Setup, error) {
	if _, err := agekey.MakeAdminKeys(dir); err != nil {
		return Setup{}, err
	}
	c, r, err := agekey.LoadAdminKeys(dir)
	if err != nil {
		return Setup{}, err
	}
	id, err := mesh.Identity(filepath.Join(dir, "mesh"))
	if err != nil {
		return Setup{}, err
	}
	return Setup{ID: id, Central: c.Public(), Recovery: r.Public()}, nil
}

// ErrNoKey is a data folder without central's private key: Init was not
// run there.
var ErrNoKey = fmt.Errorf("central: no %s in the data folder", agekey.CentralKey)

// LoadKey reads central's private key from its data folder.
func LoadKey(dir string) (agekey.Private, error) {
	b, err := os.ReadFile(filepath.Join(dir, agekey.CentralKey))
	if os.IsNotExist(err) {
		return agekey.Private{}, fmt.Errorf("%w (%s)", ErrNoKey, dir)
	}
	if err != nil {
		return agekey.Private{}, fmt.Errorf("central: %w", err)
	}
	return agekey.ParsePrivate(string(b))
}
