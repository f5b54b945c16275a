// Package logfile gives a long-running service its log: every record in
// DATA/logs/ROLE.log, and on the terminal only the errors, or everything
// when the administrator asks for it. Syncthing's chatter would otherwise
// bury what the administrator must see.
package logfile

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// Open returns the logger of role, which keeps its data in data, and the
// function that closes its file. A log folder that cannot be made leaves
// the terminal as the only log.
func Open(data, role string, term io.Writer, verbose bool) (*slog.Logger, func()) {
	level := slog.LevelError
	if verbose {
		level = slog.LevelInfo
	}
	handlers := []slog.Handler{slog.NewTextHandler(term, &slog.HandlerOptions{Level: level})}
	closeLog := func() {}
	dir := filepath.Join(data, "logs")
	if err := os.MkdirAll(dir, 0o700); err == nil {
		if f, err := os.OpenFile(filepath.Join(dir, role+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			handlers = append(handlers, slog.NewTextHandler(f, nil))
			closeLog = func() { f.Close() }
		}
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closeLog
}
