package catalog

// SpansIn is where the query matched in field ("code", "name" or
// "sector"): byte ranges into that field's text, or none.
func (h Hit) SpansIn(field string) [][2]int {
	for _, m := range h.Matches {
		if m.Field == field {
			return m.Spans
		}
	}
	return nil
}

// Part is a run of a field's text, matched by the query or not.
type Part struct {
	Text    string
	Matched bool
}

// Parts splits text into runs at spans (ordered, not overlapping byte
// ranges; ranges outside text or out of order are skipped), for a
// screen or a terminal to show what matched.
func Parts(text string, spans [][2]int) []Part {
	var out []Part
	at := 0
	for _, sp := range spans {
		if sp[0] < at || sp[1] > len(text) || sp[0] >= sp[1] {
			continue
		}
		if sp[0] > at {
			out = append(out, Part{Text: text[at:sp[0]]})
		}
		out = append(out, Part{Text: text[sp[0]:sp[1]], Matched: true})
		at = sp[1]
	}
	if at < len(text) {
		out = append(out, Part{Text: text[at:]})
	}
	return out
}

// HitJSON is a search hit for programs.
type HitJSON struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Sector string  `json:"sector"`
	Level  string  `json:"level"`
	Score  float64 `json:"score"`
}

// HitsJSON are the hits in the shape of HitJSON, an empty list for none.
func HitsJSON(hits []Hit) []HitJSON {
	out := []HitJSON{}
	for _, h := range hits {
		out = append(out, h.JSON())
	}
	return out
}

// JSON is the hit in the shape of HitJSON.
func (h Hit) JSON() HitJSON {
	p := h.Procedure
	return HitJSON{p.Code, p.Name, p.Sector, string(p.Level), h.Score}
}
