#!/bin/sh
# freeze.sh wrote the frozen store files beside it, once, each with the code
# of the commit that introduced its schema. They are never written again:
# a newer Đình must open what an older one wrote, and only files written by
# the older code itself prove that. Run it only to add the file of a new
# schema (append its commit below), never to replace an existing file.
#
#   sh offline/store/storetest/testdata/freeze.sh        # from the repository root
set -eu
repo=$(pwd)
out=$repo/offline/store/storetest/testdata
# schema version, commit that first wrote it
for pair in "2 8754637" "3 875c5b3" "4 08afac9" "5 d4df20f"; do
	v=${pair% *}
	commit=${pair#* }
	if [ -e "$out/schema-v$v.db" ]; then
		echo "schema-v$v.db exists: frozen, not rewritten"
		continue
	fi
	tree=$(mktemp -d)
	git worktree add --detach "$tree" "$commit" >/dev/null
	mkdir -p "$tree/cmd/freeze"
	{
		cat <<'GO'
package main

import (
	"fmt"
	"os"

	"dinh/offline/store"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	s, err := store.Open(os.Args[1])
	must(err)
	_, err = s.HostKey()
	must(err)
	must(s.SetPin("ky-hop-5", "SHA256:fixture-fingerprint"))
	must(s.Complete("ky-hop-5", []byte("package of ky-hop-5")))
	must(s.SetPending("ky-hop-6", []byte("pending package of ky-hop-6")))
	must(s.SetPublished("ky-hop-7", []byte("published package of ky-hop-7")))
	must(s.SetChanges("ky-hop-5", []byte(`{"changed":1}`)))
GO
		[ "$v" -ge 3 ] && cat <<'GO'
	must(s.UpdateOutboxEntry("HS-0001", func([]byte) ([]byte, error) { return []byte(`{"id":"HS-0001","state":"draft"}`), nil }))
GO
		[ "$v" -ge 4 ] && cat <<'GO'
	must(s.PutDraft("HS-0001", []byte("encrypted draft of HS-0001")))
GO
		[ "$v" -ge 5 ] && cat <<'GO'
	_, err = s.AddIngested("HS-0009", "DH-1234-5678", []byte(`{"id":"HS-0009"}`))
	must(err)
	must(s.PutDevice("DEVICE-1", []byte(`{"name":"thôn Đông"}`)))
GO
		echo '	must(s.Close())'
		echo '}'
	} > "$tree/cmd/freeze/main.go"
	dir=$(mktemp -d)
	(cd "$tree" && GOFLAGS=-buildvcs=false go run ./cmd/freeze "$dir")
	cp "$dir/$(cd "$dir" && ls *.db)" "$out/schema-v$v.db"
	git worktree remove --force "$tree"
	rm -rf "$dir"
	echo "schema-v$v.db written by $commit"
done
