# Packaging for Lambda (docs/packaging.md). Included by the root Makefile.
#   make package            dist/function.zip (BOOTSTRAP=binary or script for the other forms)
#   make package-check      the zip's checks, including a run in an empty root
#   make package-check-security   checks/reliability/test_security.py on the zip's binary
#   make package-bench      start-up to the first /next request, and peak RSS
#   make build-TaggerFunction   SAM `BuildMethod: makefile` (copies into $(ARTIFACTS_DIR))

PACKAGE_DIST := dist
PACKAGE_ZIP := $(PACKAGE_DIST)/function.zip
PACKAGE_STAGE := $(PACKAGE_DIST)/function

.PHONY: package package-check package-bench package-check-dynamic package-check-security build-TaggerFunction

# The bundled-loader form (glibc and its loader bundled under lib/, the
# binary's interpreter pointing there), built beside the default and put
# through the same checks, so switching BOOTSTRAP=binary stays a working choice.
PACKAGE_DYNAMIC_DIST := .build-package-binary

package:
	scripts/package.sh

package-check: package venv
	AWS_USERID_TAGGER_REQUIRE_PACKAGE=1 $(PYTHON) -m pytest checks/package

package-check-dynamic: venv
	DIST=$(CURDIR)/$(PACKAGE_DYNAMIC_DIST) BOOTSTRAP=binary scripts/package.sh
	AWS_USERID_TAGGER_PACKAGE=$(CURDIR)/$(PACKAGE_DYNAMIC_DIST)/function.zip AWS_USERID_TAGGER_REQUIRE_PACKAGE=1 \
		$(PYTHON) -m pytest -q checks/package

# The security checks (TLS verification, secrets, crafted events) against the
# zip's own binary: development builds link Debian's OpenSSL, the zip BoringSSL.
package-check-security: package venv
	AWS_USERID_TAGGER_BINARY=$(CURDIR)/$(PACKAGE_STAGE)/bootstrap \
		$(PYTHON) -m pytest -q checks/reliability/test_security.py

package-bench: package venv
	$(PYTHON) -m bench.startup $(PACKAGE_ZIP)

# SAM runs this with ARTIFACTS_DIR set; what lands there is the zip's content.
build-TaggerFunction: package
	@test -n "$(ARTIFACTS_DIR)" || { echo "build-TaggerFunction: ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)"
	cp -R --preserve=mode $(PACKAGE_STAGE)/. "$(ARTIFACTS_DIR)/"
