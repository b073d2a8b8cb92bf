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

# Everything CI checks: Swift unit and integration tests, then the Python checks
# (real binary against auth-enabled moto, Runtime API protocol, policies, package).
test: build venv
	AWS_USERID_TAGGER_REQUIRE_MOTO=1 swift test
	$(PYTHON) -m pytest checks

demo: build venv
	$(PYTHON) scripts/demo.py --binary $(BINARY)

clean:
	rm -rf .build dist

-include mk/*.mk
