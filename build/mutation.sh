#!/bin/sh
# mutation.sh runs mutation testing (gremlins v0.6.0) over the packages
# that keep trust and data, one package at a time, on a clean worktree of
# HEAD, and prints each package's test efficacy and mutant coverage. The
# JSON reports, coverage profiles and logs go to build/mutation/, and
# build/mutreport prints the summary for TESTING.md. It is not part of make test:
# on two cores it takes hours. Tests that need minutes per run are left
# out of the mutants' runs of pdfsig and central (see the case below).
#
#   make mutation                      # every package below
#   build/mutation.sh ./offline/vault  # one package
#   MUTATION_EXCLUDE='^(changes|parse)\.go$' build/mutation.sh ./meeting/pdfsig
#                                      # some of its files
set -eu
export LANG="${LANG:-en_US.UTF-8}"
repo=$(cd "$(dirname "$0")/.." && pwd)
gremlins=$(go env GOPATH)/bin/gremlins
if ! "$gremlins" --version 2>/dev/null | grep -q 'v0.6.0'; then
	GOFLAGS=-buildvcs=false go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
fi
pkgs=${*:-./offline/store ./offline/outbox ./offline/vault ./offline/seal ./meeting ./sync/lan ./sync/room ./meeting/pdfsig ./sync/central}
tree=$(mktemp -d)
git -C "$repo" worktree add --detach "$tree" HEAD >/dev/null
trap 'git -C "$repo" worktree remove --force "$tree"' EXIT
out=$repo/build/mutation
mkdir -p "$out"
for p in $pkgs; do
	name=$(echo "$p" | sed 's|^\./||; s|/|-|g')
	# Tests that need minutes per run are left out of the mutants' runs
	# (each mutant runs the package's tests); TESTING.md lists them.
	case $p in
	./meeting/pdfsig)
		# The corpus signed by other tools is built once for every run.
		export DINH_PDFSIG_CORPUS="$out/pdfsig-corpus"
		if [ ! -e "$DINH_PDFSIG_CORPUS/.complete" ]; then
			rm -rf "$DINH_PDFSIG_CORPUS"
			(cd "$tree/meeting/pdfsig" && sh testdata/thirdparty/make.sh "$DINH_PDFSIG_CORPUS" >/dev/null) &&
				touch "$DINH_PDFSIG_CORPUS/.complete"
		fi
		extra="-skip=^TestThirdPartyAgainstPoppler$" ;;
	./sync/central) extra="-skip=^(TestCentralKilledDuringIngest|TestHubKilledMidTransfer|TestStockSyncthingHub|TestDeviceClockOffByADay|TestEndToEnd|TestRuralLink)$" ;;
	*) extra="" ;;
	esac
	echo "== $p ${extra}"
	# mutreport reads the mutants' lines from the commit mutated.
	git -C "$tree" rev-parse HEAD >"$out/$name.commit"
	# The package's own coverage, for mutreport (see build/mutreport).
	(cd "$tree" && GOFLAGS="-buildvcs=false -tags=noassets $extra" go test -count=1 \
		-coverprofile="$out/$name.cov" "$p" >/dev/null 2>&1) || echo "tests of $p fail: the figures mean nothing"
	# -E / leaves out the files of subpackages, which have runs of their own.
	(cd "$tree" && GOFLAGS="-buildvcs=false -tags=noassets $extra" "$gremlins" unleash --tags noassets \
		--workers 2 --timeout-coefficient 10 \
		--invert-logical --invert-loopctrl --remove-self-assignments \
		-E / ${MUTATION_EXCLUDE:+-E "$MUTATION_EXCLUDE"} -o "$out/$name.json" "$p" >"$out/$name.log" 2>&1) || true
	grep -E '^(Killed|Timed out|Test efficacy|Mutator coverage)' "$out/$name.log" || tail -5 "$out/$name.log"
done
(cd "$repo" && go run ./build/mutreport "$out")
