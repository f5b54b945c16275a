package pdfsig

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// This file is a small, forgiving reader of PDF indirect objects: enough to
// tell what an incremental update changed and to read the document security
// store. It scans for "N G obj" headers instead of trusting the
// cross-reference table, so a damaged table cannot hide an object, and it
// opens object streams (FlateDecode only).

const (
	maxObjects      = 1 << 20  // indirect objects read from one file
	maxInflated     = 32 << 20 // bytes inflated from one stream
	maxInflatedFile = 96 << 20 // bytes inflated from all streams of one file
)

// pdfObject is one definition of an indirect object.
type pdfObject struct {
	num int64
	off int64 // offset of its "N G obj", or of the object stream holding it
	val any
	// data is the raw stream data of a stream object, nil otherwise.
	data []byte
	// inObjStm is true for an object read from inside an object stream.
	inObjStm bool
}

// objectFile holds every object definition of a file in file order, and
// the problems met while reading them.
type objectFile struct {
	objs []pdfObject
	// opaque counts object streams that could not be opened: what they
	// define is unknown.
	opaque []int64 // offsets
	// trailers are the /Root references of each trailer or XRef stream.
	roots []rootRef
}

type rootRef struct {
	off int64
	ref ref
}

// scanObjects reads every indirect object of pdf.
func scanObjects(pdf []byte) *objectFile {
	of := &objectFile{}
	inflated := 0
	pos := 0
	for len(of.objs) < maxObjects {
		i := bytes.Index(pdf[pos:], []byte("obj"))
		if i < 0 {
			break
		}
		kw := pos + i
		pos = kw + 3
		if pos < len(pdf) && isRegular(pdf[pos]) {
			continue // "objstm" or another word
		}
		num, start, ok := objHeader(pdf, kw)
		if !ok {
			continue
		}
		l := &lexer{b: pdf, pos: pos}
		v, err := l.object(0)
		if err != nil {
			continue
		}
		o := pdfObject{num: num, off: int64(start), val: v}
		l.skip()
		if d, isDict := v.(*dict); isDict && bytes.HasPrefix(pdf[l.pos:], []byte("stream")) {
			data, next := streamData(pdf, l.pos+len("stream"), d)
			o.data = data
			l.pos = next
			switch d.name("Type") {
			case "ObjStm":
				objs, n, err := objectStream(d, data, maxInflatedFile-inflated)
				inflated += n
				if err != nil {
					of.opaque = append(of.opaque, int64(start))
				}
				for _, c := range objs {
					c.off = int64(start)
					of.objs = append(of.objs, c)
				}
			case "XRef":
				if r, ok := d.m["Root"].(ref); ok {
					of.roots = append(of.roots, rootRef{int64(start), r})
				}
			}
		}
		of.objs = append(of.objs, o)
		pos = max(pos, l.pos)
	}
	// Classic trailers.
	for p := 0; ; {
		i := bytes.Index(pdf[p:], []byte("trailer"))
		if i < 0 {
			break
		}
		at := p + i
		p = at + len("trailer")
		l := &lexer{b: pdf, pos: p}
		l.skip()
		if !bytes.HasPrefix(pdf[l.pos:], []byte("<<")) {
			continue
		}
		if d, err := l.dict(0); err == nil {
			if r, ok := d.m["Root"].(ref); ok {
				of.roots = append(of.roots, rootRef{int64(at), r})
			}
		}
	}
	slices.SortStableFunc(of.roots, func(a, b rootRef) int { return int(a.off - b.off) })
	return of
}

// objHeader reads "num gen" before the "obj" keyword at kw.
func objHeader(pdf []byte, kw int) (num int64, start int, ok bool) {
	i := kw - 1
	if i < 0 || !isSpace(pdf[i]) {
		return 0, 0, false
	}
	digits := func() (int64, bool) {
		for i >= 0 && isSpace(pdf[i]) {
			i--
		}
		end := i + 1
		for i >= 0 && pdf[i] >= '0' && pdf[i] <= '9' && end-i <= 10 {
			i--
		}
		if i+1 == end {
			return 0, false
		}
		n, err := strconv.ParseInt(string(pdf[i+1:end]), 10, 64)
		return n, err == nil
	}
	if _, ok := digits(); !ok {
		return 0, 0, false
	}
	num, ok = digits()
	if !ok || (i >= 0 && !isSpace(pdf[i]) && !isDelim(pdf[i])) {
		return 0, 0, false
	}
	return num, i + 1, true
}

// streamData returns the raw data of the stream whose "stream" keyword ends
// at p, and the offset after "endstream".
func streamData(pdf []byte, p int, d *dict) ([]byte, int) {
	if p < len(pdf) && pdf[p] == '\r' {
		p++
	}
	if p < len(pdf) && pdf[p] == '\n' {
		p++
	}
	if n, ok := d.m["Length"].(number); ok {
		if length, err := strconv.ParseInt(string(n), 10, 64); err == nil && length >= 0 && int64(p)+length <= int64(len(pdf)) {
			end := p + int(length)
			l := &lexer{b: pdf, pos: end}
			l.skip()
			if bytes.HasPrefix(pdf[l.pos:], []byte("endstream")) {
				return pdf[p:end], l.pos + len("endstream")
			}
		}
	}
	// An indirect or wrong /Length: look for the keyword.
	e := bytes.Index(pdf[p:], []byte("endstream"))
	if e < 0 {
		return pdf[p:], len(pdf)
	}
	data := bytes.TrimRight(pdf[p:p+e], "\r\n")
	return data, p + e + len("endstream")
}

// decodeStream returns the decoded data of a stream with no filter or
// FlateDecode without a predictor.
func decodeStream(d *dict, data []byte, limit int) ([]byte, error) {
	var filters []string
	switch f := d.m["Filter"].(type) {
	case nil:
	case name:
		filters = []string{string(f)}
	case array:
		for _, x := range f {
			n, ok := x.(name)
			if !ok {
				return nil, errors.New("filter is not a name")
			}
			filters = append(filters, string(n))
		}
	default:
		return nil, errors.New("filter is not a name")
	}
	if len(filters) == 0 {
		if len(data) > limit {
			return nil, errors.New("stream exceeds the size limit")
		}
		return data, nil
	}
	if len(filters) != 1 || filters[0] != "FlateDecode" {
		return nil, fmt.Errorf("unsupported filter %v", filters)
	}
	if p, ok := d.m["DecodeParms"].(*dict); ok {
		if pr, ok := p.m["Predictor"].(number); ok && pr != "1" {
			return nil, errors.New("flate predictors are not supported")
		}
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if len(out) > limit {
		return nil, errors.New("stream exceeds the size limit")
	}
	return out, nil
}

// objectStream reads the objects of an /ObjStm. It returns them, the
// number of bytes inflated, and an error when the stream cannot be read.
func objectStream(d *dict, data []byte, budget int) ([]pdfObject, int, error) {
	out, err := decodeStream(d, data, min(budget, maxInflated))
	if err != nil {
		return nil, 0, err
	}
	n, errN := strconv.Atoi(string(asNumber(d.m["N"])))
	first, errF := strconv.Atoi(string(asNumber(d.m["First"])))
	if errN != nil || errF != nil || n < 0 || first < 0 || first > len(out) || n > len(out) {
		return nil, len(out), errors.New("object stream header is malformed")
	}
	l := &lexer{b: out[:first]}
	type entry struct{ num, off int64 }
	entries := make([]entry, 0, n)
	for range n {
		a, err1 := l.object(0)
		b, err2 := l.object(0)
		na, ok1 := a.(number)
		nb, ok2 := b.(number)
		if err1 != nil || err2 != nil || !ok1 || !ok2 {
			return nil, len(out), errors.New("object stream index is malformed")
		}
		num, e1 := strconv.ParseInt(string(na), 10, 64)
		off, e2 := strconv.ParseInt(string(nb), 10, 64)
		if e1 != nil || e2 != nil || off < 0 || int64(first)+off > int64(len(out)) {
			return nil, len(out), errors.New("object stream index is malformed")
		}
		entries = append(entries, entry{num, off})
	}
	objs := make([]pdfObject, 0, len(entries))
	for _, e := range entries {
		l := &lexer{b: out, pos: first + int(e.off)}
		v, err := l.object(0)
		if err != nil {
			return objs, len(out), fmt.Errorf("object %d in object stream: %w", e.num, err)
		}
		objs = append(objs, pdfObject{num: e.num, val: v, inObjStm: true})
	}
	return objs, len(out), nil
}

func asNumber(v any) number {
	n, _ := v.(number)
	return n
}

// state returns the newest definition of each object among those that
// start before end.
func (of *objectFile) state(end int64) map[int64]pdfObject {
	m := map[int64]pdfObject{}
	for _, o := range of.objs {
		if o.off < end {
			m[o.num] = o
		}
	}
	return m
}

// root returns the /Root reference of the newest trailer before end.
func (of *objectFile) root(end int64) (ref, bool) {
	var r ref
	found := false
	for _, t := range of.roots {
		if t.off < end {
			r, found = t.ref, true
		}
	}
	return r, found
}

// resolve follows a reference in state; other values are returned as is.
func resolve(state map[int64]pdfObject, v any) (any, *pdfObject) {
	for range 8 {
		r, ok := v.(ref)
		if !ok {
			return v, nil
		}
		o, ok := state[r.num]
		if !ok {
			return nil, nil
		}
		if _, again := o.val.(ref); !again {
			return o.val, &o
		}
		v = o.val
	}
	return nil, nil
}

// equalObj compares two parsed PDF values, keys in any order.
func equalObj(a, b any, ignore ...string) bool {
	switch x := a.(type) {
	case *dict:
		y, ok := b.(*dict)
		if !ok {
			return false
		}
		for k, v := range x.m {
			if slices.Contains(ignore, k) {
				continue
			}
			w, ok := y.m[k]
			if !ok || !equalObj(v, w) {
				return false
			}
		}
		for k := range y.m {
			if _, ok := x.m[k]; !ok && !slices.Contains(ignore, k) {
				return false
			}
		}
		return true
	case array:
		y, ok := b.(array)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalObj(x[i], y[i]) {
				return false
			}
		}
		return true
	case number:
		y, ok := b.(number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		// Readers hold reals in single precision (ISO 32000-2, Annex C), and
		// writers such as MuPDF print them back that way (595.27563 becomes
		// 595.27566): the same float32 is the same number.
		fx, e1 := strconv.ParseFloat(string(x), 32)
		fy, e2 := strconv.ParseFloat(string(y), 32)
		return e1 == nil && e2 == nil && float32(fx) == float32(fy)
	case litString, hexString:
		return bytes.Equal(stringBytes(a), stringBytes(b)) && isString(b)
	default:
		return a == b
	}
}

func isString(v any) bool {
	switch v.(type) {
	case litString, hexString:
		return true
	}
	return false
}

func stringBytes(v any) []byte {
	switch s := v.(type) {
	case litString:
		return s
	case hexString:
		return s.data
	}
	return nil
}
