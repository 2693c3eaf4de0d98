# trapeze - a thin wrapper around CMake presets and the dependency list.
#
#   make run      set up, build and boot the teaching OS on the emulator
#   make test     set up, build and run every test (ends with "N passed, N failed")
#   make bench    release build, every benchmark, one table of ratios
#   make asan     the test suite under AddressSanitizer + UBSan
#
# PRESET=dev|release|asan picks the build (build/<preset>); LABEL=emulator runs
# one chapter's tests.

PRESET ?= dev
BUILD  := build/$(PRESET)
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS := $(if $(LABEL),-L $(LABEL),)

.PHONY: all deps configure build test run bench asan clean

all: build

deps:
	@tools/deps.sh install

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	@tools/run-tests.sh $(BUILD) $(CTEST_ARGS)

run: build
	@tools/demo.sh $(BUILD)

bench:
	@$(MAKE) --no-print-directory build PRESET=release
	@tools/bench.sh build/release

asan:
	@$(MAKE) --no-print-directory test PRESET=asan

clean:
	rm -rf build
