# aws-userid-tagger: `make demo` and `make test` are the two commands of the README;
# `make check` is the quick subset for the inner loop.
SHELL := /bin/bash
.DEFAULT_GOAL := build
VENV := .venv
PYTHON := $(VENV)/bin/python
BINARY := .build/debug/aws-userid-tagger
# No harness, test or SDK started from here may ask the instance metadata
# service for credentials: every one of them runs against local servers.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: build deps venv test check demo clean

deps:
	@scripts/ensure-system-deps.sh

build: deps
	swift build --product aws-userid-tagger

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

# Everything CI checks: Swift unit and integration tests; the Python checks
# (the real binary against auth-enabled moto and a local Runtime API, faults,
# the bad-input corpus, policies and template, README commands, the packaged
# zip in an empty root, and the real SAM CLI: mk/sam.mk). Each fuzz target
# runs 60 s before the Python checks, so pytest's summary is the last line.
test: build venv package sam-venv
	AWS_USERID_TAGGER_REQUIRE_MOTO=1 swift test
	$(MAKE) --no-print-directory fuzz-ci
	$(MAKE) --no-print-directory package-check-dynamic
	$(MAKE) --no-print-directory package-check-security
	AWS_USERID_TAGGER_REQUIRE_PACKAGE=1 AWS_USERID_TAGGER_REQUIRE_SAM=1 $(PYTHON) -m pytest checks

# The inner loop: the Swift tests and the Python checks that take seconds and
# need neither root nor the package (the real binary against moto and a local
# Runtime API, policies and templates, README commands). Left to `make test`:
# checks/reliability (fault injection, deadlines, a 1,000-event load; about a
# minute), checks/package (root and the zip), fuzzing.
QUICK_CHECKS := checks/runtime checks/policies checks/org checks/e2e checks/docs checks/endpoints
check: build venv
	AWS_USERID_TAGGER_REQUIRE_MOTO=1 swift test
	$(PYTHON) -m pytest -q $(QUICK_CHECKS)

demo: build venv
	$(PYTHON) -m scripts.demo --binary $(BINARY)

clean:
	rm -rf .build .build-* dist .aws-sam

-include mk/*.mk
