# libFuzzer runs of the event decoder and the XML reader (fuzz/README.md,
# docs/reliability.md). Included by the root Makefile.
#   make fuzz            each target for FUZZ_SECONDS (default 300)
#   make fuzz-ci         each target for 60 s (what CI runs)
#   make fuzz-build      only the two fuzzer binaries
#   make fuzz-regress    every seed and corpus file once through both targets (seconds)
#
# The package's modules are compiled once with the sanitizers by SwiftPM in
# its own scratch path, then each target is linked against the objects of
# their current sources (the `sources` list SwiftPM writes: objects of files
# since moved or deleted stay behind in the scratch path). The
# targets use the modules' `package` declarations, so they are compiled under
# the package name SwiftPM chose (the checkout's folder name), read from its
# build manifest.

FUZZ_SECONDS ?= 300
FUZZ_JOBS ?= 1
FUZZ_SCRATCH := .build-fuzz
FUZZ_CONFIG := release
# Tagger and every module it depends on (Package.swift): none of them links libcurl.
FUZZ_MODULES := Primitives HTTP SigV4 XML AWSQuery EC2 IAM STS EventBridge Organizations Tagger
FUZZ_TARGETS := event xml
FUZZ_SOURCE_event := fuzz/EventDecoderFuzzer.swift
FUZZ_SOURCE_xml := fuzz/XMLReaderFuzzer.swift Tests/EC2Tests/DescribeInstancesTreeOracle.swift
# Seeds: our own small inputs, then the bad-input corpus of the unit tests.
FUZZ_SEEDS_event := fuzz/corpus/event Tests/Corpus/events
FUZZ_SEEDS_xml := fuzz/corpus/xml Tests/Corpus/xml
# Inputs past these are refused before parsing (1 MiB events, 8 MiB XML):
# no need to spend fuzzing time on them.
FUZZ_MAX_LEN_event := 65536
FUZZ_MAX_LEN_xml := 65536

.PHONY: fuzz fuzz-ci fuzz-build fuzz-regress

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_SCRATCH)/fuzz-%)

# SwiftPM decides what to rebuild; the link is cheap, so it always runs.
$(FUZZ_SCRATCH)/fuzz-%: FORCE
	swift build --scratch-path $(FUZZ_SCRATCH) -c $(FUZZ_CONFIG) --sanitize=fuzzer --sanitize=address --target Tagger
	swiftc -sanitize=fuzzer,address -parse-as-library -O \
		-package-name $$(grep -o -m1 '"-package-name","[^"]*"' $(FUZZ_SCRATCH)/$(FUZZ_CONFIG).yaml | cut -d'"' -f4) \
		-I $(FUZZ_SCRATCH)/$(FUZZ_CONFIG)/Modules -I Sources/CCrypto -I Sources/CMalloc \
		$(FUZZ_SOURCE_$*) $(foreach m,$(FUZZ_MODULES),$$(sed -e 's|.*/||' -e 's|^|$(FUZZ_SCRATCH)/$(FUZZ_CONFIG)/$(m).build/|' -e 's|$$|.o|' $(FUZZ_SCRATCH)/$(FUZZ_CONFIG)/$(m).build/sources)) \
		-lcrypto -o $@ 2> >(grep -v "Cannot export local symbol" >&2)

FORCE:

# One run of a target: $(1) = target, $(2) = seconds.
define fuzz_run
	mkdir -p $(FUZZ_SCRATCH)/corpus-$(1) $(FUZZ_SCRATCH)/artifacts
	$(FUZZ_SCRATCH)/fuzz-$(1) -max_total_time=$(2) -max_len=$(FUZZ_MAX_LEN_$(1)) -timeout=10 -rss_limit_mb=2048 -dict=fuzz/$(1).dict \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_SCRATCH)/artifacts/$(1)- \
		$(FUZZ_SCRATCH)/corpus-$(1) $(FUZZ_SEEDS_$(1)) 2>&1 | tee $(FUZZ_SCRATCH)/fuzz-$(1).log | grep -E "^(#[0-9]+ +DONE|stat::|==[0-9]+==ERROR|SUMMARY|Done )" ; \
		test $${PIPESTATUS[0]} -eq 0
endef

fuzz: fuzz-build
	$(call fuzz_run,event,$(FUZZ_SECONDS))
	$(call fuzz_run,xml,$(FUZZ_SECONDS))

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=60

# Replays every seed and corpus file (no mutation): a fast regression check.
fuzz-regress: fuzz-build
	$(FUZZ_SCRATCH)/fuzz-event -runs=0 $(FUZZ_SEEDS_event) 2>&1 | tail -1; test $${PIPESTATUS[0]} -eq 0
	$(FUZZ_SCRATCH)/fuzz-xml -runs=0 $(FUZZ_SEEDS_xml) 2>&1 | tail -1; test $${PIPESTATUS[0]} -eq 0
