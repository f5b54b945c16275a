package central

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"dinh/sync/receipt"
)

// Status is what the status API returns for a receipt: no personal data,
// no dossier ID, only what a villager at a kiosk may see.
type Status struct {
	Receipt   string           `json:"receipt"`
	Procedure string           `json:"procedure,omitempty"`
	Received  time.Time        `json:"received"`
	Status    string           `json:"status"`
	History   []receipt.Update `json:"history"`
}

// Handler serves GET /api/v1/dossiers/{receipt}.
func (c *Central) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/dossiers/{receipt}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		rec, err := c.Lookup(r.PathValue("receipt"))
		// The kiosk says each in its language.
		switch {
		case errors.Is(err, ErrNotFound):
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "not found"})
			return
		case errors.Is(err, receipt.ErrCodeTypo):
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "typo"})
			return
		case errors.Is(err, receipt.ErrNotCode):
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "not a receipt code"})
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"error": "internal"})
			return
		}
		s := Status{Receipt: rec.Code, Procedure: rec.Procedure, Received: rec.Received, History: rec.History}
		if n := len(rec.History); n > 0 {
			s.Status = rec.History[n-1].Status
		}
		json.NewEncoder(w).Encode(s)
	})
	return mux
}
