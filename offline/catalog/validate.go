package catalog

import "fmt"

// validate checks, on a catalogue valid against schema.json, the rules that
// relate procedures to one another, which JSON Schema cannot express: every
// code is unique, and every replacedBy names another procedure of the
// catalogue. It returns the first problem in document order, or nil.
func validate(c *Catalog) *problem {
	first := make(map[string]int, len(c.Procedures))
	for i := len(c.Procedures) - 1; i >= 0; i-- {
		first[c.Procedures[i].Code] = i
	}
	at := func(i int, field string) []seg {
		return []seg{{key: "procedures", idx: -1}, {idx: i}, {key: field, idx: -1}}
	}
	for i := range c.Procedures {
		p := &c.Procedures[i]
		if j := first[p.Code]; j != i {
			return &problem{at: at(i, "code"), msg: fmt.Sprintf("code %q is used twice (also by procedures[%d])", p.Code, j)}
		}
		if p.Status != StatusReplaced {
			continue
		}
		switch j, ok := first[p.ReplacedBy]; {
		case !ok:
			return &problem{at: at(i, "replacedBy"), msg: fmt.Sprintf("no procedure has code %q", p.ReplacedBy)}
		case j == i:
			return &problem{at: at(i, "replacedBy"), msg: "a procedure cannot replace itself"}
		}
	}
	return nil
}
