package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"dinh/assets"
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
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
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

// Parse reads a catalogue strictly: the JSON must be well formed, every
// field known and of the right type, no field repeated, every required
// field present, and the values valid (enumerations, dates, unique codes,
// references, limits). The error is an *Error locating the first problem.
// A leading UTF-8 byte order mark is accepted.
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
	w := p.newWalker(false)
	if err := w.walkValue(reflect.TypeFor[Catalog]()); err != nil {
		return nil, err
	}
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(p.doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		// The walk above refuses everything the decoder could; this is a
		// safety net.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, p.errAt(int(te.Offset), te.Field, "must be "+describeType(te.Type))
		}
		return nil, p.errAt(0, "", strings.TrimPrefix(err.Error(), "json: "))
	}
	if pr := validate(&c); pr != nil {
		return nil, p.errAt(p.locate(pr.path), pr.path, pr.msg)
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
	w := p.newWalker(true)
	var last string
	w.visit = func(start int) bool {
		if start > off {
			return true
		}
		last = w.path()
		return false
	}
	switch err := w.walkValue(nil); {
	case err == nil:
		return "" // off is after the whole document
	case !errors.Is(err, errStop):
		return w.path() // stopped by the malformed token itself
	}
	return last
}

// locate returns the offset of the value at path in a well-formed
// document, or of its nearest enclosing value when it is missing.
func (p *parser) locate(path string) int {
	target := splitPath(path)
	w := p.newWalker(true)
	best, bestLen := 0, -1
	w.visit = func(start int) bool {
		if len(w.stack) > len(target) || len(w.stack) <= bestLen {
			return false
		}
		for i, s := range w.stack {
			if s != target[i] {
				return false
			}
		}
		best, bestLen = start, len(w.stack)
		return bestLen == len(target)
	}
	w.walkValue(nil)
	return best
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

// splitPath is the inverse of renderPath for the paths validate produces.
func splitPath(path string) []seg {
	var out []seg
	for _, part := range strings.Split(path, ".") {
		if part == "" {
			continue
		}
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			out = append(out, seg{key: key, idx: -1})
		}
		for rest != "" {
			n, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(n)
			if err != nil {
				break
			}
			out = append(out, seg{idx: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

var errStop = errors.New("stop")

// walker reads a document token by token, following the Go types of the
// catalogue to check field names and JSON types while it knows where each
// value starts. A lenient walker checks nothing and only tracks the path.
type walker struct {
	p       *parser
	dec     *json.Decoder
	stack   []seg
	lenient bool
	visit   func(start int) bool // called at the start of every value; true stops the walk
}

func (p *parser) newWalker(lenient bool) *walker {
	dec := json.NewDecoder(bytes.NewReader(p.doc))
	dec.UseNumber()
	return &walker{p: p, dec: dec, lenient: lenient}
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

func (w *walker) fail(off int, format string, args ...any) error {
	return w.p.errAt(off, w.path(), fmt.Sprintf(format, args...))
}

// walkValue reads one value, which should be of type t (nil: any type).
func (w *walker) walkValue(t reflect.Type) error {
	start := w.next()
	if w.visit != nil && w.visit(start) {
		return errStop
	}
	tok, err := w.dec.Token()
	if err != nil {
		return w.fail(start, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if w.lenient {
		t = nil
	}
	if t != nil && !fits(t, tok) {
		return w.fail(start, "must be %s, not %s", describeType(t), describeToken(tok))
	}
	switch tok {
	case json.Delim('{'):
		return w.walkObject(t, start)
	case json.Delim('['):
		return w.walkArray(t)
	}
	if n, ok := tok.(json.Number); ok && t != nil {
		switch t.Kind() {
		case reflect.Int:
			if _, err := strconv.ParseInt(string(n), 10, strconv.IntSize); err != nil {
				if strings.ContainsAny(string(n), ".eE") {
					return w.fail(start, "must be a whole number")
				}
				return w.fail(start, "number out of range")
			}
		case reflect.Float64:
			if _, err := strconv.ParseFloat(string(n), 64); err != nil {
				return w.fail(start, "number out of range")
			}
		}
	}
	return nil
}

func (w *walker) walkObject(t reflect.Type, start int) error {
	var info *structInfo
	if t != nil {
		info = infoOf(t)
	}
	var seen []string
	for w.dec.More() {
		keyStart := w.next()
		tok, err := w.dec.Token()
		if err != nil {
			return w.fail(keyStart, "%s", strings.TrimPrefix(err.Error(), "json: "))
		}
		key, _ := tok.(string)
		w.stack = append(w.stack, seg{key: key, idx: -1})
		var ft reflect.Type
		if info != nil {
			f, ok := info.fields[key]
			if !ok {
				if hint := info.closest(key); hint != "" {
					return w.fail(keyStart, "unknown field; did you mean %q?", hint)
				}
				return w.fail(keyStart, "unknown field")
			}
			for _, s := range seen {
				if s == key {
					return w.fail(keyStart, "field given twice")
				}
			}
			seen = append(seen, key)
			ft = f
		}
		if err := w.walkValue(ft); err != nil {
			return err
		}
		w.stack = w.stack[:len(w.stack)-1]
	}
	if _, err := w.dec.Token(); err != nil {
		return w.fail(w.next(), "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if info != nil {
	required:
		for _, r := range info.required {
			for _, s := range seen {
				if s == r {
					continue required
				}
			}
			w.stack = append(w.stack, seg{key: r, idx: -1})
			return w.fail(start, "required field is missing")
		}
	}
	return nil
}

func (w *walker) walkArray(t reflect.Type) error {
	var et reflect.Type
	limit := maxItems
	if t != nil {
		et = t.Elem()
		if et == reflect.TypeFor[Procedure]() {
			limit = MaxProcedures
		}
	}
	for i := 0; w.dec.More(); i++ {
		w.stack = append(w.stack, seg{idx: i})
		if t != nil && i >= limit {
			return w.fail(w.next(), "too many items (at most %d)", limit)
		}
		if err := w.walkValue(et); err != nil {
			return err
		}
		w.stack = w.stack[:len(w.stack)-1]
	}
	if _, err := w.dec.Token(); err != nil {
		return w.fail(w.next(), "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// maxItems bounds every list but the procedures.
const maxItems = 500

// fits reports whether tok can start a value of type t.
func fits(t reflect.Type, tok json.Token) bool {
	switch tok.(type) {
	case json.Delim:
		return (tok == json.Delim('{') && t.Kind() == reflect.Struct) ||
			(tok == json.Delim('[') && t.Kind() == reflect.Slice)
	case string:
		return t.Kind() == reflect.String
	case bool:
		return t.Kind() == reflect.Bool
	case json.Number:
		return t.Kind() == reflect.Int || t.Kind() == reflect.Float64
	}
	return false // null is refused everywhere
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	}
	return t.String()
}

func describeToken(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case bool:
		return "true or false"
	case json.Number:
		return "a number"
	}
	return "null"
}

// required lists the fields that must be present in each object. The
// tests check it against schema.json.
var required = map[reflect.Type][]string{
	reflect.TypeFor[Catalog]():   {"format", "version", "updated", "procedures"},
	reflect.TypeFor[Procedure](): {"code", "name", "sector", "level", "agency", "cases", "result", "status", "updated"},
	reflect.TypeFor[Case]():      {"name", "fee", "processingDays", "channels"},
	reflect.TypeFor[Paper]():     {"name"},
	reflect.TypeFor[Step]():      {"title"},
	reflect.TypeFor[Form]():      {"name", "file"},
	reflect.TypeFor[Channel]():   {"kind"},
}

type structInfo struct {
	fields   map[string]reflect.Type // JSON name → Go type
	names    []string                // the JSON names, in the order of the Go fields
	required []string
}

// closest returns a known field at most one typo from an unknown key, for
// a hint, or "".
func (s *structInfo) closest(key string) string {
	k := strings.ToLower(key)
	for _, name := range s.names {
		if n := strings.ToLower(name); n == k || withinOne(n, k) {
			return name
		}
	}
	return ""
}

var infos sync.Map // reflect.Type → *structInfo

func infoOf(t reflect.Type) *structInfo {
	if v, ok := infos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{fields: map[string]reflect.Type{}, required: required[t]}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		info.fields[name] = f.Type
		info.names = append(info.names, name)
	}
	infos.Store(t, info)
	return info
}
