// Package i18n translates Đình's user-facing text, for the app and for
// dinhd alike: the one catalogue of words. Vietnamese is the default
// language and English the second. Messages live in assets/i18n as flat JSON
// maps named <area>.<lang>.json; every area of one language is merged.
//
// Fyne's own lang package follows the operating system's locale, but a
// volunteer's laptop is often set to English while its user reads
// Vietnamese, so the language here is chosen by the app, not by the system.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/dustin/go-humanize"

	"dinh/assets"
)

// Languages lists the supported languages, default first.
var Languages = []string{"vi", "en"}

var (
	mu       sync.RWMutex
	current  = "vi"
	messages map[string]map[string]string // lang → key → text
)

func load() map[string]map[string]string {
	out := map[string]map[string]string{}
	entries, err := fs.ReadDir(assets.FS, "i18n")
	if err != nil {
		panic("i18n: " + err.Error())
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(name, ".json"), ".")
		lang := parts[len(parts)-1]
		b, err := assets.FS.ReadFile(path.Join("i18n", name))
		if err != nil {
			panic("i18n: " + err.Error())
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		for k, v := range m {
			out[lang][k] = v
		}
	}
	return out
}

func table() map[string]map[string]string {
	mu.RLock()
	m := messages
	mu.RUnlock()
	if m != nil {
		return m
	}
	mu.Lock()
	defer mu.Unlock()
	if messages == nil {
		messages = load()
	}
	return messages
}

// SetLanguage switches the language; unknown languages fall back to Vietnamese.
func SetLanguage(lang string) {
	ok := false
	for _, l := range Languages {
		ok = ok || l == lang
	}
	if !ok {
		lang = Languages[0]
	}
	mu.Lock()
	current = lang
	mu.Unlock()
}

// Language reports the current language.
func Language() string {
	mu.RLock()
	defer mu.RUnlock()
	return current
}

// T returns the message for key in the current language, falling back to
// Vietnamese, then to the key itself so a missing message is visible but
// never fatal. Args, when given, are applied with fmt.Sprintf.
func T(key string, args ...any) string {
	return In(Language(), key, args...)
}

// In returns the message for key in lang, as T does for the current
// language: for a command that takes the language as a flag.
func In(lang, key string, args ...any) string {
	t := table()
	msg, ok := t[lang][key]
	if !ok {
		msg, ok = t[Languages[0]][key]
	}
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Missing lists keys present in one language but not the other, for tests.
func Missing() []string {
	t := table()
	var out []string
	for _, a := range Languages {
		for _, b := range Languages {
			if a == b {
				continue
			}
			for k := range t[a] {
				if _, ok := t[b][k]; !ok {
					out = append(out, b+": "+k)
				}
			}
		}
	}
	return out
}

// Bytes writes a size as people read it, in the current language: SI units
// with one decimal below ten ("1,5 MB" in Vietnamese, "1.5 MB" in English).
func Bytes(n int64) string { return BytesIn(Language(), n) }

// BytesIn writes a size in lang, as Bytes does.
func BytesIn(lang string, n int64) string {
	s := humanize.Bytes(uint64(max(n, 0)))
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Table returns every message whose key starts with prefix, in lang (or in
// Vietnamese where lang lacks one), keyed by the rest of the key.
func Table(lang, prefix string) map[string]string {
	t := table()
	out := map[string]string{}
	for _, l := range []string{Languages[0], lang} {
		for k, v := range t[l] {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				out[rest] = v
			}
		}
	}
	return out
}

// Word names a domain code for a person, in lang: the message for
// prefix+code ("outbox.state." + "sealed"), or the code itself when the
// catalogue has none, so a code from a newer peer still shows.
func Word(lang, prefix, code string) string {
	t := table()
	for _, l := range []string{lang, Languages[0]} {
		if msg, ok := t[l][prefix+code]; ok {
			return msg
		}
	}
	return code
}

// FromLocale is the language of the locale environment (LC_ALL, then
// LC_MESSAGES, then LANG): English when the first one set is, else
// Vietnamese.
func FromLocale() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(l, "en") {
				return "en"
			}
			return "vi"
		}
	}
	return "vi"
}
