package pdfsig

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"
)

// Hard limits: a hostile file must not exhaust memory or time.
const (
	MaxFileSize    = 512 << 20 // bytes of PDF accepted by Parse and Verify
	MaxSignatures  = 64        // signature dictionaries examined per file
	maxContentsHex = 8 << 20   // hex digits of one /Contents value
	hexSpaces      = 4096      // and the white space between them
	maxDictDepth   = 16        // nesting of dictionaries and arrays
	maxDictEntries = 256       // entries of one dictionary or array
	maxStringLen   = 64 << 10  // bytes of one literal string
	// bytes searched before /ByteRange for "<<": PDFBox writes the whole
	// /Contents value before /ByteRange
	maxBackScan     = maxContentsHex + 64<<10
	maxDictAttempts = 4 // candidate "<<" tried per /ByteRange
	maxOccurrences  = 4 * MaxSignatures
)

// Field is one signature dictionary found in a PDF.
type Field struct {
	Offset    int64    // offset of the dictionary's "<<"
	ByteRange [4]int64 // a b c d: signed bytes are [a, a+b) and [c, c+d)
	Contents  []byte   // decoded /Contents (CMS DER, usually zero-padded)
	// ContentsStart and ContentsEnd delimit the /Contents hex string,
	// "<" included and ">" included (End is one past ">").
	ContentsStart, ContentsEnd int64

	Type, Filter, SubFilter string
	Name, Reason, Location  string
	ContactInfo             string
	M                       string    // raw /M date string
	SigningTime             time.Time // /M parsed, zero when absent or malformed

	// Problem is set when the dictionary is malformed or its byte range is
	// wrong; such a signature can only be Invalid.
	Problem error

	// reference is the raw /Reference value: signature references, where a
	// certification signature names its DocMDP transform.
	reference any
}

// End returns the offset one past the last signed byte.
func (f Field) End() int64 { return f.ByteRange[2] + f.ByteRange[3] }

var errTooLarge = errors.New("pdf exceeds the size limit")

// Parse finds the signature dictionaries of pdf. It never panics on
// malformed input; a dictionary it cannot read becomes a Field with Problem
// set. It fails only when pdf is over MaxFileSize.
func Parse(pdf []byte) ([]Field, error) {
	if len(pdf) > MaxFileSize {
		return nil, fmt.Errorf("parse: %w (%d bytes)", errTooLarge, len(pdf))
	}
	var fields []Field
	byRange := map[[4]int64]int{} // byte range -> index in fields
	key := []byte("/ByteRange")
	for pos, n := 0, 0; pos < len(pdf) && n < maxOccurrences && len(fields) < MaxSignatures; n++ {
		i := bytes.Index(pdf[pos:], key)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(key)
		// "/ByteRangeX" is another name.
		if pos < len(pdf) && isRegular(pdf[pos]) {
			continue
		}
		// Each dictionary is found once: only the occurrence that is its
		// own /ByteRange key is read as its field.
		f := fieldAt(pdf, at)
		if j, ok := byRange[f.ByteRange]; ok && f.Contents != nil && bytes.Equal(fields[j].Contents, f.Contents) {
			// The same signature written twice (an incremental update
			// copied its dictionary elsewhere, where the byte range no
			// longer matches): keep the copy whose byte range is right.
			if fields[j].Problem != nil && f.Problem == nil {
				fields[j] = f
			}
			continue
		}
		if _, ok := byRange[f.ByteRange]; !ok && f.Contents != nil {
			byRange[f.ByteRange] = len(fields)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// fieldAt parses the dictionary holding the /ByteRange key at offset at.
func fieldAt(pdf []byte, at int) Field {
	depth, tries := 0, 0
	lo := max(0, at-maxBackScan)
	var lastErr error = errors.New("no enclosing dictionary")
	for i := at - 1; i > lo && tries < maxDictAttempts; i-- {
		switch {
		case pdf[i] == '>' && pdf[i-1] == '>':
			depth++
			i--
		case pdf[i] == '>':
			// The end of a hex string, such as a /Contents value written
			// before /ByteRange: skip to its start at memory speed.
			j := bytes.LastIndexByte(pdf[lo:i], '<')
			if j < 0 {
				i = lo
				continue
			}
			i = lo + j
		case pdf[i] == '<' && pdf[i-1] == '<':
			i--
			if depth > 0 {
				depth--
				continue
			}
			tries++
			p := &lexer{b: pdf, pos: i}
			d, err := p.dict(0)
			if err != nil {
				lastErr = err
				continue
			}
			if d.keyPos["ByteRange"] != at {
				lastErr = errors.New("/ByteRange belongs to a nested dictionary")
				continue
			}
			f := fieldFromDict(pdf, d)
			f.Offset = int64(i)
			return f
		}
	}
	return Field{Offset: int64(at), Problem: fmt.Errorf("malformed signature dictionary: %w", lastErr)}
}

func fieldFromDict(pdf []byte, d *dict) Field {
	var f Field
	f.Type = d.name("Type")
	f.Filter = d.name("Filter")
	f.SubFilter = d.name("SubFilter")
	f.Name = d.text("Name")
	f.Reason = d.text("Reason")
	f.Location = d.text("Location")
	f.ContactInfo = d.text("ContactInfo")
	f.reference = d.m["Reference"]
	if m, ok := d.m["M"].(litString); ok {
		f.M = string(m)
		f.SigningTime, _ = ParseDate(f.M)
	}
	br, ok := d.m["ByteRange"].(array)
	if !ok || len(br) != 4 {
		f.Problem = errors.New("/ByteRange is not an array of four integers")
		return f
	}
	for i, v := range br {
		n, ok := v.(number)
		x, err := strconv.ParseInt(string(n), 10, 64)
		if !ok || err != nil || x < 0 || x > MaxFileSize {
			f.Problem = fmt.Errorf("/ByteRange element %d is not a non-negative integer", i)
			return f
		}
		f.ByteRange[i] = x
	}
	h, ok := d.m["Contents"].(hexString)
	if !ok {
		f.Problem = errors.New("/Contents is not a hex string")
		return f
	}
	f.Contents = h.data
	f.ContentsStart, f.ContentsEnd = int64(h.start), int64(h.end)
	a, b, c, dd := f.ByteRange[0], f.ByteRange[1], f.ByteRange[2], f.ByteRange[3]
	switch {
	case a != 0:
		f.Problem = fmt.Errorf("byte range starts at %d, want 0", a)
	case b >= c:
		f.Problem = fmt.Errorf("byte range ranges overlap (%d >= %d)", b, c)
	case b != f.ContentsStart || c != f.ContentsEnd:
		f.Problem = fmt.Errorf("byte range gap [%d, %d) does not match /Contents at [%d, %d)", b, c, f.ContentsStart, f.ContentsEnd)
	case c+dd > int64(len(pdf)):
		f.Problem = fmt.Errorf("byte range ends at %d, past the end of the file (%d)", c+dd, len(pdf))
	}
	return f
}

// ParseDate parses a PDF date string "D:YYYYMMDDHHmmSSOHH'mm'", where every
// part after the year is optional.
func ParseDate(s string) (time.Time, error) {
	orig := s
	if len(s) >= 2 && s[:2] == "D:" {
		s = s[2:]
	}
	num := func(n, def, lo, hi int) (int, error) {
		if len(s) == 0 || s[0] < '0' || s[0] > '9' {
			return def, nil
		}
		if len(s) < n {
			return 0, fmt.Errorf("bad pdf date %q", orig)
		}
		v, err := strconv.Atoi(s[:n])
		if err != nil || v < lo || v > hi {
			return 0, fmt.Errorf("bad pdf date %q", orig)
		}
		s = s[n:]
		return v, nil
	}
	var parts [6]int
	specs := [6][4]int{{4, -1, 0, 9999}, {2, 1, 1, 12}, {2, 1, 1, 31}, {2, 0, 0, 23}, {2, 0, 0, 59}, {2, 0, 0, 59}}
	for i, sp := range specs {
		v, err := num(sp[0], sp[1], sp[2], sp[3])
		if err != nil {
			return time.Time{}, err
		}
		if v < 0 {
			return time.Time{}, fmt.Errorf("bad pdf date %q", orig)
		}
		parts[i] = v
	}
	loc := time.UTC
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		sign := 1
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
		hh, err := num(2, 0, 0, 23)
		if err != nil {
			return time.Time{}, err
		}
		if len(s) > 0 && s[0] == '\'' {
			s = s[1:]
		}
		mm, err := num(2, 0, 0, 59)
		if err != nil {
			return time.Time{}, err
		}
		loc = time.FixedZone("", sign*(hh*3600+mm*60))
	}
	return time.Date(parts[0], time.Month(parts[1]), parts[2], parts[3], parts[4], parts[5], 0, loc), nil
}

// The lexer reads the few PDF object types a signature dictionary holds.

type (
	name      string
	number    string
	litString []byte
	hexString struct {
		data       []byte
		start, end int // "<" and one past ">"
	}
	array []any
	ref   struct{ num, gen int64 }
	dict  struct {
		m      map[string]any
		keyPos map[string]int // offset of each key's "/"
	}
	keyword string
)

func (d *dict) name(k string) string {
	n, _ := d.m[k].(name)
	return string(n)
}

func (d *dict) text(k string) string {
	switch s := d.m[k].(type) {
	case litString:
		return decodeText(s)
	case hexString:
		return decodeText(s.data)
	}
	return ""
}

// decodeText decodes a PDF text string: UTF-16BE with a BOM, UTF-8 with a
// BOM (PDF 2.0), else PDFDocEncoding approximated as Latin-1.
func decodeText(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		u := make([]uint16, 0, (len(b)-2)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return string(b[3:])
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

type lexer struct {
	b   []byte
	pos int
}

var errEOF = errors.New("unexpected end of data")

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

func (l *lexer) skip() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

func (l *lexer) object(depth int) (any, error) {
	if depth > maxDictDepth {
		return nil, errors.New("objects nested too deeply")
	}
	l.skip()
	if l.pos >= len(l.b) {
		return nil, errEOF
	}
	switch c := l.b[l.pos]; {
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		return l.dict(depth + 1)
	case c == '<':
		return l.hex()
	case c == '(':
		return l.literal()
	case c == '/':
		return l.name()
	case c == '[':
		return l.array(depth + 1)
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return l.numberOrRef()
	case isRegular(c):
		return keyword(l.regular()), nil
	default:
		return nil, fmt.Errorf("unexpected %q at %d", c, l.pos)
	}
}

func (l *lexer) regular() string {
	s := l.pos
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		l.pos++
	}
	return string(l.b[s:l.pos])
}

func (l *lexer) dict(depth int) (*dict, error) {
	if depth > maxDictDepth {
		return nil, errors.New("objects nested too deeply")
	}
	l.pos += 2 // "<<"
	d := &dict{m: map[string]any{}, keyPos: map[string]int{}}
	for {
		l.skip()
		if l.pos+1 >= len(l.b) {
			return nil, errEOF
		}
		if l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		if l.b[l.pos] != '/' {
			return nil, fmt.Errorf("dictionary key is not a name at %d", l.pos)
		}
		if len(d.m) >= maxDictEntries {
			return nil, errors.New("dictionary has too many entries")
		}
		kp := l.pos
		k, err := l.name()
		if err != nil {
			return nil, err
		}
		v, err := l.object(depth)
		if err != nil {
			return nil, err
		}
		if _, dup := d.m[string(k)]; !dup {
			d.m[string(k)] = v
			d.keyPos[string(k)] = kp
		}
	}
}

func (l *lexer) array(depth int) (array, error) {
	l.pos++ // "["
	var a array
	for {
		l.skip()
		if l.pos >= len(l.b) {
			return nil, errEOF
		}
		if l.b[l.pos] == ']' {
			l.pos++
			return a, nil
		}
		if len(a) >= maxDictEntries {
			return nil, errors.New("array has too many elements")
		}
		v, err := l.object(depth)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
}

func (l *lexer) name() (name, error) {
	l.pos++ // "/"
	var out []byte
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
		if len(out) > 127 {
			return "", errors.New("name too long")
		}
	}
	return name(out), nil
}

func (l *lexer) numberOrRef() (any, error) {
	n := number(l.regular())
	if _, err := strconv.ParseFloat(string(n), 64); err != nil {
		return nil, fmt.Errorf("bad number %q", n)
	}
	// "num gen R" is an indirect reference.
	save := l.pos
	if num, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		l.skip()
		if l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '9' {
			if gen, err := strconv.ParseInt(l.regular(), 10, 64); err == nil {
				l.skip()
				if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || !isRegular(l.b[l.pos+1])) {
					l.pos++
					return ref{num, gen}, nil
				}
			}
		}
	}
	l.pos = save
	return n, nil
}

func (l *lexer) hex() (hexString, error) {
	start := l.pos
	l.pos++ // "<"
	end := bytes.IndexByte(l.b[l.pos:min(len(l.b), l.pos+maxContentsHex+hexSpaces)], '>')
	if end < 0 {
		return hexString{}, errors.New("unterminated or oversized hex string")
	}
	raw := l.b[l.pos : l.pos+end]
	l.pos += end + 1
	out := make([]byte, 0, len(raw)/2+1)
	var hi byte
	half := false
	for _, c := range raw {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		case isSpace(c):
			continue
		default:
			return hexString{}, fmt.Errorf("bad hex digit %q", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return hexString{data: out, start: start, end: l.pos}, nil
}

func (l *lexer) literal() (litString, error) {
	l.pos++ // "("
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		if len(out) > maxStringLen {
			return nil, errors.New("string too long")
		}
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, errEOF
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, errEOF
}
