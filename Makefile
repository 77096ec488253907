# QuartzDB build and test entry points. See README.md.
#
# Never add `go clean -cache` here: pg_query_go's C build takes minutes and
# lives in the Go build cache.

GO        ?= go
BIN       := bin/quartzdb
DATA      ?= ./data
# go test's overall limit per package; the slowest packages start real
# PostgreSQL and QuartzDB servers.
TEST_TIMEOUT ?= 15m
# Per scenario; three scenarios with both servers each: ~2 minutes in all
# (25s measured 3 minutes on this machine kind).
BENCHTIME ?= 15s

# Go's ./... skips directories named testdata, and ./testdata/... matches
# nothing for the same reason, so its packages are listed.
TESTDATA_PKGS := ./testdata/ ./testdata/fmnist/ ./testdata/knn/ ./testdata/hnswlib/

.PHONY: all build run test fmt fmt-check vet bench bench-data golden clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/quartzdb

run: build
	./$(BIN) serve --data $(DATA)

# Every test. Tests needing PostgreSQL 15 skip on a machine without it,
# but fail under CI=true (.ci/run installs it).
# ./testdata is named explicitly: Go's ./... pattern skips directories
# called testdata, and that is where the golden and differential suites live.
test: fmt-check vet
	$(GO) test -timeout $(TEST_TIMEOUT) ./... $(TESTDATA_PKGS)

fmt:
	gofmt -w $$(find . -name '*.go' -not -path './data/*' -not -path './.git/*')

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './data/*' -not -path './.git/*')); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet ./... $(TESTDATA_PKGS)

# QuartzDB beside PostgreSQL 15 in the same run; prints one summary line
# per scenario with the quartz/postgres ratio.
bench: bench-data
	$(GO) test ./testdata -run '^$$' -bench 'VsPostgres' -benchtime $(BENCHTIME) -timeout 10m
	# Metering's cost: a tenant's point selects with and without the usage meter, same run.
	$(GO) test ./testdata -run '^$$' -bench 'Metering' -benchtime $(BENCHTIME) -timeout 10m
	# Exact kNN over the wire on Fashion-MNIST (50 queries), beside the same search in-process.
	$(GO) test ./testdata -run '^$$' -bench 'ExactKNN' -benchtime 50x -timeout 20m
	# HNSW over the wire: 1,000 queries per ef_search on 1 and 2 connections, recall@10.
	$(GO) test ./testdata -run '^$$' -bench 'HNSWWire' -benchtime 1x -timeout 30m
	# vecindex: ns per 784-d L2 distance per kernel set beside gcc -O3 -march=native C.
	$(GO) test ./vecindex -run '^$$' -bench 'L2Squared784' -benchtime 1s
	# vecindex HNSW in-process beside hnswlib (cgo, same data, same run): recall@10 and q/s per ef_search, build time.
	$(GO) test ./vecindex -run '^$$' -bench 'HNSWFashion' -benchtime 1x -timeout 60m
	# Memory per vector beside hnswlib; a seeded 1,000,000 x 128 clustered set (build, memory, QPS at recall 0.95/0.99).
	$(GO) test ./vecindex -run '^$$' -bench 'HNSWMemoryFashionMNIST' -benchtime 1x -timeout 20m
	$(GO) test ./vecindex -run '^$$' -bench 'HNSWScale' -benchtime 1x -timeout 40m
	# Start-up after a restart: first kNN answer with the saved graph vs a rebuild (real binary).
	$(GO) test ./testdata -run '^$$' -bench 'HNSWRestart' -benchtime 1x -timeout 30m

# The vector benchmarks' data and reference: Debian's Fashion-MNIST and
# hnswlib headers, installed when missing (needs root, as .ci/run runs).
bench-data:
	@for p in dataset-fashion-mnist libhnswlib-dev; do \
		dpkg -s $$p >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q --no-install-recommends $$p; } || exit 1; \
	done

# Regenerate testdata/golden/*.out from PostgreSQL 15, on purpose only;
# review `git diff testdata/golden` before committing.
golden:
	$(GO) test ./testdata -run '^TestGolden$$' -count=1 -args -regen-from-postgres

clean:
	rm -rf bin
