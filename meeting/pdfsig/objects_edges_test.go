package pdfsig

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"
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
		{"nothing after the keyword", "0", "stream", "", ""},
		{"a CR that ends the data", "0", "stream\r", "", ""},
		{"a CR alone before the data", "3", "stream\rABC endstream X", "ABC", " X"},
		{"a space after the keyword is data", "4", "stream ABC endstream X", " ABC", " X"},
		{"an empty stream with a wrong length", "5", "stream\nendstream X", "", " X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := []byte(tt.file)
			pdf = pdf[:len(pdf):len(pdf)] // a read past the end fails
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
		{"an offset that is a name", "1", "6", "10 /B  1", "error", 1000},
		{"an object number that is a name", "1", "5", "/A 0 1", "error", 1000},
		{"a decimal object number", "1", "6", "1.5 0 1", "error", 1000},
		{"a count that is a name", "/A", "6", "10 0 1", "error", 1000},
		{"a first that is a name", "1", "/A", "10 0 1", "error", 1000},
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

// TestSignerWritesWhatReadersRead: the signer's names, text strings and
// dates read back as written, at the edges of what each writes plainly
// and what it escapes or encodes.
func TestSignerWritesWhatReadersRead(t *testing.T) {
	if w := serialize(name("Adobe.PPKLite")); w != "/Adobe.PPKLite" {
		t.Errorf("a plain name is written %s", w)
	}
	// -00'00' would say "offset unknown" to readers that follow RFC 3339.
	if w := pdfDate(time.Date(2026, 12, 3, 8, 4, 5, 0, time.UTC)); w != "D:20261203080405+00'00'" {
		t.Errorf("a time in UTC is written %s", w)
	}
	for _, s := range []string{"Sig", "A B", "a#b", "!", "~", "\x7f", "\x1f", "Hà Nội", "(x)/[y]"} {
		w := serialize(name(s))
		v, err := (&lexer{b: []byte(w)}).object(0)
		if got, ok := v.(name); err != nil || !ok || string(got) != s {
			t.Errorf("name %q written %s reads back as %q (%v)", s, w, v, err)
		}
		if strings.ContainsAny(w[1:], " ()<>[]{}/%\x7f\x1f") {
			t.Errorf("name %q written %s holds a delimiter or a control byte", s, w)
		}
	}
	for _, s := range []string{"Phê duyệt", `A(b)\c`, " ", "~", "\x7f", "\x1f", ""} {
		w := pdfText(s)
		v, err := (&lexer{b: []byte(w)}).object(0)
		var got string
		switch x := v.(type) {
		case litString:
			got = decodeText(x)
		case hexString:
			got = decodeText(x.data)
		}
		if err != nil || got != s {
			t.Errorf("text %q written %s reads back as %q (%v)", s, w, got, err)
		}
		if ascii := !strings.ContainsFunc(s, func(r rune) bool { return r < 32 || r > 126 }); ascii != strings.HasPrefix(w, "(") {
			t.Errorf("text %q written %s: plain ASCII is written as a literal, the rest as UTF-16", s, w)
		}
	}
	for _, zone := range []*time.Location{time.UTC, time.FixedZone("ICT", 7*3600), time.FixedZone("", -(5*3600 + 30*60)), time.FixedZone("", 45*60)} {
		at := time.Date(2026, 12, 3, 8, 4, 5, 0, zone)
		w := pdfDate(at)
		back, err := ParseDate(w)
		_, off := back.Zone()
		_, want := at.Zone()
		if err != nil || !back.Equal(at) || off != want {
			t.Errorf("%v written %s reads back as %v (%v)", at, w, back, err)
		}
	}
}

// TestSignFileWithoutFinalNewline: a file that ends without a newline
// gets one before the signature's update, so that the update's first
// object is found where it starts.
func TestSignFileWithoutFinalNewline(t *testing.T) {
	f := getFixture()
	base := unsignedPDF()
	base = base[:len(base)-1] // "%%EOF" without its newline
	s := Signer{Key: f.rsa.signerKey, Cert: f.rsa.signer, Chain: []*x509.Certificate{f.rsa.inter}, Time: testNow}
	out, err := s.Sign(base)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out[len(base):], []byte("\n")) {
		t.Fatalf("the update starts with %q", out[len(base):len(base)+10])
	}
	r, err := Verify(out, f.rsaPool)
	if err != nil || len(r.Signatures) != 1 || r.Signatures[0].Verdict != Valid {
		t.Fatalf("got %+v, %v; want one valid signature", r.Signatures, err)
	}
	// With its final newline, the update starts right after it.
	base = unsignedPDF()
	if out, err = s.Sign(base); err != nil {
		t.Fatal(err)
	}
	if out[len(base)] == '\n' {
		t.Fatalf("the update starts with a blank line: %q", out[len(base)-6:len(base)+10])
	}
}

// TestEqualObj: what counts as the same value when an update writes an
// object again: dictionaries in any key order, numbers as readers hold
// them (single precision), strings whether literal or hex.
func TestEqualObj(t *testing.T) {
	lex := func(s string) any {
		v, err := (&lexer{b: []byte(s)}).object(0)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return v
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"1", "1", true},
		{"1", "1.0", true},
		{"595.27563", "595.27566", true},
		{"595.2", "595.3", false},
		{"1", "/One", false},
		{"(ab)", "<6162>", true},
		{"(ab)", "(ac)", false},
		{"(ab)", "/ab", false},
		{"<< /A 1 /B [1 2] >>", "<< /B [1 2] /A 1 >>", true},
		{"<< /A 1 >>", "<< /A 1 /B 2 >>", false},
		{"[1 2]", "[1 2 3]", false},
		{"/A", "/A", true},
		{"/A", "/B", false},
		// A number too large for a reader's single precision is not
		// infinity written out.
		{"1e39", "+Inf", false},
		{"+Inf", "1e39", false},
		{"1e39", "2e39", false},
		{"+Inf", "+Infinity", true},
	}
	for _, tt := range tests {
		if got := equalObj(lex(tt.a), lex(tt.b)); got != tt.want {
			t.Errorf("%s and %s: equal %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	// A number that does not parse is equal to nothing but itself.
	if equalObj(number("1.2.3"), number("1.2.4")) || !equalObj(number("1.2.3"), number("1.2.3")) {
		t.Error("malformed numbers compared wrongly")
	}
}

// TestSignerNeedsKeyAndCertificate: a signer without its key or without
// its certificate signs nothing; the signer's name, when given, is written
// for readers.
func TestSignerNeedsKeyAndCertificate(t *testing.T) {
	f := getFixture()
	for _, s := range []Signer{{Cert: f.rsa.signer, Time: testNow}, {Key: f.rsa.signerKey, Time: testNow}} {
		if _, err := s.Sign(unsignedPDF()); err == nil {
			t.Errorf("a signer with key %v and certificate %v signed", s.Key != nil, s.Cert != nil)
		}
	}
	s := Signer{Key: f.rsa.signerKey, Cert: f.rsa.signer, Chain: []*x509.Certificate{f.rsa.inter}, Name: "Nguyễn Văn Minh", Time: testNow}
	out, err := s.Sign(unsignedPDF())
	if err != nil {
		t.Fatal(err)
	}
	fields, err := Parse(out)
	if err != nil || len(fields) != 1 || fields[0].Name != "Nguyễn Văn Minh" {
		t.Fatalf("got %+v, %v; want the signer's name", fields, err)
	}
}
