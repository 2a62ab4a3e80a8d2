# The README's two commands: `make demo` (the main job on the bundled Shawan data) and
# `make test` (every test). Both install missing system packages first.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: deps build release demo test leakcheck reliability fuzz

deps:
	@tools/ensure-deps.sh

build: deps
	swift build

release: deps
	swift build -c release --product wangge

# The main job: split the bundled Shawan into its 204 grids (out/), validate the result, draw the
# HTML map (out/map.html) and a static one (out/grids.svg).
demo: release
	.build/release/wangge partition --boundaries boundaries --out out
	.build/release/wangge validate out/grids.geojson --boundaries boundaries
	.build/release/wangge map --grids out/grids.geojson --out out/map.html --svg out/grids.svg

# Every unit and property test (the export/map tests drive ogrinfo and headless Chromium, installed
# on demand), then the proof that boundaries/ regenerates byte for byte.
test: deps
	tools/ensure-test-clients.sh
	swift test --disable-xctest
	tools/check-boundaries-reproducible.sh

leakcheck: deps
	tools/leakcheck.sh

# Every writing command killed at random moments (50 times each), on a full disk, against bad
# targets, pipes and devices, and twice at once (docs/RELIABILITY.md). Needs root for tmpfs.
reliability: release
	WANGGE=.build/release/wangge tools/failure-injection.py $(if $(QUICK),--quick,)
	WANGGE=.build/release/wangge tools/audit-kill-test.py $(if $(QUICK),10,50)

# libFuzzer on the input parsers (GeoJSON, assign CSV/GeoJSON, address matcher, WKB): builds the
# fuzzers into .build-fuzz, runs each for FUZZ_SECONDS and prints executions and crashes per
# target (tools/Fuzz/README.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	tools/fuzz.sh all $(FUZZ_SECONDS)
