package central

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Device is an enrolled device.
type Device struct {
	ID    string    `json:"id"`
	Name  string    `json:"name,omitempty"`
	Added time.Time `json:"added"`
}

// IDParser checks a device ID; sync/mesh.ParseID is one.
type IDParser func(string) (string, error)

// Enroll adds a device to the allow-list. A device enrolled again keeps
// its first enrolment date, and its name unless a new one is given.
func Enroll(st Store, parse IDParser, id, name string, now time.Time) (Device, error) {
	canon, err := parse(id)
	if err != nil {
		return Device{}, fmt.Errorf("%w: %w", ErrNotDevice, err)
	}
	d := Device{ID: canon, Name: name, Added: now.UTC()}
	all, err := st.Devices()
	if err != nil {
		return Device{}, fmt.Errorf("central: %w", err)
	}
	if raw, ok := all[canon]; ok {
		var k Device
		json.Unmarshal(raw, &k)
		d.Added = k.Added
		if name == "" {
			d.Name = k.Name
		}
	}
	raw, _ := json.Marshal(d)
	if err := st.PutDevice(canon, raw); err != nil {
		return Device{}, fmt.Errorf("central: %w", diskErr(err))
	}
	return d, nil
}

// Remove takes a device off the allow-list; its dossiers already received
// stay. A device that is not enrolled is ErrNotEnrolled.
func Remove(st Store, parse IDParser, id string) error {
	canon, err := parse(id)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotDevice, err)
	}
	all, err := st.Devices()
	if err != nil {
		return fmt.Errorf("central: %w", err)
	}
	if _, ok := all[canon]; !ok {
		return fmt.Errorf("%w: %s", ErrNotEnrolled, canon)
	}
	if err := st.DeleteDevice(canon); err != nil {
		return fmt.Errorf("central: %w", diskErr(err))
	}
	return nil
}

// Devices lists the enrolled devices by ID.
func Devices(st Store) ([]Device, error) {
	all, err := st.Devices()
	if err != nil {
		return nil, fmt.Errorf("central: %w", err)
	}
	var out []Device
	for id, raw := range all {
		d := Device{ID: id}
		json.Unmarshal(raw, &d)
		d.ID = id
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Device) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// records lists every ingested dossier's record.
func records(st Store) ([]Record, error) {
	ids, err := st.IngestedIDs()
	if err != nil {
		return nil, fmt.Errorf("central: %w", err)
	}
	var out []Record
	for _, id := range ids {
		raw, ok, err := st.Ingested(id)
		if err != nil {
			return out, fmt.Errorf("central: record %s: %w", id, err)
		}
		var r Record
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return out, fmt.Errorf("central: record %s: %w", id, err)
		}
		out = append(out, r)
	}
	return out, nil
}
