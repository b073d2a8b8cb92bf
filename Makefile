# aws-userid-tagger: `make demo` and `make test` are the two commands of the README.
SHELL := /bin/bash
.DEFAULT_GOAL := build
VENV := .venv
PYTHON := $(VENV)/bin/python
BINARY := .build/debug/aws-userid-tagger

.PHONY: build deps venv test unit checks demo clean

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
# the bad-input corpus, policies and template, README commands, and the
# packaged zip in an empty root). Each fuzz target runs 60 s before the Python
# checks, so pytest's summary is the last line.
test: build venv package
	AWS_USERID_TAGGER_REQUIRE_MOTO=1 swift test
	$(MAKE) --no-print-directory fuzz-ci
	$(MAKE) --no-print-directory package-check-dynamic
	AWS_USERID_TAGGER_REQUIRE_PACKAGE=1 $(PYTHON) -m pytest checks

demo: build venv
	$(PYTHON) -m scripts.demo --binary $(BINARY)

clean:
	rm -rf .build .build-* dist

-include mk/*.mk
