package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"dinh/offline/catalog"
)

const catalogUsage = `Usage:
  dinhd catalog search QUERY... [--file CATALOG.json] [--limit N] [--json] [--lang vi|en]
  dinhd catalog validate FILE.json [--lang vi|en]

search   finds administrative procedures by code, name or sector, ignoring
         case and diacritics and forgiving one typo per word; without --file
         it searches the bundled sample catalogue. It exits 1 when nothing
         is found.
validate checks a catalogue file and prints where the first problem is
         (line, column and field); it exits 0 only when the file is valid.
`

// errNoHits makes `dinhd catalog search` exit 1 after printing its own
// message: run exits 1 without a message on errNotAllValid.
type errNoHits struct{}

func (errNoHits) Error() string { return "no procedure found" }
func (errNoHits) Unwrap() error { return errNotAllValid{} }

func catalogCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, catalogUsage, []subcommand{
		{"search", noContext(catalogSearch)},
		{"validate", noContext(catalogValidate)},
	})
}

// catalogMessages holds the few sentences the catalog commands print.
var catalogMessages = map[string]map[string]string{
	"vi": {
		"none":   "Không tìm thấy thủ tục nào.",
		"sample": "Lưu ý: đây là dữ liệu mẫu, cần đối chiếu với dichvucong.gov.vn trước khi hướng dẫn người dân.",
		"ok":     "OK: %d thủ tục\n",
	},
	"en": {
		"none":   "No procedure found.",
		"sample": "Note: this is sample data; check it against dichvucong.gov.vn before guiding anyone.",
		"ok":     "OK: %d procedures\n",
	},
}

func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "vi", "language of the output: vi or en")
}

func checkLang(lang string) error {
	if _, ok := catalogMessages[lang]; !ok {
		return usageError{fmt.Errorf("--lang must be vi or en, not %q", lang)}
	}
	return nil
}

func catalogSearch(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("catalog search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "catalogue file (default: the bundled sample)")
	limit := fs.Int("limit", 10, "print at most N procedures")
	asJSON := fs.Bool("json", false, "print the procedures found as JSON")
	lang := langFlag(fs)
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError{err}
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	if *limit < 1 {
		return usageError{errors.New("--limit must be at least 1")}
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" {
		return usageError{errors.New("give the words to search for")}
	}
	c := catalog.Sample()
	if *file != "" {
		if c, err = catalog.Load(*file); err != nil {
			return err
		}
	}
	msg := catalogMessages[*lang]
	hits := catalog.NewIndex(c).Search(query, *limit)
	if *asJSON {
		type hit struct {
			Code   string  `json:"code"`
			Name   string  `json:"name"`
			Sector string  `json:"sector"`
			Level  string  `json:"level"`
			Score  float64 `json:"score"`
		}
		out := []hit{}
		for _, h := range hits {
			p := h.Procedure
			out = append(out, hit{p.Code, p.Name, p.Sector, string(p.Level), h.Score})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		if c.Sample {
			fmt.Fprintln(stderr, msg["sample"])
		}
		if len(hits) == 0 {
			fmt.Fprintln(stdout, msg["none"])
		}
		printHits(stdout, hits, *lang)
	}
	if len(hits) == 0 {
		return errNoHits{}
	}
	return nil
}

// printHits writes one line per procedure: code, name, sector, level, with
// what matched in [brackets].
func printHits(w io.Writer, hits []catalog.Hit, lang string) {
	codes := make([]string, len(hits))
	width := 0
	for i, h := range hits {
		codes[i] = bracket(h, "code", h.Procedure.Code)
		width = max(width, utf8.RuneCountInString(codes[i]))
	}
	for i, h := range hits {
		p := h.Procedure
		line := fmt.Sprintf("%s%s  %s · %s · %s", codes[i], strings.Repeat(" ", width-utf8.RuneCountInString(codes[i])),
			bracket(h, "name", p.Name), bracket(h, "sector", p.Sector), p.Level.Label(lang))
		if p.Status == catalog.StatusReplaced {
			line += fmt.Sprintf(" · %s → %s", p.Status.Label(lang), p.ReplacedBy)
		}
		fmt.Fprintln(w, line)
	}
}

// bracket returns text with the spans matched in field between brackets.
func bracket(h catalog.Hit, field, text string) string {
	for _, m := range h.Matches {
		if m.Field != field {
			continue
		}
		var b strings.Builder
		last := 0
		for _, s := range m.Spans {
			b.WriteString(text[last:s[0]])
			b.WriteString("[" + text[s[0]:s[1]] + "]")
			last = s[1]
		}
		b.WriteString(text[last:])
		return b.String()
	}
	return text
}

func catalogValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("catalog validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := langFlag(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError{err}
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	if len(files) != 1 {
		return usageError{errors.New("give one catalogue file")}
	}
	c, err := catalog.Load(files[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, catalogMessages[*lang]["ok"], len(c.Procedures))
	return nil
}

// parseInterspersed parses args with fs, allowing flags after positional
// arguments ("search khai sinh --limit 3"), and returns the positional
// ones. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
