# Đình — the two commands a newcomer needs are `make run` and `make test`.
export GOFLAGS := -buildvcs=false -tags=noassets
export LANG := en_US.UTF-8

# Packages without Fyne: cheap to test under the race detector. sync/central's
# rural link test moves 10 MB at 256 kbit/s (minutes): hence the timeout;
# -short leaves it out on a developer's machine.
PLAIN := ./meeting/... ./offline/... ./sync/... ./cmd/... ./assets/... ./internal/... ./build/...
# Packages with Fyne widgets (tested with Fyne's headless test driver).
FYNE := ./app/...
# Fuzzing runs a fixed number of inputs (not a duration, which a slow CI
# machine would turn into less coverage), without minimising finds.
FUZZ := -fuzzminimizetime=0

.PHONY: run test bench breaks mutation build deps-run deps-test deps-bench screenshot clean

run: deps-run
	go run . --demo

build: deps-run
	go build -trimpath -ldflags="-s -w" -o dinh .
	go build -trimpath -ldflags="-s -w" -o dinhd ./cmd/dinhd

test: deps-test
	go vet ./...
	go build ./...
	go test -race -count=1 -timeout=30m $(PLAIN)
	go test -count=1 -timeout=30m $(FYNE)
	go test -run='^$$' -fuzz='^FuzzParseJSON$$' -fuzztime=300000x $(FUZZ) ./meeting/
	go test -run='^$$' -fuzz='^FuzzOpen$$' -fuzztime=100000x $(FUZZ) ./meeting/
	go test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=50000x $(FUZZ) ./meeting/pdfsig/
	go test -run='^$$' -fuzz='^FuzzCMS$$' -fuzztime=50000x $(FUZZ) ./meeting/pdfsig/
	go test -run='^$$' -fuzz='^FuzzOpen$$' -fuzztime=20000x $(FUZZ) ./offline/seal/
	go test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=100000x $(FUZZ) ./offline/catalog/
	go test -run='^$$' -fuzz='^FuzzPrepare$$' -fuzztime=3000x $(FUZZ) ./offline/photo/

bench: deps-bench
	go test -run='^$$' -bench=. -benchtime=20x ./meeting/pdf/ ./meeting/pdfsig/ ./sync/discovery/ ./offline/catalog/ ./offline/seal/ ./offline/vault/
	go test -run='^$$' -bench=. -benchtime=10x ./offline/photo/ ./offline/dossier/
	go test -run='^$$' -bench=. -benchtime=1x -timeout=30m ./sync/central/
	go test -run='^$$' -bench=. -benchtime=1x -timeout=60m ./sync/sim/
	go run ./bench/render -out bench/render.md
	go run ./bench/serve -out bench/serve.md

# Each promise in TESTING.md's table: its change to the code must make its
# test fail (minutes; not part of make test, which checks the table is current).
breaks: deps-test
	go run ./build/breaks

# Mutation testing of the packages that keep trust and data (about an hour
# on two cores; not part of make test). Figures in TESTING.md.
mutation:
	build/mutation.sh

screenshot: deps-screenshot
	build/screenshot.sh docs/screenshot.png

deps-run:
	@build/deps.sh run
deps-test:
	@build/deps.sh test
deps-bench:
	@build/deps.sh bench
deps-screenshot:
	@build/deps.sh screenshot

clean:
	rm -f dinh dinhd
