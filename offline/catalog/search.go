package catalog

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"dinh/internal/fold"
)

// Hit is a procedure found by Search.
type Hit struct {
	Procedure *Procedure
	Score     float64 // higher is better; compare only within one search
	Matches   []Match // what matched, for highlighting
}

// Match is where a query matched in one field of a procedure.
type Match struct {
	Field string   // "code", "name" or "sector"
	Spans [][2]int // byte ranges [start, end) into the original, accented field text
}

// Index answers searches over a catalogue. It is built once by NewIndex and
// is then safe for concurrent use. It points into the catalogue, which must
// not change while the index is in use.
type Index struct {
	docs   []doc
	vocab  []string         // every distinct folded word of names and sectors
	ids    map[string]int32 // word → its index in vocab
	sorted []int32          // vocab indexes in the order of their words, for prefixes
	byLen  [][]int32        // byLen[n]: vocab indexes of the words of n bytes, for typos
	post   [][]int32        // post[id]: the docs whose name or sector holds the word, ascending
}

type doc struct {
	p        *Procedure
	code     string // lower case
	name     field
	sector   field
	replaced bool
}

// field is a folded name or sector and its words.
type field struct {
	folded
	words []docWord
}

type docWord struct {
	id       int32 // index in Index.vocab
	from, to int32 // byte range in the folded text
}

// NewIndex builds the search index of c.
func NewIndex(c *Catalog) *Index {
	ix := &Index{ids: map[string]int32{}}
	ix.docs = make([]doc, len(c.Procedures))
	for i := range c.Procedures {
		p := &c.Procedures[i]
		d := &ix.docs[i]
		*d = doc{p: p, code: strings.ToLower(p.Code), replaced: p.Status == StatusReplaced}
		d.name = ix.field(p.Name, int32(i))
		d.sector = ix.field(p.Sector, int32(i))
	}
	ix.sorted = make([]int32, len(ix.vocab))
	for i := range ix.sorted {
		ix.sorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(ix.vocab[a], ix.vocab[b]) })
	for id, w := range ix.vocab {
		for len(ix.byLen) <= len(w) {
			ix.byLen = append(ix.byLen, nil)
		}
		ix.byLen[len(w)] = append(ix.byLen[len(w)], int32(id))
	}
	return ix
}

func (ix *Index) field(s string, docID int32) field {
	f := field{folded: foldMapped(s)}
	for _, w := range words(f.text) {
		text := f.text[w.from:w.to]
		id, ok := ix.ids[text]
		if !ok {
			id = int32(len(ix.vocab))
			ix.ids[text] = id
			ix.vocab = append(ix.vocab, text)
			ix.post = append(ix.post, nil)
		}
		if p := ix.post[id]; len(p) == 0 || p[len(p)-1] != docID {
			ix.post[id] = append(p, docID)
		}
		f.words = append(f.words, docWord{id, int32(w.from), int32(w.to)})
	}
	return f
}

// How a query word matched a word of the catalogue; higher is better.
const (
	noMatch uint8 = iota
	fuzzy         // one typo away
	prefix        // the last query word begins the word
	exact
)

// Scores. A search ranks an exact code first, then procedures whose name
// holds every query word (exactly, then with the last one as a prefix, then
// with typos), then those found partly through their sector. Each tier
// adds a bonus below 100 for how well the name is covered and in order.
// A replaced procedure scores half, so it sinks below the procedures in
// force that match as well. A code match beats every word match.
const (
	scoreCodeExact  = 1000
	scoreCodePrefix = 800
	tierExact       = 600
	tierPrefix      = 400
	tierFuzzy       = 200
	tierSector      = 100
)

const (
	maxQueryWords = 16
	minFuzzyLen   = 4 // letters a query word needs before a typo is forgiven
)

// query is a search being answered.
type query struct {
	ix    *Index
	words []string
	kinds [][]uint8 // kinds[i][id]: how query word i matches vocab word id
	code  string    // the query as a code, or ""

	chain, from []int32 // scratch space of align
}

// Search returns the procedures matching query, best first, at most limit of
// them (all when limit <= 0). Every query word must match the name or the
// sector, ignoring case and diacritics; a word of 4 letters or more may
// have one typo, and the last word may be the beginning of a word. A query
// that is a code, or the beginning of one, finds procedures by code.
func (ix *Index) Search(query string, limit int) []Hit {
	q := ix.parse(query)
	if q == nil {
		return nil
	}
	type scored struct {
		doc   int32
		score float64
	}
	var found []scored
	scores := map[int32]float64{}
	if q.code != "" {
		for i := range ix.docs {
			if s := q.codeScore(&ix.docs[i]); s > 0 {
				scores[int32(i)] = s
			}
		}
	}
	for _, d := range q.candidates() {
		s, _ := q.score(&ix.docs[d])
		if ix.docs[d].replaced {
			s /= 2
		}
		if s > scores[d] {
			scores[d] = s
		}
	}
	for d, s := range scores {
		found = append(found, scored{d, s})
	}
	slices.SortFunc(found, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(ix.docs[a.doc].p.Code, ix.docs[b.doc].p.Code), cmp.Compare(a.doc, b.doc))
	})
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	hits := make([]Hit, len(found))
	for i, f := range found {
		d := &ix.docs[f.doc]
		hits[i] = Hit{Procedure: d.p, Score: f.score, Matches: q.matches(d)}
	}
	return hits
}

// parse splits and folds the query and finds, for each of its words, the
// catalogue words it matches. It returns nil for an empty query.
func (ix *Index) parse(s string) *query {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	q := &query{ix: ix}
	if !strings.ContainsAny(s, " \t\r\n") && strings.ContainsAny(s, "0123456789") {
		q.code = strings.ToLower(s)
	}
	f := fold.String(s)
	ws := words(f)
	if len(ws) > maxQueryWords {
		ws = ws[:maxQueryWords]
	}
	for i, w := range ws {
		t := f[w.from:w.to]
		last := i == len(ws)-1
		k := make([]uint8, len(ix.vocab))
		if id, ok := ix.ids[t]; ok {
			k[id] = exact
		}
		if last {
			from := sort.Search(len(ix.sorted), func(j int) bool { return ix.vocab[ix.sorted[j]] >= t })
			for _, id := range ix.sorted[from:] {
				if !strings.HasPrefix(ix.vocab[id], t) {
					break
				}
				k[id] = max(k[id], prefix)
			}
		}
		if utf8.RuneCountInString(t) >= minFuzzyLen {
			for n := len(t) - 1; n <= len(t)+1 && n < len(ix.byLen); n++ {
				for _, id := range ix.byLen[n] {
					if k[id] == noMatch && withinOne(ix.vocab[id], t) {
						k[id] = fuzzy
					}
				}
			}
		}
		q.words = append(q.words, t)
		q.kinds = append(q.kinds, k)
	}
	if len(q.words) == 0 && q.code == "" {
		return nil
	}
	return q
}

// candidates returns the docs holding a match for the query word with the
// fewest matches: every hit found by words is among them.
func (q *query) candidates() []int32 {
	if len(q.words) == 0 {
		return nil
	}
	best, bestN := -1, 0
	for i, k := range q.kinds {
		n := 0
		for id, kind := range k {
			if kind != noMatch {
				n += len(q.ix.post[id])
			}
		}
		if best < 0 || n < bestN {
			best, bestN = i, n
		}
	}
	if bestN == 0 {
		return nil
	}
	seen := make([]bool, len(q.ix.docs))
	var out []int32
	for id, kind := range q.kinds[best] {
		if kind == noMatch {
			continue
		}
		for _, d := range q.ix.post[id] {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// codeScore rates d's code against the query; a replaced procedure loses
// 100, which keeps its exact code above every match by name.
func (q *query) codeScore(d *doc) float64 {
	var s float64
	switch {
	case d.code == q.code:
		s = scoreCodeExact
	case strings.HasPrefix(d.code, q.code):
		s = scoreCodePrefix + 99*float64(len(q.code))/float64(len(d.code))
	default:
		return 0
	}
	if d.replaced {
		s -= 100
	}
	return s
}

// alignment is how the query words matched one field: for each word, its
// best kind of match and the position (index in the field's words) chosen
// for it, or -1.
type alignment struct {
	kind [maxQueryWords]uint8
	pos  [maxQueryWords]int
}

// align finds each query word's best kind of match in f and, among the
// words matching that well, chooses positions that put the most query
// words right after one another, so "dang ky thuong" highlights "đăng ký
// thường" rather than an earlier "đăng ký".
func (q *query) align(f *field) (a alignment, adjacent int) {
	n, m := len(q.words), len(f.words)
	for i := range n {
		a.pos[i] = -1
		for _, w := range f.words {
			a.kind[i] = max(a.kind[i], q.kinds[i][w.id])
		}
	}
	if m == 0 {
		return a, 0
	}
	// chain[i*m+j]: most adjacencies in a choice for words ..i of the
	// current run of matched words that puts word i at position j; -1 when
	// word i cannot be at j. from[i*m+j]: the position chosen for word i-1.
	q.chain = slices.Grow(q.chain[:0], n*m)[:n*m]
	q.from = slices.Grow(q.from[:0], n*m)[:n*m]
	chain, from := q.chain, q.from
	for i := range n {
		bestPrev, bestPrevAt := int32(-1), int32(-1)
		if i > 0 && a.kind[i-1] != noMatch {
			for j := range m {
				if c := chain[(i-1)*m+j]; c > bestPrev {
					bestPrev, bestPrevAt = c, int32(j)
				}
			}
		}
		for j, w := range f.words {
			at := i*m + j
			if a.kind[i] == noMatch || q.kinds[i][w.id] != a.kind[i] {
				chain[at], from[at] = -1, -1
				continue
			}
			c, back := max(bestPrev, 0), bestPrevAt
			if j > 0 && bestPrev >= 0 {
				if p := chain[(i-1)*m+j-1]; p >= 0 && p+1 > c {
					c, back = p+1, int32(j-1)
				}
			}
			chain[at], from[at] = c, back
		}
	}
	for i := n - 1; i >= 0; i-- {
		if a.kind[i] == noMatch || a.pos[i] >= 0 {
			continue
		}
		// The end of a run of matched words: take its best position and
		// follow the choices back.
		best, bestAt := int32(-1), -1
		for j := range m {
			if c := chain[i*m+j]; c > best {
				best, bestAt = c, j
			}
		}
		adjacent += int(best)
		for k, j := i, bestAt; k >= 0 && j >= 0 && a.kind[k] != noMatch; k-- {
			a.pos[k] = j
			j = int(from[k*m+j])
		}
	}
	return a, adjacent
}

// fields decides where each query word matched in d: all in the name when
// the name holds them all, else all in the sector when it holds them all,
// else each in the name if it can and in the sector otherwise. inName[i]
// tells which; ok is false when a word matches neither.
func (q *query) fields(d *doc) (name, sector alignment, adjacent int, inName [maxQueryWords]bool, ok bool) {
	n := len(q.words)
	name, adjacent = q.align(&d.name)
	all := func(a *alignment) bool { return !slices.Contains(a.kind[:n], noMatch) }
	if all(&name) {
		for i := range n {
			inName[i] = true
		}
		return name, sector, adjacent, inName, true
	}
	sector, _ = q.align(&d.sector)
	if all(&sector) {
		return name, sector, adjacent, inName, true
	}
	for i := range n {
		switch {
		case name.kind[i] != noMatch:
			inName[i] = true
		case sector.kind[i] == noMatch:
			return name, sector, adjacent, inName, false
		}
	}
	return name, sector, adjacent, inName, true
}

// score rates d against the query words; ok is false when a word matches
// neither the name nor the sector.
func (q *query) score(d *doc) (score float64, ok bool) {
	n := len(q.words)
	if n == 0 {
		return 0, false
	}
	name, sector, adjacent, inName, ok := q.fields(d)
	if !ok {
		return 0, false
	}
	allName, worst := true, exact
	exacts, weighted, covered := 0, 0, 0
	for i := range n {
		if !inName[i] {
			allName = false
			weighted += int(sector.kind[i])
			continue
		}
		k := name.kind[i]
		weighted += 2 * int(k)
		worst = min(worst, k)
		if k == exact {
			exacts++
		}
		if !slices.Contains(name.pos[:i], name.pos[i]) {
			covered++
		}
	}
	if !allName {
		return tierSector + 90*float64(weighted)/float64(6*n), true
	}
	tier := float64(tierFuzzy)
	switch worst {
	case exact:
		tier = tierExact
	case prefix:
		tier = tierPrefix
	}
	order := 1.0
	if n > 1 {
		order = float64(adjacent) / float64(n-1)
	}
	bonus := 40*float64(covered)/float64(len(d.name.words)) + 25*order + 20*float64(exacts)/float64(n)
	if exacts == n && adjacent == n-1 && n == len(d.name.words) {
		bonus += 10 // the whole name
	}
	return tier + bonus, true
}

// matches returns the spans to highlight in d's fields.
func (q *query) matches(d *doc) []Match {
	var out []Match
	if q.code != "" && strings.HasPrefix(d.code, q.code) {
		out = append(out, Match{Field: "code", Spans: [][2]int{{0, len(q.code)}}})
	}
	if len(q.words) == 0 {
		return out
	}
	name, sector, _, inName, ok := q.fields(d)
	if !ok {
		return out // found by code only
	}
	var ns, ss [][2]int
	for i, t := range q.words {
		if inName[i] {
			ns = append(ns, q.span(&d.name, name.kind[i], name.pos[i], len(t)))
		} else {
			ss = append(ss, q.span(&d.sector, sector.kind[i], sector.pos[i], len(t)))
		}
	}
	if ns = merge(d.p.Name, ns); len(ns) > 0 {
		out = append(out, Match{Field: "name", Spans: ns})
	}
	if ss = merge(d.p.Sector, ss); len(ss) > 0 {
		out = append(out, Match{Field: "sector", Spans: ss})
	}
	return out
}

// span returns the original byte range of a matched word; for a prefix
// match, only of the part typed.
func (q *query) span(f *field, kind uint8, pos, typed int) [2]int {
	w := f.words[pos]
	to := int(w.to)
	if kind == prefix {
		to = min(int(w.from)+typed, to)
	}
	return f.span(int(w.from), to)
}

// merge sorts spans, drops repeats and joins spans separated only by
// spaces, so "khai sinh" is highlighted as one run.
func merge(text string, spans [][2]int) [][2]int {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s[0] <= last[1] || strings.TrimSpace(text[last[1]:s[0]]) == "" {
			last[1] = max(last[1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}
