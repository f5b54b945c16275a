package lan

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The headers a delegate's device names itself with.
const (
	DeviceHeader     = "X-Dinh-Device"      // the device's ID
	DeviceNameHeader = "X-Dinh-Device-Name" // its name, URL-escaped
)

// Device is how a delegate's device names itself to the host: its ID (its
// own key's fingerprint) and a name a person reads. It proves nothing; it
// lets the secretariat see which device holds which version.
type Device struct{ ID, Name string }

// maxNameRunes bounds a device's name as the host keeps it.
const maxNameRunes = 64

// deviceHeader is the device ID a request gives, or "" for none or one
// that is not an ID (1 to 64 letters, digits or dashes).
func deviceHeader(s string) string {
	if s == "" || len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return s
}

// deviceName is the name a request gives, unescaped, without control
// characters, cut to maxNameRunes.
func deviceName(s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil || !utf8.ValidString(u) {
		return ""
	}
	u = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(u))
	if utf8.RuneCountInString(u) > maxNameRunes {
		u = string([]rune(u)[:maxNameRunes])
	}
	return u
}

// name sets the device's headers on a request.
func (d Device) name(h http.Header) {
	if d.ID != "" {
		h.Set(DeviceHeader, d.ID)
		h.Set(DeviceNameHeader, url.QueryEscape(d.Name))
	}
}

// Have tells the host that this device now holds version whole, for the
// secretariat's view of who has what.
func (c *Client) Have(ctx context.Context, version int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+c.addr+"/v1/have?version="+strconv.FormatInt(version, 10), nil)
	if err != nil {
		return err
	}
	c.Who.name(req.Header)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("have: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("have: host answered %s", resp.Status)
	}
	return nil
}
