# `make bench`: aws-userid-tagger side by side with the seed's boto3 handler
# (bench/README.md). Not part of `make test`: it measures and prints, asserts nothing.
#   make bench              the whole table, written to bench/RESULTS.md (a few minutes)
#   make bench BENCH_ARGS="--cold-runs 5 --warm-events 50"   a shorter run
#   make bench-sigv4        only the Swift signer micro-benchmark
#   make bench-org          central mode at organization scale, simulated: the fan-out and a
#                           sample of account sweeps of 1,000 accounts x 17 regions through the
#                           packaged bootstrap, projected over reserved concurrencies (about
#                           2 minutes); writes bench/RESULTS.md and docs/organizations.md
#   make bench-org BENCH_ORG_ARGS="--sample 5 --fanout-runs 1"   a shorter run

BENCH_VENV := .build-bench-venv
BENCH_PYTHON := $(BENCH_VENV)/bin/python
BENCH_SCRATCH := .build-bench
BENCH_SIGV4 := $(BENCH_SCRATCH)/release/SigV4Benchmark
BENCH_ARGS ?=
BENCH_ORG_ARGS ?=

.PHONY: bench bench-deps bench-venv bench-sigv4-build bench-sigv4 bench-org

# The harness runs on the system's python3 (standard library only); the
# reference gets a venv of its own, wheels only, pinned.
bench-deps:
	@scripts/ensure-system-deps.sh python3-venv util-linux unzip openssl

bench-venv: bench-deps $(BENCH_VENV)/.installed
$(BENCH_VENV)/.installed: bench/reference/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_PYTHON) -m pip install -q --disable-pip-version-check --only-binary=:all: -r bench/reference/requirements.txt
	touch $@

bench-sigv4-build: deps
	swift build -c release --scratch-path $(BENCH_SCRATCH) --product SigV4Benchmark

bench-sigv4: bench-sigv4-build
	$(BENCH_SIGV4)

bench: package bench-venv bench-sigv4-build
	python3 -m bench.run --reference-python $(BENCH_PYTHON) --sigv4-benchmark $(BENCH_SIGV4) \
		--command "make bench$(if $(BENCH_ARGS), BENCH_ARGS=\"$(BENCH_ARGS)\")" $(BENCH_ARGS)

# Standard library only, like the harness above: no venv needed.
bench-org: package
	python3 -m bench.org_simulation --binary dist/function/bootstrap --write \
		--command "make bench-org$(if $(BENCH_ORG_ARGS), BENCH_ORG_ARGS=\"$(BENCH_ORG_ARGS)\")" $(BENCH_ORG_ARGS)
