package discovery

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// ServiceType is the DNS-SD service type of a meeting.
	ServiceType = "_dinh._tcp"
	// Domain is the mDNS domain.
	Domain = "local."
)

// TXT keys used by Đình. Others may be added; each key=value must fit in 255 bytes.
const (
	KeyID          = "id"    // meeting identifier
	KeyTitle       = "title" // meeting title, UTF-8; shortened to fit, never refused
	KeyFingerprint = "fp"    // host key fingerprint
	KeyVersion     = "v"     // meeting package version
)

const (
	maxLabel    = 63   // bytes in one DNS label, the limit of an instance name
	maxTXTEntry = 255  // bytes in one TXT string (key=value)
	maxTXTTotal = 1300 // RFC 6763 6.2: larger TXT records are not recommended
	ellipsis    = "…"
)

// Announcement is what a host publishes about its meeting.
type Announcement struct {
	// Instance is the DNS-SD instance name shown to delegates. It must be unique
	// on the LAN (zeroconf does no conflict probing), 1 to 63 bytes of UTF-8,
	// without control characters and not starting or ending with a dot. Build
	// it with InstanceName.
	Instance string
	// Port is the TCP port of the meeting server.
	Port int
	// Text holds the TXT keys, e.g. KeyID, KeyTitle, KeyFingerprint, KeyVersion.
	// Keys are printable ASCII without '=' and unique regardless of case; values
	// are UTF-8. Each key=value must fit in 255 bytes, except that a KeyTitle
	// value is shortened at a character boundary and ends with "…".
	Text map[string]string
}

// InstanceName returns label + " " + suffix, shortened at a character boundary
// so that it fits in one DNS label (63 bytes). The suffix, typically a short
// key fingerprint that keeps the name unique, is kept whole when it can be.
func InstanceName(label, suffix string) string {
	label = strings.Trim(strings.TrimSpace(label), ".")
	suffix = strings.Trim(strings.TrimSpace(suffix), ".")
	if suffix == "" {
		return strings.TrimRight(truncateText(label, maxLabel), ". ")
	}
	if len(suffix) >= maxLabel-1 {
		return truncateText(suffix, maxLabel)
	}
	label = strings.TrimRight(truncateText(label, maxLabel-1-len(suffix)), ". ")
	if label == "" {
		return suffix
	}
	return label + " " + suffix
}

// validateInstance reports whether name can be an instance name.
func validateInstance(name string) error {
	switch {
	case name == "":
		return errors.New("instance name is empty")
	case len(name) > maxLabel:
		return fmt.Errorf("instance name %q is %d bytes, more than %d", name, len(name), maxLabel)
	case !utf8.ValidString(name):
		return fmt.Errorf("instance name %q is not valid UTF-8", name)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, "."):
		return fmt.Errorf("instance name %q starts or ends with a dot", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("instance name %q contains a control character", name)
	}
	return nil
}

// validate checks a and returns its TXT strings, sorted by key, in the escaped
// form zeroconf hands to github.com/miekg/dns.
func (a Announcement) validate() ([]string, error) {
	if err := validateInstance(a.Instance); err != nil {
		return nil, err
	}
	if a.Port < 1 || a.Port > 65535 {
		return nil, fmt.Errorf("port %d is out of range 1-65535", a.Port)
	}
	txt, err := txtRecords(a.Text)
	if err != nil {
		return nil, err
	}
	escaped := make([]string, len(txt))
	for i, s := range txt {
		escaped[i] = escapeTXT(s)
	}
	return escaped, nil
}

// txtRecords validates text and returns its key=value strings sorted by key,
// with a long title shortened. An empty map gives one empty string, the
// RFC 6763 form of an empty TXT record.
func txtRecords(text map[string]string) ([]string, error) {
	if len(text) == 0 {
		return []string{""}, nil
	}
	lower := make(map[string]string, len(text))
	out := make([]string, 0, len(text))
	total := 0
	for _, k := range slices.Sorted(maps.Keys(text)) {
		v := text[k]
		if err := validateKey(k); err != nil {
			return nil, err
		}
		if other, dup := lower[strings.ToLower(k)]; dup {
			return nil, fmt.Errorf("txt keys %q and %q differ only in case", other, k)
		}
		lower[strings.ToLower(k)] = k
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("txt value of %q is not valid UTF-8", k)
		}
		room := maxTXTEntry - len(k) - 1
		if len(v) > room {
			if !strings.EqualFold(k, KeyTitle) {
				return nil, fmt.Errorf("txt %q: key=value is %d bytes, more than %d", k, len(k)+1+len(v), maxTXTEntry)
			}
			v = strings.TrimRightFunc(truncateText(v, room-len(ellipsis)), unicode.IsSpace) + ellipsis
		}
		s := k + "=" + v
		total += 1 + len(s)
		out = append(out, s)
	}
	if total > maxTXTTotal {
		return nil, fmt.Errorf("txt record is %d bytes, more than %d", total, maxTXTTotal)
	}
	return out, nil
}

func validateKey(k string) error {
	if k == "" {
		return errors.New("txt key is empty")
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c > 0x7e || c == '=' {
			return fmt.Errorf("txt key %q: only printable ASCII without '=' is allowed", k)
		}
	}
	return nil
}

// truncateText shortens s to at most max bytes without splitting a UTF-8
// sequence or separating a combining mark (decomposed Vietnamese tone marks)
// from the letter before it.
func truncateText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// s[cut:] is dropped; if it starts with a mark, drop its base letter too.
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		if !unicode.Is(unicode.M, r) {
			break
		}
		cut--
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut]
}

// escapeTXT escapes a TXT string for github.com/miekg/dns, which reads
// backslash escapes when packing.
func escapeTXT(s string) string {
	return strings.ReplaceAll(s, `\`, `\\`)
}

// escapeLabel escapes an instance name so that it stays one DNS label.
// \DDD is used rather than "\." because zeroconf trims trailing dots.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\092`, `.`, `\046`).Replace(s)
}

// unescape decodes DNS presentation format, as github.com/miekg/dns produces
// for names and TXT strings: \DDD is a byte, \X is X.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			if v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseTXT turns received TXT strings into a map. Per RFC 6763 6.4 the first
// occurrence of a key wins and a key without '=' has an empty value.
func parseTXT(txt []string) map[string]string {
	m := make(map[string]string, len(txt))
	for _, s := range txt {
		s = unescape(s)
		k, v, _ := strings.Cut(s, "=")
		if k == "" {
			continue
		}
		if _, dup := m[k]; !dup {
			m[k] = v
		}
	}
	return m
}
