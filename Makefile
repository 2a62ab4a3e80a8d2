# The README's two commands: `make demo` (the main job on the bundled Shawan data) and
# `make test` (every test). Both install missing system packages first.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: deps build release demo test leakcheck

deps:
	@tools/ensure-deps.sh

build: deps
	swift build

release: deps
	swift build -c release --product wangge

# The main job: split the bundled Shawan into its 204 grids (out/), then validate the result.
demo: release
	.build/release/wangge partition --boundaries boundaries --out out
	.build/release/wangge validate out/grids.geojson --boundaries boundaries

# Every unit and property test, then the proof that boundaries/ regenerates byte for byte.
test: deps
	swift test --disable-xctest
	tools/check-boundaries-reproducible.sh

leakcheck: deps
	tools/leakcheck.sh
