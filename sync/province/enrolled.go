package province

import (
	"encoding/json"
	"fmt"
	"slices"

	"dinh/sync/mesh"
)

// EnrolledName is the file in the catalogue folder where central lists the
// devices it has enrolled. Hubs read it to let exactly those devices in,
// so a device enrolled at central syncs through its hub without the hub
// being touched. It holds device IDs only: no names, nothing personal.
const EnrolledName = "devices.json"

// MaxEnrolled bounds the list a hub accepts.
const MaxEnrolled = 100000

// Enrolled is central's list of enrolled devices.
type Enrolled struct {
	Devices []string `json:"devices"`
}

// Encode writes the list sorted, so an unchanged list is the same file.
func (e Enrolled) Encode() []byte {
	ids := slices.Clone(e.Devices)
	slices.Sort(ids)
	b, _ := json.MarshalIndent(Enrolled{Devices: slices.Compact(ids)}, "", " ")
	return append(b, '\n')
}

// ParseEnrolled reads the list, refusing one that is too long or holds
// anything but device IDs.
func ParseEnrolled(b []byte) (Enrolled, error) {
	var e Enrolled
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("province: %s: %w", EnrolledName, err)
	}
	if len(e.Devices) > MaxEnrolled {
		return Enrolled{}, fmt.Errorf("province: %s lists %d devices, at most %d", EnrolledName, len(e.Devices), MaxEnrolled)
	}
	for i, s := range e.Devices {
		id, err := mesh.ParseID(s)
		if err != nil {
			return Enrolled{}, fmt.Errorf("province: %s: %w", EnrolledName, err)
		}
		e.Devices[i] = id
	}
	return e, nil
}
