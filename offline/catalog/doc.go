// Package catalog holds the catalogue of public administrative procedures
// (thủ tục hành chính) that volunteers of the community digital technology
// teams and public kiosks use to guide villagers: what each procedure is
// called, which papers to bring, what it costs, how long it takes, and how
// to file it online one screen at a time.
//
// The catalogue is a JSON file (format "dinh-catalog", version 1, described
// by schema.json and docs/catalog.md) modelled on Vietnam's national
// database of administrative procedures. Parse reads it strictly and
// reports the first problem with its line, column and field path, so an
// administrator can fix a hand-edited file. Sample returns the catalogue
// bundled with Đình, which is sample data to be checked against the
// national public service portal.
//
// NewIndex builds a search index over a catalogue. Search is insensitive to
// case and Vietnamese diacritics, forgives one typo per word, treats the
// last word as a prefix (search as you type), finds procedures by code,
// name or sector, and returns byte spans into the original, accented text
// for highlighting.
package catalog
