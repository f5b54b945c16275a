package pdfsig

import (
	"fmt"
	"strings"
	"testing"
)

// lexDict reads a dictionary written in PDF syntax.
func lexDict(t *testing.T, s string) *dict {
	t.Helper()
	d, err := (&lexer{b: []byte(s)}).dict(0)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return d
}

// TestObjectHeader reads "num gen obj" back from the keyword, as the
// object scan does for every "obj" in a file.
func TestObjectHeader(t *testing.T) {
	tests := []struct {
		in    string
		num   int64
		start int
		ok    bool
	}{
		{"1 0 obj", 1, 0, true},
		{"\n12 0 obj", 12, 1, true},
		{"[7 0 obj", 7, 1, true},
		{"1  0\n obj", 1, 0, true},
		{"1234567890 0 obj", 1234567890, 0, true},
		{"12345678901 0 obj", 0, 0, false}, // no object number has 11 digits
		{"x1 0 obj", 0, 0, false},
		{"0 obj", 0, 0, false},
		{"1 0obj", 0, 0, false},
		{" obj", 0, 0, false},
	}
	for _, tt := range tests {
		kw := strings.LastIndex(tt.in, "obj")
		num, start, ok := objHeader([]byte(tt.in), kw)
		if ok != tt.ok || ok && (num != tt.num || start != tt.start) {
			t.Errorf("%q: got %d at %d, %v; want %d at %d, %v", tt.in, num, start, ok, tt.num, tt.start, tt.ok)
		}
	}
}

// TestStreamData finds a stream's bytes by its /Length when that is right,
// and by its "endstream" when it is not.
func TestStreamData(t *testing.T) {
	tests := []struct {
		name, length, file string
		want, rest         string
	}{
		{"CRLF and a right length", "3", "stream\r\nABC\r\nendstream X", "ABC", " X"},
		{"LF and a right length", "3", "stream\nABC endstream X", "ABC", " X"},
		{"a length one short", "2", "stream\nABC\nendstream X", "ABC", " X"},
		{"a length past the file", "99", "stream\nABC\nendstream X", "ABC", " X"},
		{"a negative length", "-1", "stream\nABC\nendstream X", "ABC", " X"},
		{"a length of the rest exactly", "4", "stream\nABCD", "ABCD", ""},
		{"no endstream", "9", "stream\nABCD", "ABCD", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := []byte(tt.file)
			data, next := streamData(pdf, len("stream"), lexDict(t, "<< /Length "+tt.length+" >>"))
			if string(data) != tt.want || string(pdf[next:]) != tt.rest {
				t.Fatalf("got %q then %q, want %q then %q", data, pdf[next:], tt.want, tt.rest)
			}
		})
	}
}

// TestDecodeStream: the filters a signature's objects use, each refusal,
// and the size limit exactly.
func TestDecodeStream(t *testing.T) {
	plain := strings.Repeat("Nghị quyết ", 50)
	z := string(flate([]byte(plain)))
	tests := []struct {
		name, dict, data string
		limit            int
		want             string // or "error"
	}{
		{"no filter", "<< >>", "abc", 3, "abc"},
		{"no filter, over the limit", "<< >>", "abcd", 3, "error"},
		{"flate", "<< /Filter /FlateDecode >>", z, len(plain), plain},
		{"flate in an array", "<< /Filter [/FlateDecode] >>", z, len(plain), plain},
		{"flate one byte over the limit", "<< /Filter /FlateDecode >>", z, len(plain) - 1, "error"},
		{"predictor 1 is none", "<< /Filter /FlateDecode /DecodeParms << /Predictor 1 >> >>", z, len(plain), plain},
		{"a PNG predictor", "<< /Filter /FlateDecode /DecodeParms << /Predictor 12 >> >>", z, len(plain), "error"},
		{"two filters", "<< /Filter [/ASCIIHexDecode /FlateDecode] >>", z, len(plain), "error"},
		{"another filter", "<< /Filter /LZWDecode >>", z, len(plain), "error"},
		{"a filter that is a number", "<< /Filter 1 >>", z, len(plain), "error"},
		{"a filter array holding a number", "<< /Filter [/FlateDecode 1] >>", z, len(plain), "error"},
		{"not zlib", "<< /Filter /FlateDecode >>", "not zlib at all", 100, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := decodeStream(lexDict(t, tt.dict), []byte(tt.data), tt.limit)
			got := string(out)
			if err != nil {
				got = "error"
			}
			if got != tt.want {
				t.Fatalf("got %.40q (%v), want %.40q", got, err, tt.want)
			}
		})
	}
}

// TestObjectStream reads an /ObjStm's index and objects, and refuses each
// way its header or index can be wrong.
func TestObjectStream(t *testing.T) {
	body := "<< /A 1 >> [2 3]"
	index := fmt.Sprintf("10 0 11 %d ", strings.Index(body, "["))
	good := index + body
	tests := []struct {
		name   string
		n      string
		first  string
		data   string
		want   string // the objects' numbers, or "error"
		budget int
	}{
		{"two objects", "2", fmt.Sprint(len(index)), good, "10 11", 1000},
		{"no objects", "0", "0", "", "", 1000},
		{"first at the very end", "0", fmt.Sprint(len(good)), good, "", 1000},
		{"first past the end", "2", fmt.Sprint(len(good) + 1), good, "error", 1000},
		{"a negative count", "-1", fmt.Sprint(len(index)), good, "error", 1000},
		{"a negative first", "2", "-1", good, "error", 1000},
		{"more objects than bytes", fmt.Sprint(len(good) + 1), fmt.Sprint(len(index)), good, "error", 1000},
		{"more objects than the index holds", "3", fmt.Sprint(len(index)), good, "error", 1000},
		{"an offset past the end", "1", "8", "10 999 " + " 1", "error", 1000},
		{"a negative offset", "1", "7", "10 -1  1", "error", 1000},
		{"an index of names", "1", "6", "/A /B  1", "error", 1000},
		{"an object that cannot be read", "1", "5", "10 0 )", "error", 1000},
		{"over the budget", "2", fmt.Sprint(len(index)), good, "error", len(good) - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := lexDict(t, "<< /Type /ObjStm /N "+tt.n+" /First "+tt.first+" >>")
			objs, _, err := objectStream(d, []byte(tt.data), tt.budget)
			var nums []string
			for _, o := range objs {
				nums = append(nums, fmt.Sprint(o.num))
			}
			got := strings.Join(nums, " ")
			if err != nil {
				got = "error"
			}
			if got != tt.want {
				t.Fatalf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
