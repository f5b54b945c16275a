package pdfsig

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// This file pins, row by row, what the change classifier (changes.go) and
// the object reader (objects.go) tell apart: each row is a document, or
// bytes, whose outcome one slip in a comparison would change.

// baseObjects returns the objects of the document basePDF builds, with
// each of extra put in place of the object of the same number, or added.
func baseObjects(extra ...obj) []obj {
	objs := []obj{
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>"},
		{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		pageWithAnnots("4 0 R"),
		{4, "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>"},
		{5, sigDict("adbe.pkcs7.detached")},
		{6, pageStream("Nghi quyet so 01")},
	}
	for _, e := range extra {
		if i := slices.IndexFunc(objs, func(o obj) bool { return o.num == e.num }); i >= 0 {
			objs[i] = e
		} else {
			objs = append(objs, e)
		}
	}
	return objs
}

// signedThen signs the document of base objects, then appends each update
// as an incremental revision of its own.
func signedThen(tb testing.TB, base []obj, updates ...[]obj) []byte {
	tb.Helper()
	b, x := appendRevision(nil, base, 100, 0)
	b = signPDF(tb, b, rsaOpts())
	for _, u := range updates {
		b, x = appendRevision(b, u, 100, x)
	}
	return b
}

// withRoot points the last trailer of b at object num.
func withRoot(tb testing.TB, b []byte, num int) []byte {
	tb.Helper()
	i := bytes.LastIndex(b, []byte("/Root 1 0 R"))
	if i < 0 {
		tb.Fatal("no trailer to point elsewhere")
	}
	return slices.Concat(b[:i], []byte(fmt.Sprintf("/Root %d 0 R", num)), b[i+len("/Root 1 0 R"):])
}

// secondCatalog is a catalog of the signed document that its trailer does
// not point at.
var secondCatalog = obj{9, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>"}

// unreadableObjStm is an object stream in a filter the reader does not
// decode: what it defines is unknown.
func unreadableObjStm(num int) obj {
	return streamObj(num, " /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode", []byte("garbage"))
}

// bigForm returns a catalog whose form lists the signature field, the text
// field 9, then arrays of other references to objects that do not exist:
// the walk of the form's objects counts each of them, before field 9.
func bigForm(other int) obj {
	var outer []string
	for n := 0; n < other; {
		var inner []string
		for ; n < other && len(inner) < maxDictEntries; n++ {
			inner = append(inner, fmt.Sprintf("%d 0 R", 100000+n))
		}
		outer = append(outer, "["+strings.Join(inner, " ")+"]")
	}
	return obj{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 9 0 R [" + strings.Join(outer, " ") + "]] /SigFlags 3 >> >>"}
}

func textField(value string) obj {
	return obj{9, "<< /FT /Tx /T (Ghi chu) /V (" + value + ") >>"}
}

// sigWidget is a later signer's widget num for the signature dictionary v.
func sigWidget(num, v int) obj {
	return obj{num, fmt.Sprintf("<< /FT /Sig /T (Signature2) /V %d 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 /P 3 0 R >>", v)}
}

// TestEachRevisionJudgedOnItsOwn: what one update did is not blamed on
// the update before or after it.
func TestEachRevisionJudgedOnItsOwn(t *testing.T) {
	tests := []struct {
		name string
		pdf  func() []byte
		want [][]Change
	}{
		{"a note, then the trailer pointing at another catalog", func() []byte {
			b := signedThen(t, baseObjects(secondCatalog), []obj{pageWithAnnots("4 0 R 10 0 R"), annotation(10)}, nil)
			return withRoot(t, b, 9)
		}, [][]Change{{ChangeAnnotation}, {ChangeContent}}},
		{"an unreadable object stream, then a note", func() []byte {
			return signedThen(t, baseObjects(), []obj{unreadableObjStm(10)}, []obj{pageWithAnnots("4 0 R 9 0 R"), annotation(9)})
		}, [][]Change{{ChangeContent}, {ChangeAnnotation}}},
		{"an update of only its cross-reference stream, starting where the signature ends, then a note", func() []byte {
			b, _ := appendRevision(nil, baseObjects(), 9, 0)
			b = signPDF(t, b, rsaOpts())
			at := len(b)
			b = append(b, "12 0 obj\n<< /Type /XRef /Root 1 0 R /Size 13 /W [1 2 1] /Length 0 >>\nstream\n\nendstream\nendobj\n"...)
			b = fmt.Appendf(b, "startxref\n%d\n%%%%EOF\n", at)
			b, _ = appendRevision(b, []obj{pageWithAnnots("4 0 R 9 0 R"), annotation(9)}, 13, at)
			return b
		}, [][]Change{nil, {ChangeAnnotation}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.pdf(), getFixture().rsaPool)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]Change
			for _, rv := range r.Signatures[0].Revisions {
				got = append(got, rv.Changes)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("the revisions report %v, want %v", got, tt.want)
			}
		})
	}
}

// TestObjectScanEdges: the objects and trailers the scan finds where a
// keyword sits at an edge of the file or of another word.
func TestObjectScanEdges(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		objs  string // the objects' numbers, in file order
		roots string // the /Root numbers, in file order
	}{
		{"a file that ends with the obj keyword", "1 0 obj", "", ""},
		{"a word that starts with obj is no keyword", "1 0 objstm 5 endobj", "", ""},
		{"a comment holding objobject between objects", "1 0 obj\n1\nendobj\n%objobject\n2 0 obj\n2\nendobj\n", "1 2", ""},
		{"a trailer at the very start", "trailer\n<< /Root 1 0 R >>", "", "1"},
		{"a classic trailer before a cross-reference stream", "xref\ntrailer\n<< /Root 1 0 R >>\n" +
			"7 0 obj\n<< /Type /XRef /Root 9 0 R /Length 0 >>\nstream\n\nendstream\nendobj\n", "7", "1 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.file)
			of := scanObjects(b[:len(b):len(b)]) // a read past the end fails
			var objs, roots []string
			for _, o := range of.objs {
				objs = append(objs, fmt.Sprint(o.num))
			}
			for _, r := range of.roots {
				roots = append(roots, fmt.Sprint(r.ref.num))
			}
			if got := strings.Join(objs, " "); got != tt.objs {
				t.Errorf("got objects %q, want %q", got, tt.objs)
			}
			if got := strings.Join(roots, " "); got != tt.roots {
				t.Errorf("got catalogs %q, want %q", got, tt.roots)
			}
		})
	}
}

// TestObjectScanLimit: a file of more than maxObjects objects is read up
// to maxObjects exactly, the rest unread.
func TestObjectScanLimit(t *testing.T) {
	n := maxObjects - 1 // with the stream that holds them, the limit exactly
	index := strings.Repeat("1 0 ", n)
	stm := streamObj(5, fmt.Sprintf(" /Type /ObjStm /N %d /First %d /Filter /FlateDecode", n, len(index)), flate([]byte(index+"null")))
	b, _ := appendRevision(nil, []obj{stm, {7, "7"}}, 8, 0)
	of := scanObjects(b)
	if len(of.opaque) != 0 || len(of.objs) != maxObjects || slices.ContainsFunc(of.objs, func(o pdfObject) bool { return o.num == 7 }) {
		t.Fatalf("read %d objects (object 7 among them: %v, unreadable streams %v), want %d without object 7",
			len(of.objs), slices.ContainsFunc(of.objs, func(o pdfObject) bool { return o.num == 7 }), of.opaque, maxObjects)
	}
}

// TestInflationBudgetOfAFile: object streams inflate at most
// maxInflatedFile bytes together; one past that budget is unreadable.
func TestInflationBudgetOfAFile(t *testing.T) {
	stm := func(num, inner, size int) obj {
		index := fmt.Sprintf("%d 0 ", inner)
		data := index + "null" + strings.Repeat(" ", size-len(index)-len("null"))
		return streamObj(num, fmt.Sprintf(" /Type /ObjStm /N 1 /First %d /Filter /FlateDecode", len(index)), flate([]byte(data)))
	}
	if maxInflatedFile != 3*maxInflated {
		t.Fatalf("the test assumes three full streams use up the file's budget")
	}
	full := stm(10, 20, maxInflated) // each of three inflates a third of the budget
	objs := []obj{full, {11, full.body}, {12, full.body}, stm(13, 23, 64)}
	b, _ := appendRevision(nil, objs, 14, 0)
	of := scanObjects(b)
	last := int64(bytes.Index(b, []byte("13 0 obj")))
	var inner []int64
	for _, o := range of.objs {
		if o.inObjStm {
			inner = append(inner, o.num)
		}
	}
	if !slices.Equal(of.opaque, []int64{last}) || fmt.Sprint(inner) != "[20 20 20]" {
		t.Fatalf("unreadable streams at %v and objects %v read from streams; want only the fourth stream (at %d) unreadable, past the budget", of.opaque, inner, last)
	}
}

// TestStreamLengthEdges: a /Length read as a count of bytes only when it
// is a whole number that fits, and taken even when it is zero.
func TestStreamLengthEdges(t *testing.T) {
	tests := []struct {
		name, length, file string
		want, rest         string
	}{
		{"a zero length before blanks", "0", "stream\n endstream X", "", " X"},
		{"a decimal length is looked past", "1.5", "stream\n endstream X", " ", " X"},
		{"a length too large for any file is looked past", "99999999999999999999", "stream\nABC\nendstream X", "ABC", " X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf := []byte(tt.file)
			pdf = pdf[:len(pdf):len(pdf)]
			data, next := streamData(pdf, len("stream"), lexDict(t, "<< /Length "+tt.length+" >>"))
			if string(data) != tt.want || string(pdf[next:]) != tt.rest {
				t.Fatalf("the stream reads %q then %q, want %q then %q", data, pdf[next:], tt.want, tt.rest)
			}
		})
	}
}

// TestObjectStreamOffsetEdges: an index whose offset points past the
// stream is refused whole; one that points at its very end is accepted,
// and the objects before the one that cannot be read are kept.
func TestObjectStreamOffsetEdges(t *testing.T) {
	body := "7 8"
	tests := []struct {
		name string
		off  int // of the second object
		want string
	}{
		{"both objects in the stream", 2, "10 11"},
		{"the second object at the very end", len(body), "10, then an error"},
		{"the second object past the end", len(body) + 1, "an error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			index := fmt.Sprintf("10 0 11 %d ", tt.off)
			d := lexDict(t, fmt.Sprintf("<< /Type /ObjStm /N 2 /First %d >>", len(index)))
			objs, _, err := objectStream(d, []byte(index+body), 1000)
			var nums []string
			for _, o := range objs {
				nums = append(nums, fmt.Sprint(o.num))
			}
			got := strings.Join(nums, " ")
			if err != nil {
				got = strings.TrimPrefix(got+", then an error", ", then ")
			}
			if got != tt.want {
				t.Fatalf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
