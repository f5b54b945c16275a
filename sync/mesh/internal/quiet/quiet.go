// Package quiet keeps Syncthing's package logger from writing to standard
// output, where it would mix with dinhd's own output and the app's.
//
// Syncthing's lib/logger chooses its writer once, when it is initialised:
// io.Discard if LOGGER_DISCARD is set, standard output otherwise, with no
// way to change it afterwards. This package sets LOGGER_DISCARD in its own
// init, which runs first: since Go 1.21 packages are initialised in the
// order of their import paths whenever their imports allow, and
// "dinh/sync/mesh/internal/quiet" sorts before "github.com/syncthing/...".
// Nothing is lost: mesh passes every message to each node's slog.Logger
// through the logger's handlers, which do not depend on the writer.
package quiet

import "os"

func init() {
	if _, set := os.LookupEnv("LOGGER_DISCARD"); !set {
		os.Setenv("LOGGER_DISCARD", "1")
	}
}
