# The two commands: `make run` and `make test`. Everything else is for developers.
.PHONY: all deps build run test bench fuzz clean help

PRESET ?= dev
BUILD_DIR := build
JOBS ?= $(shell nproc)

all: build

help:
	@echo "make run    install what is missing, build, serve demo data on http://127.0.0.1:8080"
	@echo "make test   install what is missing, build, run every test beside a throwaway PostgreSQL"
	@echo "make bench  benchmarks (see docs/benchmarks.md)"
	@echo "make fuzz   fuzz the iCalendar import parser and the HTTP request reader, ten minutes each"

deps:
	@deploy/install-deps.sh build

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target kalendarium
	@mkdir -p var
	@KALENDARIUM_LOG_FORMAT=$${KALENDARIUM_LOG_FORMAT:-text} $(BUILD_DIR)/bin/kalendarium serve --demo

test:
	@deploy/install-deps.sh test
	@[ -d tests/e2e/js/node_modules/ical.js ] || npm ci --prefix tests/e2e/js --no-audit --no-fund --loglevel=error
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@tests/with-postgres.sh ctest --test-dir $(BUILD_DIR) -j $(JOBS) --output-on-failure --timeout 900

bench:
	@deploy/install-deps.sh bench
	@cmake --preset release >/dev/null
	@cmake --build build-release -j $(JOBS)
	@tests/with-postgres.sh bench/run.sh build-release

# libFuzzer on the iCalendar import parser and the HTTP request reader, ten minutes each by
# default (FUZZ_SECONDS=60 for less).
fuzz:
	@tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

clean:
	rm -rf build build-release build-asan build-fuzz
