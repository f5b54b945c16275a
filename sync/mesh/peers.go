package mesh

import (
	"fmt"
	"slices"

	"github.com/syncthing/syncthing/lib/config"
	"github.com/syncthing/syncthing/lib/protocol"
)

// SetDynamicPeers makes ids, and only ids, the devices that may connect to
// this node besides the peers it was started with, and shares folders
// with each of them. A device this call added before and ids no longer
// holds is removed, with its folder shares; the peers of Config.Peers are
// never touched. Devices added this way dial in (their address is
// "dynamic"). It returns once Syncthing runs with the new configuration,
// and reports whether anything changed.
func (n *Node) SetDynamicPeers(ids []string, folders []string) (changed bool, err error) {
	want := map[protocol.DeviceID]bool{}
	for _, s := range ids {
		id, err := protocol.DeviceIDFromString(s)
		if err != nil {
			return false, fmt.Errorf("mesh: peer %q: %w", s, err)
		}
		if id != n.id {
			want[id] = true
		}
	}
	static := map[protocol.DeviceID]bool{n.id: true}
	for _, p := range n.cfg.Peers {
		if id, err := protocol.DeviceIDFromString(p.ID); err == nil {
			static[id] = true
		}
	}
	cur := n.wrap.RawCopy()
	if !dynamicDiffers(cur, static, want, folders) {
		return false, nil
	}
	w, err := n.wrap.Modify(func(c *config.Configuration) {
		devices := c.Devices[:0]
		have := map[protocol.DeviceID]bool{}
		for _, d := range c.Devices {
			if static[d.DeviceID] || want[d.DeviceID] {
				devices = append(devices, d)
				have[d.DeviceID] = true
			}
		}
		for id := range want {
			if !have[id] {
				d := c.Defaults.Device.Copy()
				d.DeviceID, d.Name = id, id.Short().String()
				d.Addresses = []string{"dynamic"}
				d.AutoAcceptFolders = false
				devices = append(devices, d)
			}
		}
		c.Devices = devices
		for i := range c.Folders {
			f := &c.Folders[i]
			if !slices.Contains(folders, f.ID) {
				continue
			}
			shared := f.Devices[:0]
			has := map[protocol.DeviceID]bool{}
			for _, fd := range f.Devices {
				if static[fd.DeviceID] || want[fd.DeviceID] {
					shared = append(shared, fd)
					has[fd.DeviceID] = true
				}
			}
			for id := range want {
				if !has[id] {
					shared = append(shared, config.FolderDeviceConfiguration{DeviceID: id})
				}
			}
			f.Devices = shared
		}
	})
	if err != nil {
		return false, fmt.Errorf("mesh: set peers: %w", err)
	}
	w.Wait()
	if err := n.wrap.Save(); err != nil {
		return true, fmt.Errorf("mesh: save config: %w", err)
	}
	n.notify()
	return true, nil
}

// dynamicDiffers reports whether the configuration's devices beyond the
// static ones, or the shares of folders, differ from want.
func dynamicDiffers(c config.Configuration, static, want map[protocol.DeviceID]bool, folders []string) bool {
	got := map[protocol.DeviceID]bool{}
	for _, d := range c.Devices {
		if !static[d.DeviceID] {
			got[d.DeviceID] = true
		}
	}
	if len(got) != len(want) {
		return true
	}
	for id := range want {
		if !got[id] {
			return true
		}
	}
	for _, f := range c.Folders {
		if !slices.Contains(folders, f.ID) {
			continue
		}
		shared := 0
		for _, fd := range f.Devices {
			if want[fd.DeviceID] {
				shared++
			} else if !static[fd.DeviceID] {
				return true
			}
		}
		if shared != len(want) {
			return true
		}
	}
	return false
}
