# The two commands: `make run` and `make test`. Everything else is for developers.
.PHONY: all deps build run test test-asan deb bench fuzz screenshots browser-deps clean help

PRESET ?= dev
BUILD_DIR := build
JOBS ?= $(shell nproc)
# Tests at a time. One more than the cores keeps them busier (many tests wait: the whole flow's two
# minutes, SMTP retries, timers; 1,515 s against 1,842 s for make test, docs/benchmarks.md "What make
# test costs"), but three load-sensitive tests failed once each at -j3 before they were fixed, so CI
# runs as many as there are cores until a clean run at -j3 has passed: TEST_JOBS=3 make test.
TEST_JOBS ?= $(shell nproc)

all: build

help:
	@echo "make run    install what is missing, build, serve demo data on http://127.0.0.1:8080"
	@echo "make test   install what is missing, build, run every test beside a throwaway PostgreSQL"
	@echo "make test-asan  the service and the in-process suites built with ASan, LSan and UBSan; those and the end-to-end suites on SQLite (make test runs it)"
	@echo "make deb    the Debian package, build-release/kalendarium_<version>-1_<arch>.deb (docs/operations.md)"
	@echo "make bench  benchmarks (see docs/benchmarks.md)"
	@echo "make fuzz   fuzz the iCalendar import parser, the HTTP request reader and the API's JSON bodies, paths and queries, ten minutes each"
	@echo "make screenshots  desktop and phone screenshots of the pages into docs/screenshots/"

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

# The browser tests' npm packages, again whenever package-lock.json is newer than the install.
browser-deps:
	@[ tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ] || npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

test:
	@deploy/install-deps.sh test
	@[ -d tests/e2e/js/node_modules/ical.js ] || npm ci --prefix tests/e2e/js --no-audit --no-fund --loglevel=error
	@$(MAKE) --no-print-directory browser-deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan
	@tests/with-postgres.sh ctest --test-dir $(BUILD_DIR) -j $(TEST_JOBS) --output-on-failure --timeout 900

# The service and the suites that run in-process, built with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (preset asan-ubsan, -O0, into build-asan), then run on SQLite: unit,
# storage, app, API properties and JSON, the fuzz corpus replays; and the end-to-end suites on
# SQLite, the ordinary build's test programs driving the sanitized service (KAL_BINARY), which
# saves compiling every end-to-end program twice. A memory error, a leak at exit or undefined
# behaviour fails the run. make test runs it before the ordinary suite, whose summary is the last
# thing it prints; what it costs is in docs/benchmarks.md.
ASAN_TARGETS := kalendarium calendar_tests config_tests storage_tests ical_render_tests ical_parse_tests \
  ical_invitation_tests reminder_tests templates_tests mail_tests app_tests door_tests accounts_tests \
  api_property_tests api_json_tests http_tests http_head_replay api_request_replay parse_calendar_replay
ASAN_IN_PROCESS := ^(calendar|config|templates|mail|http)\.unit$$|^calendar\.|^reminders\.|^(storage|app|app\.door|app\.accounts|api\.properties)\.sqlite$$|^api\.json$$|^fuzz\.
ASAN_E2E := ^e2e\..*\.sqlite$$|^e2e\.(http|disconnect|lifecycle)$$
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan:
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build build-asan -j $(JOBS) --target $(ASAN_TARGETS)
	@$(ASAN_ENV) ctest --test-dir build-asan -j $(TEST_JOBS) --output-on-failure --timeout 900 -R '$(ASAN_IN_PROCESS)'
	@$(ASAN_ENV) KAL_BINARY=$(CURDIR)/build-asan/bin/kalendarium \
	  ctest --test-dir $(BUILD_DIR) -j $(TEST_JOBS) --output-on-failure --timeout 900 -R '$(ASAN_E2E)'

# The release build, packaged by CPack (cmake/packaging.cmake); the Containerfile runs this too.
deb: deps
	@cmake --preset release >/dev/null
	@cmake --build build-release -j $(JOBS) --target kalendarium
	@cd build-release && cpack -G DEB

bench:
	@deploy/install-deps.sh bench
	@cmake --preset release >/dev/null
	@cmake --build build-release -j $(JOBS)
	@tests/with-postgres.sh bench/run.sh build-release

# libFuzzer on the iCalendar import parser, the HTTP request reader and the API (JSON bodies of
# every resource, path values, query strings), ten minutes each by default (FUZZ_SECONDS=60 for less).
fuzz:
	@tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

# Real Chromium, the real binary with demo data: docs/screenshots/<page>-desktop.png and -phone.png.
screenshots:
	@deploy/install-deps.sh test
	@$(MAKE) --no-print-directory browser-deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target kalendarium
	@KAL_BINARY=$(BUILD_DIR)/bin/kalendarium node tests/browser/screenshots.mjs

clean:
	rm -rf build build-release build-asan build-fuzz build-fuzz-api
