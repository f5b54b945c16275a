package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"dinh/assets"
	"dinh/internal/boundedfile"
)

// Error is a problem in a catalogue file, with the position of the value at
// fault. Line and Column start at 1; Column counts characters, not bytes.
// Path names the field, e.g. "procedures[3].cases[0].processingDays"; it is
// empty for a problem with the file as a whole.
type Error struct {
	Line, Column int
	Path         string
	Msg          string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("line %d, column %d: %s: %s", e.Line, e.Column, e.Path, e.Msg)
}

// Sample returns the sample catalogue bundled with Đình. Every call returns
// a new copy. It panics only if the embedded file is broken, which the tests
// of this package rule out.
func Sample() *Catalog {
	c, err := Parse(assets.SampleCatalog())
	if err != nil {
		panic("catalog: the bundled sample catalogue is broken: " + err.Error())
	}
	return c
}

// Load reads and parses the catalogue file at path.
func Load(path string) (*Catalog, error) {
	data, err := boundedfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load catalogue %s: %w", path, err)
	}
	return c, nil
}

var bom = []byte("\xef\xbb\xbf")

// Parse reads a catalogue strictly: the JSON must be well formed and valid
// against schema.json (every field known and of the right type, every
// required field present, the values within their enumerations, patterns
// and limits), no field may be given twice, and the rules the schema cannot
// express must hold (unique codes, existing replacements). The error is an
// *Error locating the first problem in the file. A leading UTF-8 byte order
// mark is accepted.
func Parse(data []byte) (*Catalog, error) {
	p := &parser{data: data, doc: data}
	if len(data) > MaxFileSize {
		return nil, &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("file is larger than %d MiB", MaxFileSize>>20)}
	}
	if bytes.HasPrefix(data, bom) {
		p.doc, p.base = data[len(bom):], len(bom)
	}
	if !utf8.Valid(p.doc) {
		off := 0
		for off < len(p.doc) {
			r, n := utf8.DecodeRune(p.doc[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, p.errAt(off, p.pathAt(off), "invalid UTF-8; save the file as UTF-8")
	}
	if !json.Valid(p.doc) {
		return nil, p.syntaxError()
	}
	w := p.newWalker()
	tree, err := w.value()
	if err != nil {
		return nil, err // cannot happen: the document is well formed
	}
	if probs := append(w.problems, schemaProblems(tree)...); len(probs) > 0 {
		return nil, p.first(probs)
	}
	var c Catalog
	if err := json.Unmarshal(p.doc, &c); err != nil {
		return nil, p.decodeError(err)
	}
	if pr := validate(&c); pr != nil {
		return nil, p.first([]problem{*pr})
	}
	return &c, nil
}

// parser holds a catalogue file while it is being parsed.
type parser struct {
	data []byte // the whole file
	doc  []byte // data without its byte order mark
	base int    // offset of doc in data
}

// errAt returns an *Error for the byte offset off in doc.
func (p *parser) errAt(off int, path, msg string) *Error {
	off = min(max(off, 0), len(p.doc)) + p.base
	line := 1 + bytes.Count(p.data[:off], []byte("\n"))
	start := bytes.LastIndexByte(p.data[:off], '\n') + 1
	if start == 0 {
		start = p.base
	}
	return &Error{Line: line, Column: 1 + utf8.RuneCount(p.data[start:off]), Path: path, Msg: msg}
}

// syntaxError locates the first syntax error of a malformed document.
func (p *parser) syntaxError() *Error {
	err := json.Unmarshal(p.doc, new(json.RawMessage))
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return p.errAt(0, "", "malformed JSON")
	}
	off := int(se.Offset) - 1 // the scanner counts the offending byte
	msg := se.Error()
	if off+1 >= len(p.doc) && strings.Contains(msg, "end of JSON input") {
		// Truncated: point just after the last thing written.
		off = len(bytes.TrimRight(p.doc, " \t\r\n"))
		msg = "unexpected end of file; the JSON is cut short"
	}
	return p.errAt(off, p.pathAt(off), msg)
}

// pathAt returns the path of the innermost value being read at offset off
// of a document that may be malformed.
func (p *parser) pathAt(off int) string {
	w := p.newWalker()
	var last string
	w.enter = func(start int) bool {
		if start > off {
			return true
		}
		last = w.path()
		return false
	}
	switch _, err := w.value(); {
	case err == nil:
		return "" // off is after the whole document
	case !errors.Is(err, errStop):
		return w.path() // stopped by the malformed token itself
	}
	return last
}

// decodeError locates an error of encoding/json on a document that
// satisfies the schema. The only one expected is a whole number written
// with a fraction or an exponent, such as 1.0 or 1e2, which JSON Schema
// counts as an integer but Go does not.
func (p *parser) decodeError(err error) *Error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return p.errAt(0, "", strings.TrimPrefix(err.Error(), "json: "))
	}
	msg := "cannot be read as " + te.Type.String()
	if te.Type.Kind() == reflect.Int {
		msg = "must be a whole number, written without a fraction or an exponent"
	}
	// The offset is where the value at fault ends; find where it starts.
	off, path, found := 0, "", false
	w := p.newWalker()
	w.leave = func(start, end int) {
		if end == int(te.Offset) && !found { // the innermost value ends first
			off, path, found = start, w.path(), true
		}
	}
	w.value()
	return p.errAt(off, path, msg)
}

// problem is a rule that the document breaks.
type problem struct {
	at    []seg  // the value at fault, or the missing field
	where where  // which position of at to report
	rank  int    // orders the problems found at the same position
	msg   string // what is wrong
}

// where says which position a problem is reported at.
type where int

const (
	atValue   where = iota // where the value starts
	atKey                  // where the key of the value starts
	atMissing              // where the object lacking the field starts; ordered by where it ends
)

// first returns the problem that comes first in the document, where a
// missing field counts at the end of its object, like a reader would
// notice it.
func (p *parser) first(probs []problem) *Error {
	root := p.locate(probs)
	best, bestOrder, bestPos := -1, 0, 0
	for i, pr := range probs {
		pos, order := root.position(pr)
		if best >= 0 {
			b := probs[best]
			if order > bestOrder || order == bestOrder && (pr.rank > b.rank || pr.rank == b.rank && pr.msg >= b.msg) {
				continue
			}
		}
		best, bestOrder, bestPos = i, order, pos
	}
	return p.errAt(bestPos, renderPath(probs[best].at), probs[best].msg)
}

// place is where a value was found in the document.
type place struct {
	found           bool
	key, start, end int // offsets of its key, its first byte and the byte after it
}

// trie holds the paths of the problems, to find their places in one pass.
type trie struct {
	place
	kids map[seg]*trie
}

// locate finds where the values the problems refer to are, and where their
// enclosing values are.
func (p *parser) locate(probs []problem) *trie {
	root := &trie{}
	for _, pr := range probs {
		t := root
		for _, s := range pr.at {
			k := t.kids[s]
			if k == nil {
				if t.kids == nil {
					t.kids = map[seg]*trie{}
				}
				k = &trie{}
				t.kids[s] = k
			}
			t = k
		}
	}
	w := p.newWalker()
	var nodes []*trie // the nodes of the values being read, nil outside the trie
	w.enter = func(start int) bool {
		n := root
		if d := len(w.stack); d > 0 {
			n = nil
			if parent := nodes[d-1]; parent != nil {
				n = parent.kids[w.stack[d-1]]
			}
		}
		if n != nil {
			n.found, n.key, n.start = true, w.keyAt, start
		}
		nodes = append(nodes, n)
		return false
	}
	w.leave = func(_, end int) {
		if n := nodes[len(nodes)-1]; n != nil {
			n.end = end
		}
		nodes = nodes[:len(nodes)-1]
	}
	w.value()
	return root
}

// position returns the offset to report pr at, and the offset that orders
// it among the other problems.
func (t *trie) position(pr problem) (pos, order int) {
	last, parent := t.place, t.place
	n := t
	for i, s := range pr.at {
		if n = n.kids[s]; n == nil || !n.found {
			break
		}
		if i < len(pr.at)-1 {
			parent = n.place
		}
		last = n.place
	}
	switch {
	case pr.where == atMissing:
		return parent.start, parent.end
	case n == nil || !n.found:
		return last.start, last.start // not found: its nearest enclosing value
	case pr.where == atKey:
		return n.key, n.key
	}
	return n.start, n.start
}

// seg is one step of a field path: an object key, or an array index when
// idx >= 0.
type seg struct {
	key string
	idx int
}

func renderPath(stack []seg) string {
	var b strings.Builder
	for _, s := range stack {
		if s.idx >= 0 {
			fmt.Fprintf(&b, "[%d]", s.idx)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

var errStop = errors.New("stop")

// walker reads a document token by token, knowing the path of every value
// and where it starts and ends. It builds the document as the jsonschema
// package takes it, noting the problems that only show in the text: a
// field given twice, and a number too large for a float64.
type walker struct {
	p        *parser
	dec      *json.Decoder
	stack    []seg
	keyAt    int       // where the key of the value being read starts, in an object
	problems []problem // found while reading

	enter func(start int) bool // called where every value starts; true stops the walk
	leave func(start, end int) // called after every value, with where it ends
}

func (p *parser) newWalker() *walker {
	dec := json.NewDecoder(bytes.NewReader(p.doc))
	dec.UseNumber()
	return &walker{p: p, dec: dec}
}

func (w *walker) path() string { return renderPath(w.stack) }

// next returns the offset where the next token starts.
func (w *walker) next() int {
	off := int(w.dec.InputOffset())
	for off < len(w.p.doc) {
		switch w.p.doc[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (w *walker) fail(off int, err error) error {
	return w.p.errAt(off, w.path(), strings.TrimPrefix(err.Error(), "json: "))
}

func (w *walker) note(where where, msg string) {
	w.problems = append(w.problems, problem{at: slices.Clone(w.stack), where: where, msg: msg})
}

// value reads one value and returns it as a map[string]any, []any,
// string, float64, bool or nil.
func (w *walker) value() (any, error) {
	start := w.next()
	if w.enter != nil && w.enter(start) {
		return nil, errStop
	}
	tok, err := w.dec.Token()
	if err != nil {
		return nil, w.fail(start, err)
	}
	var v any
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			v, err = w.object()
		} else {
			v, err = w.array()
		}
		if err != nil {
			return nil, err
		}
	case json.Number:
		f, err := strconv.ParseFloat(string(tok), 64)
		if err != nil {
			w.note(atValue, "number out of range")
			f = math.Copysign(math.MaxFloat64, f)
		}
		v = f
	default:
		v = tok
	}
	if w.leave != nil {
		w.leave(start, int(w.dec.InputOffset()))
	}
	return v, nil
}

func (w *walker) object() (map[string]any, error) {
	obj := map[string]any{}
	for w.dec.More() {
		keyAt := w.next()
		tok, err := w.dec.Token()
		if err != nil {
			return nil, w.fail(keyAt, err)
		}
		key, _ := tok.(string)
		w.stack = append(w.stack, seg{key: key, idx: -1})
		if _, dup := obj[key]; dup {
			w.note(atKey, "field given twice")
		}
		w.keyAt = keyAt
		v, err := w.value()
		if err != nil {
			return nil, err
		}
		obj[key] = v
		w.stack = w.stack[:len(w.stack)-1]
	}
	if _, err := w.dec.Token(); err != nil {
		return nil, w.fail(w.next(), err)
	}
	return obj, nil
}

func (w *walker) array() ([]any, error) {
	arr := []any{}
	for i := 0; w.dec.More(); i++ {
		w.stack = append(w.stack, seg{idx: i})
		w.keyAt = -1
		v, err := w.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
		w.stack = w.stack[:len(w.stack)-1]
	}
	if _, err := w.dec.Token(); err != nil {
		return nil, w.fail(w.next(), err)
	}
	return arr, nil
}
