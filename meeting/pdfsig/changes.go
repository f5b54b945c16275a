package pdfsig

import (
	"fmt"
	"slices"
)

// Change is what an incremental update after a signature did.
type Change int

// Kinds of later change, from harmless to not.
const (
	ChangeNone       Change = iota // nothing, or only cross-reference data
	ChangeSignature                // a later signature or document timestamp
	ChangeValidation               // validation data (DSS: certificates, CRLs, OCSP)
	ChangeForm                     // form fields filled in
	ChangeAnnotation               // annotations or form fields added, edited or removed
	ChangeContent                  // pages, content or document structure changed
)

var changeCodes = map[Change]string{
	ChangeNone: "none", ChangeSignature: "signature", ChangeValidation: "validation",
	ChangeForm: "form", ChangeAnnotation: "annotation", ChangeContent: "content",
}

// Code is the change's stable name. Words for people live in the catalogue
// (internal/i18n), under "sig.change." and the code.
func (c Change) Code() string { return changeCodes[c] }

// String returns the change's code, for logs.
func (c Change) String() string { return c.Code() }

// annotSubtypes are the annotation subtypes of ISO 32000-2, 12.5.6.
var annotSubtypes = []string{
	"Text", "Link", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine",
	"Highlight", "Underline", "Squiggly", "StrikeOut", "Caret", "Stamp", "Ink",
	"Popup", "FileAttachment", "Sound", "Movie", "Screen", "Widget",
	"PrinterMark", "TrapNet", "Watermark", "3D", "Redact", "Projection", "RichMedia",
}

// Revision is one incremental update after a signature: where it starts in
// the file and the kinds of change it made to the document before it.
type Revision struct {
	Offset  int64
	Changes []Change
}

// maxRevisions bounds the revisions reported after one signature: each is
// classified against the whole file's objects.
const maxRevisions = 64

// revisions splits what follows end into its incremental updates, each
// ending at its trailer (or cross-reference stream), and classifies each
// against the document as the previous one left it. Bytes after the last
// trailer form a revision of their own.
func revisions(of *objectFile, end int64) []Revision {
	var out []Revision
	lo := end
	for _, t := range of.roots {
		if t.off < lo || len(out) == maxRevisions-1 {
			continue // the rest, past the limit, is reported as one revision
		}
		kinds, _ := classifySpan(of, lo, t.off+1)
		out = append(out, Revision{Offset: lo, Changes: kinds})
		lo = t.off + 1
	}
	for _, o := range of.objs {
		if o.off >= lo {
			kinds, _ := classifySpan(of, lo, 1<<62)
			return append(out, Revision{Offset: lo, Changes: kinds})
		}
	}
	return out
}

// classifyChanges tells what the objects defined at or after end changed,
// compared with the document as it was signed (the objects before end).
// It returns the kinds seen and, for content changes, why.
func classifyChanges(of *objectFile, end int64) (kinds []Change, why []string) {
	return classifySpan(of, end, 1<<62)
}

// classifySpan tells what the objects defined in [end, hi) changed,
// compared with the objects before end.
func classifySpan(of *objectFile, end, hi int64) (kinds []Change, why []string) {
	old := of.state(end)
	all := of.state(hi)
	add := func(c Change, reason string) {
		if !slices.Contains(kinds, c) {
			kinds = append(kinds, c)
		}
		if c == ChangeContent && len(why) < 8 {
			why = append(why, reason)
		}
	}
	for _, off := range of.opaque {
		if off >= end && off < hi {
			add(ChangeContent, "an object stream that cannot be read")
		}
	}
	if before, ok := of.root(end); ok {
		for _, t := range of.roots {
			if t.off >= end && t.off < hi && t.ref.num != before.num {
				add(ChangeContent, "the document catalog was replaced")
			}
		}
	}
	formOnly := formObjects(old, of, end)
	for _, o := range of.objs {
		if o.off < end || o.off >= hi {
			continue
		}
		prev, existed := old[o.num]
		c, reason := classifyObject(o, prev, existed, old, all)
		if c == ChangeContent && existed && formOnly[o.num] {
			// An object only the form refers to (its fields, default
			// resources, appearances): filling the form changes these.
			c = ChangeForm
		}
		if c != ChangeNone {
			add(c, fmt.Sprintf("object %d: %s", o.num, reason))
		}
	}
	slices.Sort(kinds)
	return kinds, why
}

func classifyObject(o, prev pdfObject, existed bool, old, all map[int64]pdfObject) (Change, string) {
	d, isDict := o.val.(*dict)
	if existed && equalObj(prev.val, o.val) && (o.data == nil || string(o.data) == string(prev.data)) {
		return ChangeNone, ""
	}
	if isDict {
		switch typ := d.name("Type"); {
		case typ == "XRef" || typ == "ObjStm":
			return ChangeNone, ""
		case typ == "Sig" || typ == "DocTimeStamp":
			if existed && !isSigDict(prev.val) {
				return ChangeContent, "an object was replaced by a signature"
			}
			return ChangeSignature, ""
		case typ == "Annot" || (typ == "" && slices.Contains(annotSubtypes, d.name("Subtype")) && d.m["Rect"] != nil):
			if existed && !isAnnot(prev.val) {
				return ChangeContent, "an object was replaced by an annotation"
			}
			if d.name("FT") == "Sig" {
				return ChangeSignature, ""
			}
			if existed && isWidget(d) {
				return ChangeForm, "" // a field's value or appearance
			}
			return ChangeAnnotation, ""
		case typ == "Catalog" || typ == "Pages" || typ == "Page":
			if !existed {
				return ChangeContent, "a new " + typ + " object"
			}
		}
	}
	if !existed {
		// A new object that no changed structure refers to cannot change
		// what is shown; a structure that refers to it is judged itself.
		return ChangeNone, ""
	}
	pd, prevDict := prev.val.(*dict)
	switch {
	case isDict && prevDict && pd.name("Type") == "Page" && d.name("Type") == "Page":
		if equalObj(pd, d, "Annots") {
			return annotsChange(pd.m["Annots"], d.m["Annots"], old, all), ""
		}
		return ChangeContent, "a page was changed"
	case isDict && prevDict && pd.name("Type") == "Catalog" && d.name("Type") == "Catalog":
		if !equalObj(pd, d, "AcroForm", "DSS", "Extensions") {
			return ChangeContent, "the document catalog was changed"
		}
		if !sameAcroForm(pd.m["AcroForm"], d.m["AcroForm"]) {
			return ChangeContent, "the form dictionary was changed"
		}
		if otherFieldAdded(formFields(old, pd.m["AcroForm"]), formFields(all, d.m["AcroForm"]), all) {
			return ChangeContent, "a form field that is not a signature was added"
		}
		if equalObj(pd.m["DSS"], d.m["DSS"]) && equalObj(pd.m["AcroForm"], d.m["AcroForm"]) {
			return ChangeNone, ""
		}
		if !equalObj(pd.m["DSS"], d.m["DSS"]) {
			return ChangeValidation, ""
		}
		return ChangeSignature, ""
	case isDict && prevDict && isAcroForm(pd) && isAcroForm(d):
		if sameAcroForm(pd, d) {
			if otherFieldAdded(formFields(old, pd), formFields(all, d), all) {
				return ChangeContent, "a form field that is not a signature was added"
			}
			return ChangeSignature, ""
		}
		if equalObj(pd, d, "Fields", "SigFlags", "DR", "DA", "NeedAppearances") {
			return ChangeForm, "" // default resources or appearances for filling
		}
		return ChangeContent, "the form dictionary was changed"
	case isDict && prevDict && isAnnot(pd) && isAnnot(d):
		if isWidget(pd) && isWidget(d) {
			return ChangeForm, ""
		}
		return ChangeAnnotation, ""
	}
	if _, isArray := o.val.(array); isArray {
		if referencedAs(all, o.num, "Annots") {
			return annotsChange(prev.val, o.val, old, all), ""
		}
		if referencedAs(all, o.num, "Fields") {
			before, _ := prev.val.(array)
			if otherFieldAdded(before, o.val.(array), all) {
				return ChangeContent, "a form field that is not a signature was added"
			}
			return ChangeSignature, ""
		}
	}
	return ChangeContent, "an object of the signed document was changed"
}

// annotsChange tells a list of annotations that only gained signature
// fields (a later signature) from one whose annotations changed.
func annotsChange(before, after any, old, all map[int64]pdfObject) Change {
	b, _ := resolve(old, before)
	a, _ := resolve(all, after)
	ba, _ := b.(array)
	aa, _ := a.(array)
	had := map[int64]bool{}
	for _, x := range ba {
		if r, ok := x.(ref); ok {
			had[r.num] = true
		}
	}
	kept := 0
	for _, x := range aa {
		r, ok := x.(ref)
		if ok && had[r.num] {
			kept++
			continue
		}
		v, _ := resolve(all, x)
		if d, ok := v.(*dict); !ok || !isAnnot(d) || d.name("FT") != "Sig" {
			return ChangeAnnotation
		}
	}
	if kept != len(ba) {
		return ChangeAnnotation // some were removed
	}
	return ChangeSignature
}

// isWidget is true for a form field's widget annotation (a pop-up also has
// a /Parent, so that is no sign of a field).
func isWidget(d *dict) bool {
	return d.name("Subtype") == "Widget" || d.m["FT"] != nil
}

// formObjects returns the objects of the signed revision that only the form
// reaches: reachable from the catalog's /AcroForm, but not from its page
// tree (where annotations, widgets included, are judged as such).
func formObjects(old map[int64]pdfObject, of *objectFile, end int64) map[int64]bool {
	r, ok := of.root(end)
	if !ok {
		return nil
	}
	cat, _ := resolve(old, r)
	cd, ok := cat.(*dict)
	if !ok {
		return nil
	}
	skip := []string{"Parent", "P", "Annots"}
	pages := reach(old, cd.m["Pages"], skip)
	form := reach(old, cd.m["AcroForm"], []string{"Parent", "P"})
	for n := range form {
		if pages[n] {
			delete(form, n)
		}
	}
	return form
}

// maxReach bounds the objects visited by reach.
const maxReach = 1 << 16

// reach returns the objects reachable from v, not following the keys in skip.
func reach(state map[int64]pdfObject, v any, skip []string) map[int64]bool {
	seen := map[int64]bool{}
	stack := []any{v}
	for len(stack) > 0 && len(seen) < maxReach {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch t := x.(type) {
		case ref:
			if seen[t.num] {
				continue
			}
			seen[t.num] = true
			if o, ok := state[t.num]; ok {
				stack = append(stack, o.val)
			}
		case *dict:
			for k, w := range t.m {
				if !slices.Contains(skip, k) {
					stack = append(stack, w)
				}
			}
		case array:
			stack = append(stack, []any(t)...)
		}
	}
	return seen
}

func isSigDict(v any) bool {
	d, ok := v.(*dict)
	return ok && (d.name("Type") == "Sig" || d.name("Type") == "DocTimeStamp")
}

func isAnnot(v any) bool {
	d, ok := v.(*dict)
	return ok && (d.name("Type") == "Annot" || (d.name("Type") == "" && slices.Contains(annotSubtypes, d.name("Subtype")) && d.m["Rect"] != nil))
}

func isAcroForm(d *dict) bool {
	_, ok := d.m["Fields"]
	return ok && d.name("Type") == ""
}

// formFields returns the /Fields array of a form dictionary (inline or a
// reference) in state.
func formFields(state map[int64]pdfObject, form any) array {
	f, _ := resolve(state, form)
	d, ok := f.(*dict)
	if !ok {
		return nil
	}
	v, _ := resolve(state, d.m["Fields"])
	a, _ := v.(array)
	return a
}

// otherFieldAdded is true when after lists a field that before does not
// and that is not a signature field: signing adds signature fields, and
// nothing else may be added to a signed form.
func otherFieldAdded(before, after array, all map[int64]pdfObject) bool {
	had := map[int64]bool{}
	for _, x := range before {
		if r, ok := x.(ref); ok {
			had[r.num] = true
		}
	}
	for _, x := range after {
		r, ok := x.(ref)
		if !ok {
			return true // a field written inline is no signature field
		}
		if had[r.num] {
			continue
		}
		v, _ := resolve(all, r)
		if d, ok := v.(*dict); !ok || d.name("FT") != "Sig" {
			return true
		}
	}
	return false
}

// sameAcroForm is true when two form dictionaries (inline or references)
// differ at most in their list of fields and signature flags.
func sameAcroForm(a, b any) bool {
	if da, ok := a.(*dict); ok {
		if db, ok := b.(*dict); ok {
			return equalObj(da, db, "Fields", "SigFlags")
		}
	}
	if a == nil {
		return true // a form added later, to hold a later signature
	}
	return equalObj(a, b)
}

// referencedAs is true when some dictionary refers to object num under key.
func referencedAs(all map[int64]pdfObject, num int64, key string) bool {
	for _, o := range all {
		d, ok := o.val.(*dict)
		if !ok {
			continue
		}
		if r, ok := d.m[key].(ref); ok && r.num == num {
			return true
		}
		if af, ok := d.m["AcroForm"].(*dict); ok && key == "Fields" {
			if r, ok := af.m["Fields"].(ref); ok && r.num == num {
				return true
			}
		}
	}
	return false
}
