// Package room wires the meeting room together: a host that serves a
// meeting over sync/lan and announces it with sync/discovery, and a
// directory of the meetings announced on the LAN that a delegate picks from
// and that locates the host again after it moves or restarts.
//
// Both the GUI and the headless dinhd use it, so the two behave alike.
package room
