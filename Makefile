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

# The main job until `wangge partition` lands: load and validate the bundled district.
demo: release
	.build/release/wangge check --boundaries boundaries

# Every unit and property test, then the proof that boundaries/ regenerates byte for byte.
test: deps
	swift test --disable-xctest
	tools/check-boundaries-reproducible.sh

leakcheck: deps
	tools/leakcheck.sh
