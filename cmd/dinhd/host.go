package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dinh/internal/i18n"
	"dinh/meeting"
	"dinh/meeting/demo"
	"dinh/meeting/pdfsig"
	"dinh/sync/discovery"
	"dinh/sync/room"
)

func hostCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("host", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("meeting", "", "meeting folder holding meeting.json and the PDFs")
	useDemo := fs.Bool("demo", false, "publish the built-in demo meeting")
	addr := fs.String("addr", "", "listen address HOST:PORT (default: a free port)")
	data := fs.String("data", defaultData("host"), "data folder (host key, published packages)")
	watch := fs.Duration("watch", 2*time.Second, "how often to look for edits in the meeting folder (0 disables)")
	trust := fs.String("trust", "", "folder of root certificates and CRLs to verify documents with and bundle with the meeting (default: DATA/trust)")
	var ifn ifaceFlag
	fs.Var(&ifn, "iface", "network interface for mDNS (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if (*dir == "") == !*useDemo {
		return usageError{fmt.Errorf("give either --meeting DIR or --demo")}
	}
	ifaces, st, blobs, err := openDevice(ifn, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if *trust == "" {
		*trust = room.TrustFolder(*data)
	}
	if *useDemo {
		*dir = filepath.Join(*data, "demo-meeting")
		fmt.Fprintf(stdout, "Writing the demo meeting to %s\n", *dir)
		if _, err := demo.WriteSignedFolder(*dir, filepath.Join(*data, "demo-ca"), *trust); err != nil {
			return err
		}
	}
	if _, err := meeting.LoadFolder(*dir); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h, err := room.StartHost(ctx, room.HostConfig{Store: st, Blobs: blobs, Ifaces: ifaces, Addr: *addr, Log: log, TrustDir: *trust})
	if err != nil {
		return err
	}
	defer h.Wait()
	publish := func() error {
		m, err := meeting.LoadFolder(*dir)
		if err != nil {
			return err
		}
		before := h.Manifest()
		man, err := h.PublishFolder(m, *dir)
		if err != nil {
			return err
		}
		if before != nil && before.Version == man.Version {
			return nil
		}
		fmt.Fprintf(stdout, "Published «%s», version %d: %d agenda items, %d documents, %s.\n",
			man.Meeting.Title, man.Version, len(man.Meeting.Agenda), len(man.Documents), i18n.BytesIn("en", man.TotalSize()))
		if before != nil {
			fmt.Fprintf(stdout, "  Changes: %s\n", describe(meeting.Diff(before, man)))
		}
		if len(man.Trust) > 0 {
			fmt.Fprintf(stdout, "  Trust bundle: %d files from %s\n", len(man.Trust), *trust)
		}
		for _, d := range man.Documents {
			if v, ok := pdfsig.ParseCode(d.Verdict); ok && v != pdfsig.Valid && v != pdfsig.Unsigned {
				fmt.Fprintf(stdout, "  Warning: %s: %s\n", d.Name, verdictWords("en", v))
			}
		}
		return nil
	}
	// The folder is looked at before the first publication, so that an
	// edit made while it publishes, or before the watch starts, is seen.
	stamp := folderStamp(*dir)
	if err := publish(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Serving on HTTPS port %d; announced as %s on %s.\n", h.Port(), discovery.ServiceType, names(ifaces))
	fmt.Fprintf(stdout, "Host fingerprint: %s  (delegates compare this with their screen)\n", h.Fingerprint().Short())
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	watching := make(chan struct{})
	defer func() { cancel(); <-watching }()
	go func() {
		defer close(watching)
		if *watch <= 0 {
			return
		}
		watchFolder(ctx, *dir, *watch, stamp, func() {
			if err := publish(); err != nil {
				fmt.Fprintf(stderr, "Not republished: %v\n", err)
			}
		})
	}()
	err = h.Wait()
	fmt.Fprintln(stdout, "Stopped.")
	return err
}

// watchFolder calls changed whenever a file in dir changes size or time,
// starting from stamp, the folder as last published.
func watchFolder(ctx context.Context, dir string, every time.Duration, stamp string, changed func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if s := folderStamp(dir); s != stamp {
				stamp = s
				changed()
			}
		}
	}
}

func folderStamp(dir string) string {
	entries, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			fmt.Fprintf(&b, "%s/%d/%d;", e.Name(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return b.String()
}

func names(ifaces []net.Interface) string {
	var out []string
	for _, i := range ifaces {
		out = append(out, i.Name)
	}
	return strings.Join(out, ", ")
}

func describe(c meeting.Changes) string {
	var parts []string
	add := func(label string, xs []string) {
		if len(xs) > 0 {
			parts = append(parts, label+" "+strings.Join(xs, ", "))
		}
	}
	add("added", c.Added)
	add("replaced", c.Replaced)
	add("removed", c.Removed)
	add("new items", c.ItemsAdded)
	add("items removed", c.ItemsGone)
	if c.Reordered {
		parts = append(parts, "agenda reordered")
	}
	if c.Details {
		parts = append(parts, "meeting details edited")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}
