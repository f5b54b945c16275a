package pdfsig

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLexer reads each kind of object a signature dictionary or an object
// stream holds, at the edges of each rule of ISO 32000's syntax: escapes in
// names and strings, references against numbers, and every limit exactly
// and one past it.
func TestLexer(t *testing.T) {
	elems := func(n int) string { return "[" + strings.Repeat("1 ", n) + "]" }
	entries := func(n int) string {
		var b strings.Builder
		b.WriteString("<<")
		for i := range n {
			fmt.Fprintf(&b, "/K%d 1 ", i)
		}
		return b.String() + ">>"
	}
	tests := []struct {
		name string
		in   string
		want string // the object as %#v prints it, or "error"
	}{
		{"a name", "/Sig", `"Sig"`},
		{"a name with an escaped space", "/A#20B", `"A B"`},
		{"an escape that ends the data", "/A#2B", `"A+"`},
		{"a # without two digits after it", "/A#2", `"A#2"`},
		{"a # before what is not hex", "/A#zz", `"A#zz"`},
		{"a name of 127 bytes", "/" + strings.Repeat("n", 127), `"` + strings.Repeat("n", 127) + `"`},
		{"a name of 128 bytes", "/" + strings.Repeat("n", 128), "error"},
		{"a reference", "12 0 R", "pdfsig.ref{num:12, gen:0}"},
		{"a reference before a delimiter", "12 3 R/", "pdfsig.ref{num:12, gen:3}"},
		{"a number before a keyword that starts with R", "12 0 Rx", `"12"`},
		{"a number and a number", "12 0", `"12"`},
		{"a decimal before R is no reference", "1.5 0 R", `"1.5"`},
		{"a number before a name", "12 /A", `"12"`},
		{"a bad number", "1.2.3", "error"},
		{"hex", "<48 65>", `[]byte{0x48, 0x65}`},
		{"hex of an odd count", "<486>", `[]byte{0x48, 0x60}`},
		{"hex with a bad digit", "<4G>", "error"},
		{"hex never closed", "<48", "error"},
		{"a string with balanced brackets", "(a(b)c)", `"a(b)c"`},
		{"a string with escaped brackets", `(a\(b\)c)`, `"a(b)c"`},
		{"an octal escape of three digits", `(\101)`, `"A"`},
		{"an octal escape of one digit, 0", `(\0)`, `"\x00"`},
		{"an octal escape of one digit, 7", `(\7)`, `"\a"`},
		{"an octal escape stops after three digits", `(\0053)`, `"\x053"`},
		{"an escaped 8 is an 8", `(\8)`, `"8"`},
		{"named escapes", `(\n\r\t\b\f)`, `"\n\r\t\b\f"`},
		{"a line continued", "(a\\\r\nb\\\nc)", `"abc"`},
		{"a string never closed", "(abc", "error"},
		{"a backslash that ends the data", `(\`, "error"},
		{"a string of the longest length", "(" + strings.Repeat("x", maxStringLen) + ")", "long"},
		{"a string one byte longer", "(" + strings.Repeat("x", maxStringLen+1) + ")", "error"},
		{"a keyword", "true", `"true"`},
		{"a comment before a name", "% note\n/A", `"A"`},
		{"a dictionary keeps a key's first value", "<< /A 1 /A 2 >>", `map[A:1]`},
		{"a dictionary key that is not a name", "<< 1 2 >>", "error"},
		{"a dictionary never closed", "<< /A 1", "error"},
		{"a dictionary of the most entries", entries(maxDictEntries), "entries"},
		{"a dictionary of one more", entries(maxDictEntries + 1), "error"},
		{"an array of the most elements", elems(maxDictEntries), "elements"},
		{"an array of one more", elems(maxDictEntries + 1), "error"},
		{"an array never closed", "[1 2", "error"},
		{"arrays nested to the limit", strings.Repeat("[", maxDictDepth) + "1" + strings.Repeat("]", maxDictDepth), "nested"},
		{"arrays nested one deeper", strings.Repeat("[", maxDictDepth+1) + "1" + strings.Repeat("]", maxDictDepth+1), "error"},
		{"dictionaries nested to the limit", "<<" + strings.Repeat("/A <<", maxDictDepth-1) + strings.Repeat(">>", maxDictDepth), "nested"},
		{"dictionaries nested one deeper", "<<" + strings.Repeat("/A <<", maxDictDepth) + strings.Repeat(">>", maxDictDepth+1), "error"},
		{"a stray delimiter", ")", "error"},
		{"a comment to the end of the data", "% nothing after", "error"},
		{"a dictionary ending in one >", "<< /A 1 >", "error"},
		{"a dictionary closed by > >", "<< /A 1 > >", "error"},
		{"a reference of generation 9", "12 9 R", "pdfsig.ref{num:12, gen:9}"},
		{"empty hex", "<>", "[]byte{}"},
		{"a line continued by CR alone", "(a\\\rb)", `"ab"`},
		{"a CR continuation that ends the data", "(a\\\r", "error"},
		{"an octal escape with a 0 after the first digit", `(\100)`, `"@"`},
		{"an octal escape with a 7 after the first digit", `(\17)`, `"\x0f"`},
		{"an octal escape that ends the data", `(\1`, "error"},
		{"hex of the most digits, with the most spaces", "<" + strings.Repeat("a", maxContentsHex) + strings.Repeat(" ", hexSpaces-1) + ">", "long"},
		{"hex one space longer", "<" + strings.Repeat("a", maxContentsHex) + strings.Repeat(" ", hexSpaces) + ">", "error"},
		{"nothing", "  ", "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.in)
			// No spare capacity: a read one past the end must fail, as it
			// would at the end of a file read whole.
			l := &lexer{b: b[:len(b):len(b)]}
			v, err := l.object(0)
			got := "error"
			switch x := v.(type) {
			case name:
				got = fmt.Sprintf("%q", string(x))
			case number:
				got = fmt.Sprintf("%q", string(x))
			case keyword:
				got = fmt.Sprintf("%q", string(x))
			case litString:
				got = fmt.Sprintf("%q", string(x))
				if len(x) > 1000 {
					got = "long"
				}
			case hexString:
				got = fmt.Sprintf("%#v", x.data)
				if len(x.data) > 1000 {
					got = "long"
				}
			case ref:
				got = fmt.Sprintf("%#v", x)
			case array:
				got = "elements"
				if len(x) < maxDictEntries {
					got = "nested"
				}
			case *dict:
				if x == nil {
					break
				}
				got = fmt.Sprint(x.m)
				if len(x.m) == maxDictEntries {
					got = "entries"
				} else if _, ok := x.m["A"].(*dict); ok {
					got = "nested"
				}
			}
			if err != nil {
				got = "error"
			}
			if got != tt.want {
				t.Fatalf("%.40q: got %s (%v), want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestParseDateEdges reads PDF dates at the edges of each field.
func TestParseDateEdges(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, or "error"
	}{
		{"D:2025", "2025-01-01T00:00:00Z"},
		{"D:99991231235959Z", "9999-12-31T23:59:59Z"},
		{"D:20250102030405+07'00'", "2025-01-02T03:04:05+07:00"},
		{"D:20250102030405-05'30", "2025-01-02T03:04:05-05:30"},
		{"D:20250102030405+07", "2025-01-02T03:04:05+07:00"},
		{"20250102", "2025-01-02T00:00:00Z"},
		{"D:202501", "2025-01-01T00:00:00Z"},
		{"D:202512", "2025-12-01T00:00:00Z"},
		{"D:202513", "error"},
		{"D:202500", "error"},
		{"D:20250131", "2025-01-31T00:00:00Z"},
		{"D:20250132", "error"},
		{"D:2025010123", "2025-01-01T23:00:00Z"},
		{"D:2025010124", "error"},
		{"D:202501010059", "2025-01-01T00:59:00Z"},
		{"D:202501010060", "error"},
		{"D:20250101000060", "error"},
		{"D:20250101000000+24", "error"},
		{"D:20250101000000+07'60", "error"},
		{"D:202", "error"},
		{"D:2025011", "error"},
		{"D:", "error"},
		{"", "error"},
	}
	for _, tt := range tests {
		got := "error"
		if d, err := ParseDate(tt.in); err == nil {
			got = d.Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestDecodeText reads the three encodings of PDF text strings.
func TestDecodeText(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{[]byte{0xFE, 0xFF, 0x00, 0x56, 0x1E, 0xC7}, "Vệ"},
		{[]byte{0xFE, 0xFF, 0x00, 0x41, 0x00}, "A"}, // an odd byte at the end is dropped
		{[]byte{0xFE, 0xFF}, ""},
		{[]byte{0xEF, 0xBB, 0xBF, 'H', 0xC3, 0xA0}, "Hà"},
		{[]byte{'H', 0xE0}, "Hà"},
	}
	for _, tt := range tests {
		if got := decodeText(tt.in); got != tt.want {
			t.Errorf("% x: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// sigFile is a small file holding one signature dictionary whose
// /Contents is contents and whose /ByteRange is what br makes of the
// contents' start and end and of the file's length (every number written
// in ten digits, so that the length does not move).
func sigFile(contents string, br func(start, end, size int) string) string {
	head := "%PDF-1.7\n1 0 obj\n<< /Type /Sig /Contents "
	start, end := len(head), len(head)+len(contents)
	probe := br(start, end, 0)
	tail := " /ByteRange " + probe + " >>\nendobj\n"
	size := end + len(tail)
	return head + contents + " /ByteRange " + br(start, end, size) + " >>\nendobj\n"
}

// withReason is a right signature dictionary whose /Reason, before its
// /ByteRange, is the literal given.
func withReason(reason string) string {
	d := func(n int) string { return fmt.Sprintf("%010d", n) }
	head := "%PDF-1.7\n1 0 obj\n<< /Type /Sig /Reason " + reason + " /Contents "
	contents := "<00ff>"
	start, end := len(head), len(head)+len(contents)
	tail := func(size int) string {
		return " /ByteRange [" + d(0) + " " + d(start) + " " + d(end) + " " + d(size-end) + "] >>\nendobj\n"
	}
	size := end + len(tail(0))
	return head + contents + tail(size)
}

// copyFirst is a right signature dictionary with a copy of it (the same
// /Contents and /ByteRange) written before it, where its byte range does
// not fit.
func copyFirst() string {
	d := func(n int) string { return fmt.Sprintf("%010d", n) }
	br := func(start, end, size int) string {
		return "[" + d(0) + " " + d(start) + " " + d(end) + " " + d(size-end) + "]"
	}
	copyLen := len("<< /Type /Sig /Contents <00ff> /ByteRange " + br(0, 0, 0) + " >>\n")
	head := strings.Repeat(" ", copyLen) + "%PDF-1.7\n1 0 obj\n<< /Type /Sig /Contents "
	start, end := len(head), len(head)+len("<00ff>")
	tail := func(size int) string { return " /ByteRange " + br(start, end, size) + " >>\nendobj\n" }
	size := end + len(tail(0))
	right := head + "<00ff>" + tail(size)
	cp := "<< /Type /Sig /Contents <00ff> /ByteRange " + br(start, end, size) + " >>\n"
	return cp + right[copyLen:]
}

// TestParseFields: what Parse makes of the signature dictionaries it
// finds: a right one, each way a byte range can be wrong (each named by
// its own problem), a /ByteRange that is only the start of another name,
// one outside any dictionary, the same dictionary copied by an update, and
// more dictionaries than it examines.
func TestParseFields(t *testing.T) {
	d := func(n int) string { return fmt.Sprintf("%010d", n) }
	ok := func(start, end, size int) string {
		return "[" + d(0) + " " + d(start) + " " + d(end) + " " + d(size-end) + "]"
	}
	with := func(f func(start, end, size int) [4]string) func(int, int, int) string {
		return func(start, end, size int) string {
			v := f(start, end, size)
			return "[" + strings.Join(v[:], " ") + "]"
		}
	}
	good := sigFile("<00ff>", ok)
	var many strings.Builder
	for i := range MaxSignatures + 6 {
		many.WriteString(sigFile(fmt.Sprintf("<%04x>", i), ok))
	}
	other := sigFile("<00fe>", ok) // another signature of the same byte range
	pastEnd := sigFile("<00>", with(func(s, e, n int) [4]string { return [4]string{"0", d(s), d(e), d(n - e + 1)} }))
	nested := "(r) /A << /X 1 >> /B << /X 1 >> /C << /X 1 >> /D << /X 1 >>"
	tests := []struct {
		name    string
		pdf     string
		fields  int
		problem string // of the first field; "" for none
	}{
		{"a right dictionary", good, 1, ""},
		{"the same dictionary copied by an update", good + good, 1, ""},
		{"a copy found after another signature of the same range", good + other + good, 2, ""},
		{"four dictionaries nested before /ByteRange are not candidates", withReason(nested), 1, ""},
		{"two outside any dictionary, each reported", "/ByteRange [0 1 2 3] /ByteRange [0 1 2 3]", 2, "no enclosing dictionary"},
		{"more dictionaries than are examined", many.String(), MaxSignatures, ""},
		{"another name that starts with ByteRange", "<< /ByteRangeX [0 1 2 3] >>", 0, ""},
		{"another name before a right dictionary", "% /ByteRangeX\n" + good, 1, "does not match"},
		{"more occurrences than are examined", strings.Repeat("/ByteRangeX ", maxOccurrences) + good, 0, ""},
		{"one occurrence fewer", strings.Repeat("/ByteRangeX ", maxOccurrences-1) + good, 1, "does not match"},
		{"a lone < at the start", "</ByteRange [0 1 2 3]", 1, "no enclosing dictionary"},
		{"a lone > at the start", ">/ByteRange [0 1 2 3]", 1, "no enclosing dictionary"},
		{"a << in a string before /ByteRange", withReason("(<<)"), 1, ""},
		{"three << in a string: the fourth candidate is the dictionary", withReason("(<< << <<)"), 1, ""},
		{"four << in a string: the fifth is not tried", withReason("(<< << << <<)"), 1, "malformed signature dictionary"},
		{"a copy before the right one", copyFirst(), 1, ""},
		{"outside any dictionary", "/ByteRange [0 1 2 3]", 1, "no enclosing dictionary"},
		{"three numbers", sigFile("<00>", func(int, int, int) string { return "[0 1 2]" }), 1, "not an array of four integers"},
		{"a negative number", sigFile("<00>", func(int, int, int) string { return "[0 -1 2 3]" }), 1, "element 1 is not a non-negative integer"},
		{"a decimal", sigFile("<00>", func(int, int, int) string { return "[0 1.5 2 3]" }), 1, "element 1 is not a non-negative integer"},
		{"a name", sigFile("<00>", func(int, int, int) string { return "[0 /A 2 3]" }), 1, "element 1 is not a non-negative integer"},
		{"past the largest file", sigFile("<00>", func(int, int, int) string { return fmt.Sprintf("[0 1 2 %d]", MaxFileSize+1) }), 1, "element 3 is not a non-negative integer"},
		{"the largest file", sigFile("<00>", with(func(s, e, _ int) [4]string { return [4]string{"0", d(s), d(e), fmt.Sprint(MaxFileSize)} })), 1, "past the end of the file"},
		{"not from zero", sigFile("<00>", with(func(s, e, n int) [4]string { return [4]string{"1", d(s), d(e), d(n - e)} })), 1, "starts at 1"},
		{"ranges that overlap", sigFile("<00>", with(func(s, e, n int) [4]string { return [4]string{"0", d(e), d(e), d(n - e)} })), 1, "overlap"},
		{"a gap beside the contents", sigFile("<00>", with(func(s, e, n int) [4]string { return [4]string{"0", d(s - 1), d(e), d(n - e)} })), 1, "does not match /Contents"},
		{"one byte past the end", pastEnd, 1, fmt.Sprintf("ends at %d, past the end of the file (%d)", len(pastEnd)+1, len(pastEnd))},
		{"contents as a literal string", sigFile("(00)", ok), 1, "/Contents is not a hex string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, err := Parse([]byte(tt.pdf))
			if err != nil {
				t.Fatal(err)
			}
			if len(fields) != tt.fields {
				t.Fatalf("got %d fields, want %d", len(fields), tt.fields)
			}
			if tt.fields == 0 {
				return
			}
			p := fields[0].Problem
			switch {
			case tt.problem == "" && p != nil:
				t.Fatalf("got problem %v, want none", p)
			case tt.problem != "" && (p == nil || !strings.Contains(p.Error(), tt.problem)):
				t.Fatalf("got problem %v, want %q", p, tt.problem)
			}
		})
	}
}
