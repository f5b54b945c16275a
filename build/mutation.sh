#!/bin/sh
# mutation.sh runs mutation testing (gremlins) over the packages that keep
# trust and data, one package at a time, on a clean copy of the committed
# tree, and prints each package's efficacy and mutant coverage. It is not
# part of make test: on two cores it takes about an hour.
#
#   make mutation                      # every package below
#   build/mutation.sh ./offline/vault  # one package
set -eu
export GOFLAGS="-buildvcs=false -tags=noassets" LANG="${LANG:-en_US.UTF-8}"
repo=$(cd "$(dirname "$0")/.." && pwd)
gremlins=$(go env GOPATH)/bin/gremlins
if ! "$gremlins" --version 2>/dev/null | grep -q 'v0.6.0'; then
	go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
fi
pkgs=${*:-./meeting ./meeting/pdfsig ./sync/lan ./sync/room ./sync/central ./offline/seal ./offline/vault ./offline/outbox ./offline/store}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" worktree add --detach "$work/tree" HEAD >/dev/null
trap 'git -C "$repo" worktree remove --force "$work/tree"; rm -rf "$work"' EXIT
out=$repo/build/mutation
mkdir -p "$out"
for p in $pkgs; do
	name=$(echo "$p" | sed 's|^\./||; s|/|-|g')
	echo "== $p"
	(cd "$work/tree/$p" && "$gremlins" unleash --tags noassets --workers 1 --timeout-coefficient 10 \
		--invert-logical --invert-loopctrl --remove-self-assignments \
		-o "$out/$name.json" . 2>&1 | tee "$out/$name.log" | grep -E 'LIVED|TIMED OUT|NOT VIABLE|Killed|Lived|coverage|efficacy|Mutator' || true)
done
