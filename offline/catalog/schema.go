package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaJSON is the JSON Schema of the format, the one source of its
// structural rules.
//
//go:embed schema.json
var schemaJSON []byte

// schemaURL names schema.json for the compiler; nothing is fetched.
const schemaURL = "https://dinh.invalid/schema/dinh-catalog-1.json"

var catalogSchema = sync.OnceValues(func() (*jsonschema.Schema, map[string]any) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		panic(fmt.Errorf("catalog: read schema.json: %w", err))
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		panic(fmt.Errorf("catalog: add schema.json: %w", err))
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		panic(fmt.Errorf("catalog: compile schema.json: %w", err))
	}
	return s, doc.(map[string]any)
})

// ruleMessages explains the patterns and formats of schema.json, by the
// name of the $defs entry that holds them. %U stands for the first
// character the pattern refuses.
var ruleMessages = map[string]string{
	"date":         "must be a date written YYYY-MM-DD",
	"code":         "must contain only letters, digits, '.', '-' and '_'",
	"notBlank":     "must not be empty",
	"lineOrEmpty":  "must not contain control character %U",
	"text":         "must not contain control character %U",
	"relativePath": `must be a relative path such as "forms/to-khai.docx", without "..", "\" or a leading "/"`,
	"httpURL":      "must be an http or https address",
}

// Ranks order the problems found at the same position: a field not
// allowed by the value of another first, then the type of a value, and
// fields required by the value of another last.
var kindRanks = map[string]int{
	"type": 1, "const": 2, "enum": 3, "required": 4, "additionalProperties": 4, "minItems": 5, "maxItems": 5,
	"minLength": 6, "maxLength": 7, "pattern": 8, "format": 9, "minimum": 10, "maximum": 10,
}

const otherRank, thenRank = 11, 20

// schemaProblems validates a document, read by walker.value, against
// schema.json and returns what is wrong in plain English.
func schemaProblems(doc any) []problem {
	s, raw := catalogSchema()
	err := s.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []problem{{msg: err.Error()}}
	}
	var out []problem
	sites := map[string]*site{} // by schema location: a file may break one rule many times
	var collect func(*jsonschema.ValidationError)
	collect = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			st := sites[e.SchemaURL]
			if st == nil {
				st = newSite(raw, e.SchemaURL)
				sites[e.SchemaURL] = st
			}
			out = append(out, explain(e, doc, st)...)
		}
		for _, c := range e.Causes {
			collect(c)
		}
	}
	collect(ve)
	return out
}

// site is what explains the keywords of one place in schema.json.
type site struct {
	loc          []string       // the JSON pointer to the place
	schema       map[string]any // the schema there
	branch, cond string         // see condition
	parent       map[string]any // the schema holding the condition
	pattern      *regexp.Regexp // the pattern there, once needed
}

func newSite(raw any, schemaURL string) *site {
	loc := schemaPointer(schemaURL)
	st := &site{loc: loc, schema: lookup(raw, loc)}
	st.branch, st.cond, st.parent = condition(raw, loc)
	return st
}

// explain turns one failed keyword into problems, one per field at fault.
func explain(e *jsonschema.ValidationError, doc any, st *site) []problem {
	at := segsOf(doc, e.InstanceLocation)
	rank := otherRank
	if kw := e.ErrorKind.KeywordPath(); len(kw) > 0 {
		if r, ok := kindRanks[kw[0]]; ok {
			rank = r
		}
	}
	branch, cond := st.branch, st.cond
	switch {
	case cond != "" && branch == "else":
		rank = 0
	case cond != "" && branch == "then":
		rank += thenRank
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		msg := "required field is missing"
		if branch == "then" && cond != "" {
			msg = "required when " + cond + enumSuffix(st.parent, k.Missing[0])
		}
		return []problem{{at: appendKey(at, k.Missing[0]), where: atMissing, rank: rank, msg: msg}}
	case *kind.AdditionalProperties:
		var known []string
		if props, ok := st.schema["properties"].(map[string]any); ok {
			known = slices.Sorted(maps.Keys(props))
		}
		out := make([]problem, 0, len(k.Properties))
		for _, name := range k.Properties {
			msg := "unknown field"
			if hint := closest(known, name); hint != "" {
				msg += fmt.Sprintf("; did you mean %q?", hint)
			}
			out = append(out, problem{at: appendKey(at, name), where: atKey, rank: rank, msg: msg})
		}
		return out
	case *kind.MaxItems:
		at = append(at, seg{idx: k.Want}) // the first item too many
		return []problem{{at: at, rank: rank, msg: fmt.Sprintf("too many items (at most %d)", k.Want)}}
	}
	msg := st.describe(e.ErrorKind, at)
	if cond != "" {
		switch short, _ := e.ErrorKind.(*kind.MinLength); {
		case branch == "else":
			msg = "only allowed when " + cond
		case short != nil && short.Want == 1:
			msg = "required when " + cond
		}
	}
	return []problem{{at: at, rank: rank, msg: msg}}
}

// describe says what a value breaking a keyword must be.
func (st *site) describe(k jsonschema.ErrorKind, at []seg) string {
	switch k := k.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, t := range k.Want {
			want[i] = typeNames[t]
		}
		if len(want) == 1 && k.Want[0] == "integer" && k.Got == "number" {
			return "must be a whole number"
		}
		return fmt.Sprintf("must be %s, not %s", strings.Join(want, " or "), typeNames[k.Got])
	case *kind.Const:
		got, gotNum := k.Got.(float64)
		if renderPath(at) == "version" && gotNum {
			return fmt.Sprintf("unsupported version %s; this program reads version %d",
				strconv.FormatFloat(got+0, 'f', -1, 64), FormatVersion) // +0 turns -0 into 0
		}
		return "must be " + literal(k.Want)
	case *kind.Enum:
		return "must be " + choice(k.Want)
	case *kind.MinItems:
		if k.Want == 1 {
			return "must list at least one " + singular(at)
		}
		return fmt.Sprintf("must list at least %d items", k.Want)
	case *kind.MinLength:
		if k.Want == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("too short (at least %d characters)", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("too long (at most %d characters)", k.Want)
	case *kind.Minimum:
		return "must be >= " + k.Want.RatString()
	case *kind.Maximum:
		return "must be at most " + k.Want.RatString()
	case *kind.Pattern, *kind.Format:
		name := ""
		if len(st.loc) >= 2 && st.loc[0] == "$defs" {
			name = st.loc[1]
		}
		msg, ok := ruleMessages[name]
		if !ok {
			break // TestSchemaMessages rules this out
		}
		if p, isPattern := k.(*kind.Pattern); isPattern && strings.Contains(msg, "%U") {
			return fmt.Sprintf(msg, st.refused(p.Want, p.Got))
		}
		return msg
	case *kind.FalseSchema:
		return "not allowed here"
	}
	return k.LocalizedString(message.NewPrinter(language.English))
}

var typeNames = map[string]string{
	"object": "an object", "array": "an array", "string": "a string", "boolean": "true or false",
	"number": "a number", "integer": "a whole number", "null": "null",
}

// refused returns the first character of s that pattern, which lists the
// characters allowed, refuses on its own.
func (st *site) refused(pattern, s string) rune {
	if st.pattern == nil {
		st.pattern = regexp.MustCompile(pattern) // the schema compiled it already
	}
	for _, r := range s {
		if !st.pattern.MatchString(string(r)) {
			return r
		}
	}
	return utf8.RuneError
}

// condition finds, for a keyword inside the "then" or "else" of a schema
// whose "if" tests one property against a constant, which branch it is
// in, the condition in words, such as `kind is "online"`, and that schema.
func condition(raw any, loc []string) (branch, cond string, parent map[string]any) {
	i := slices.IndexFunc(loc, func(s string) bool { return s == "then" || s == "else" })
	if i < 0 {
		return "", "", nil
	}
	parent = lookup(raw, loc[:i])
	ifs, _ := parent["if"].(map[string]any)
	props, _ := ifs["properties"].(map[string]any)
	if len(ifs) != 1 || len(props) != 1 {
		return loc[i], "", parent
	}
	for name, s := range props {
		s, _ := s.(map[string]any)
		if want, ok := s["const"]; ok && len(s) == 1 {
			cond = name + " is " + literal(want)
		}
	}
	return loc[i], cond, parent
}

// enumSuffix lists the values allowed for a property of schema, if it has
// an enumeration.
func enumSuffix(schema map[string]any, name string) string {
	props, _ := schema["properties"].(map[string]any)
	prop, _ := props[name].(map[string]any)
	if values, ok := prop["enum"].([]any); ok {
		return ": " + strings.TrimPrefix(choice(values), "one of ")
	}
	return ""
}

// schemaPointer returns the JSON pointer in the fragment of a schema
// location, split into its tokens.
func schemaPointer(loc string) []string {
	_, frag, _ := strings.Cut(loc, "#")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	var out []string
	for _, t := range strings.Split(frag, "/")[1:] {
		out = append(out, pointerUnescaper.Replace(t))
	}
	return out
}

var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// lookup returns the object at a pointer in the schema, or nil.
func lookup(raw any, ptr []string) map[string]any {
	for _, t := range ptr {
		m, _ := raw.(map[string]any)
		raw = m[t]
	}
	m, _ := raw.(map[string]any)
	return m
}

// segsOf turns an instance location into a path, telling array indices
// from keys by the document.
func segsOf(doc any, loc []string) []seg {
	out := make([]seg, 0, len(loc)+1)
	for _, t := range loc {
		switch v := doc.(type) {
		case []any:
			i, _ := strconv.Atoi(t)
			out = append(out, seg{idx: i})
			doc = nil
			if i >= 0 && i < len(v) {
				doc = v[i]
			}
		case map[string]any:
			out, doc = append(out, seg{key: t, idx: -1}), v[t]
		default:
			out, doc = append(out, seg{key: t, idx: -1}), nil
		}
	}
	return out
}

func appendKey(at []seg, key string) []seg {
	return append(slices.Clip(at), seg{key: key, idx: -1})
}

// literal writes a value of the schema as it would appear in JSON.
func literal(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// choice writes `"a"`, `"a" or "b"`, or `one of "a", "b", "c"`.
func choice(values []any) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = literal(v)
	}
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " or " + s[1]
	}
	return "one of " + strings.Join(s, ", ")
}

// singular names one item of the list at path, e.g. "case" for "cases".
func singular(at []seg) string {
	if n := len(at); n > 0 && at[n-1].idx < 0 && strings.HasSuffix(at[n-1].key, "s") {
		return strings.TrimSuffix(at[n-1].key, "s")
	}
	return "item"
}

// closest returns a known field at most one typo from an unknown key, for
// a hint, or "".
func closest(known []string, key string) string {
	k := strings.ToLower(key)
	for _, name := range known {
		if n := strings.ToLower(name); n == k || withinOne(n, k) {
			return name
		}
	}
	return ""
}
