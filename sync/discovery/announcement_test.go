package discovery

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"dinh/internal/testenv"
)

func TestTXTRecords(t *testing.T) {
	longTitle := strings.Repeat("Kỳ họp thứ mười hai Hội đồng nhân dân tỉnh Tuyên Quang ", 8)
	// "ệ" written as e + U+0323 (dot below) + U+0302 (circumflex): NFD input.
	decomposed := strings.Repeat("Nghe\u0323\u0302 ", 60)
	tests := []struct {
		name    string
		text    map[string]string
		want    []string // nil: only check the limits
		wantErr string
	}{
		{name: "empty map is one empty string", text: nil, want: []string{""}},
		{
			name: "sorted by key, Vietnamese kept",
			text: map[string]string{"v": "3", "title": "Kỳ họp thứ 12", "id": "m-1", "fp": "ab12"},
			want: []string{"fp=ab12", "id=m-1", "title=Kỳ họp thứ 12", "v=3"},
		},
		{name: "empty value", text: map[string]string{"flag": ""}, want: []string{"flag="}},
		{name: "exactly 255 bytes", text: map[string]string{"id": strings.Repeat("x", 252)}, want: []string{"id=" + strings.Repeat("x", 252)}},
		{name: "long title is shortened", text: map[string]string{"title": longTitle}},
		{name: "long decomposed title keeps marks with letters", text: map[string]string{"title": decomposed}},
		{name: "long Title key is shortened too", text: map[string]string{"Title": longTitle}},
		{name: "long other value fails", text: map[string]string{"id": strings.Repeat("x", 253)}, wantErr: "more than 255"},
		{name: "empty key", text: map[string]string{"": "x"}, wantErr: "key is empty"},
		{name: "key with equals sign", text: map[string]string{"a=b": "x"}, wantErr: "printable ASCII"},
		{name: "key with non-ASCII", text: map[string]string{"tiêu đề": "x"}, wantErr: "printable ASCII"},
		{name: "keys differ only in case", text: map[string]string{"id": "1", "ID": "2"}, wantErr: "differ only in case"},
		{name: "invalid UTF-8 value", text: map[string]string{"title": "a\xffb"}, wantErr: "not valid UTF-8"},
		{
			name: "total too large",
			text: map[string]string{
				"a": strings.Repeat("x", 250), "b": strings.Repeat("x", 250), "c": strings.Repeat("x", 250),
				"d": strings.Repeat("x", 250), "e": strings.Repeat("x", 250), "f": strings.Repeat("x", 250),
			},
			wantErr: "more than 1300",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := txtRecords(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for _, s := range got {
				if len(s) > maxTXTEntry {
					t.Errorf("got %d-byte string, want at most %d", len(s), maxTXTEntry)
				}
				if !utf8.ValidString(s) {
					t.Errorf("got invalid UTF-8 %q", s)
				}
			}
		})
	}
}

func TestTitleTruncation(t *testing.T) {
	tests := []struct {
		name  string
		title string
	}{
		{"precomposed", strings.Repeat("Phiên họp thường kỳ tháng mười một ", 10)},
		{"decomposed", strings.Repeat("Nghe\u0323\u0302 quye\u0301t ", 40)},
		{"three-byte runes at the edge", "x" + strings.Repeat("ệ", 100)},
		{"trailing space before cut", strings.Repeat("a", 246) + " " + strings.Repeat("b", 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := txtRecords(map[string]string{KeyTitle: tt.title})
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			s := strings.TrimPrefix(got[0], "title=")
			if len(got[0]) > maxTXTEntry {
				t.Fatalf("got %d bytes, want at most %d", len(got[0]), maxTXTEntry)
			}
			if !strings.HasSuffix(s, ellipsis) {
				t.Fatalf("got %q, want it to end with %q", s, ellipsis)
			}
			body := strings.TrimSuffix(s, ellipsis)
			if !strings.HasPrefix(tt.title, body) {
				t.Fatalf("got %q, want a prefix of the title", body)
			}
			if strings.HasSuffix(body, " ") {
				t.Errorf("got %q, want no space before the ellipsis", body)
			}
			// The first dropped rune must not be a combining mark.
			if r, _ := utf8.DecodeRuneInString(tt.title[len(body):]); r >= 0x300 && r <= 0x36f {
				t.Errorf("got cut before mark %U, want marks kept with their letter", r)
			}
		})
	}
}

func TestValidateAnnouncement(t *testing.T) {
	ok := map[string]string{KeyID: "m-1"}
	tests := []struct {
		name    string
		a       Announcement
		wantErr string
	}{
		{name: "valid Vietnamese instance", a: Announcement{Instance: "Phòng họp số 1.2 ab12", Port: 443, Text: ok}},
		{name: "63 bytes", a: Announcement{Instance: strings.Repeat("a", 63), Port: 1, Text: ok}},
		{name: "empty instance", a: Announcement{Port: 443}, wantErr: "empty"},
		{name: "64 bytes", a: Announcement{Instance: strings.Repeat("a", 64), Port: 443}, wantErr: "more than 63"},
		{name: "leading dot", a: Announcement{Instance: ".room", Port: 443}, wantErr: "dot"},
		{name: "trailing dot", a: Announcement{Instance: "room.", Port: 443}, wantErr: "dot"},
		{name: "control character", a: Announcement{Instance: "room\n1", Port: 443}, wantErr: "control"},
		{name: "invalid UTF-8", a: Announcement{Instance: "room\xff", Port: 443}, wantErr: "UTF-8"},
		{name: "port zero", a: Announcement{Instance: "room", Port: 0}, wantErr: "out of range"},
		{name: "port too big", a: Announcement{Instance: "room", Port: 65536}, wantErr: "out of range"},
		{name: "bad txt", a: Announcement{Instance: "room", Port: 1, Text: map[string]string{"": "x"}}, wantErr: "key is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.a.validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestInstanceName(t *testing.T) {
	long := "Phòng họp Hội đồng nhân dân tỉnh Tuyên Quang, tầng 3, nhà A"
	tests := []struct {
		name          string
		label, suffix string
		want          string
	}{
		{"short", "Phòng họp A", "ab12cd34", "Phòng họp A ab12cd34"},
		{"no suffix", "Phòng họp A", "", "Phòng họp A"},
		{"empty label", "", "ab12cd34", "ab12cd34"},
		{"trims dots and spaces", " .Phòng họp A. ", "ab12cd34", "Phòng họp A ab12cd34"},
		{"long label shortened", long, "ab12cd34", "Phòng họp Hội đồng nhân dân tỉnh Tuyên Qu ab12cd34"},
		{"long suffix", "x", strings.Repeat("f", 70), strings.Repeat("f", 63)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InstanceName(tt.label, tt.suffix)
			if got != tt.want {
				t.Fatalf("got %q (%d bytes), want %q", got, len(got), tt.want)
			}
			if err := validateInstance(got); err != nil {
				t.Fatalf("got invalid instance: %v", err)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		name string
		in   string // as received from miekg/dns
		want string
	}{
		{"plain", "id=m-1", "id=m-1"},
		{"decimal escapes", `title=K\225\187\179 h\225\187\141p`, "title=Kỳ họp"},
		{"escaped specials", `a\.b\ c\"d\\e`, `a.b c"d\e`},
		{"trailing backslash kept", `abc\`, `abc\`},
		{"out of range DDD is literal", `\999`, `999`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescape(tt.in); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, s := range []string{`a\b`, `\\`, `x\123`} {
		if got := unescape(escapeTXT(s)); got != s {
			t.Errorf("txt round trip of %q: got %q", s, got)
		}
		if got := unescape(escapeLabel(s + ".x")); got != s+".x" {
			t.Errorf("label round trip of %q: got %q", s+".x", got)
		}
	}
}

func TestParseTXT(t *testing.T) {
	got := parseTXT([]string{"", `title=K\225\187\179`, "flag", "v=1", "v=2", "=x", "url=a=b"})
	want := map[string]string{"title": "Kỳ", "flag": "", "v": "1", "url": "a=b"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("got %s=%q, want %q", k, got[k], v)
		}
	}
}

func TestInterfaces(t *testing.T) {
	tests := []struct {
		name    string
		names   []string
		want    []string
		wantErr error
	}{
		{name: "loopback", names: []string{"lo"}, want: []string{"lo"}},
		{name: "duplicates dropped", names: []string{"lo", "lo"}, want: []string{"lo"}},
		{name: "unknown", names: []string{"dinh-nope0"}, wantErr: ErrUnknownInterface},
		{name: "unknown after known", names: []string{"lo", "dinh-nope1"}, wantErr: ErrUnknownInterface},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Interfaces(tt.names)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.names[len(tt.names)-1]) {
					t.Errorf("got %q, want the name in the message", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			var names []string
			for _, ifi := range got {
				names = append(names, ifi.Name)
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("got %q, want %q", names, tt.want)
			}
		})
	}

	t.Run("default set", func(t *testing.T) {
		// Only lists interfaces; nothing is sent.
		got, err := Interfaces(nil)
		if errors.Is(err, ErrNoInterfaces) {
			testenv.Skip(t, "no multicast interface with IPv4 here")
		}
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		for _, ifi := range got {
			if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 || len(ipv4Prefixes(ifi)) == 0 {
				t.Errorf("got %s flags=%v, want up, multicast, with IPv4", ifi.Name, ifi.Flags)
			}
		}
	})

	t.Run("empty list refused", func(t *testing.T) {
		if err := Browse(t.Context(), nil, func(Entry) {}); !errors.Is(err, ErrNoInterfaces) {
			t.Errorf("Browse: got %v, want %v", err, ErrNoInterfaces)
		}
		if _, err := Announce(t.Context(), Announcement{Instance: "x", Port: 1}, nil); !errors.Is(err, ErrNoInterfaces) {
			t.Errorf("Announce: got %v, want %v", err, ErrNoInterfaces)
		}
	})
}
