# The real AWS SAM CLI, as users run it. Included by the root Makefile.
#   make sam-venv     .venv-sam with the pinned SAM CLI (requirements-sam.txt)
#   make sam-check    checks/sam: `sam validate --lint` on every template,
#                     `sam build` as samconfig.toml sets it up, and what it
#                     built run in an empty root (as root)
# `make test` runs checks/sam with the rest of checks/.

SAM_VENV := .venv-sam

.PHONY: sam-venv sam-check

sam-venv: $(SAM_VENV)/.installed
$(SAM_VENV)/.installed: requirements-sam.txt
	python3 -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-sam.txt
	touch $@

sam-check: package venv sam-venv
	AWS_USERID_TAGGER_REQUIRE_SAM=1 $(PYTHON) -m pytest -q checks/sam
