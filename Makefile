# mongoway: build, test, demo and install.
#
#   make            build build/mongoway (installs missing build dependencies first)
#   make test       build, then run all tests against a private local server
#                   (or against MONGOWAY_TEST_URI when that is set)
#   make demo       build, start the default local server and migrate migrations/ into it
#   make install    build, then install into $(DESTDIR)$(PREFIX)
#   make clean      remove the build directory
#   make package    build the Debian package build/mongoway_<version>-<revision>_<arch>.deb and the
#                   RPM build/mongoway-<version>-<release>.<arch>.rpm (with dpkg-buildflags' hardening)
#   make fuzz       run the libFuzzer target over the file parser (FUZZ_SECONDS, default 600)
#   make test-asan  build with AddressSanitizer + UndefinedBehaviorSanitizer and run every test
#   make bench      build, then run the benchmark harness bench/run (BENCH_ARGS=--quick for a smoke check)
#   make parity     build, then check that mongoway runs the files `mongoway import golang-migrate` makes exactly
#                   as golang-migrate runs the originals, on every set of bench/parity/corpus (bench/parity/run;
#                   PARITY_ARGS=--self-check checks the harness; results in docs/parity.md)
#   make format     reformat the C++ sources (src include tests, not tests/data) with clang-format (.clang-format)
#   make format-check  fail, listing the files, when a C++ source is not formatted (CI)
#   make lint       run clang-tidy (.clang-tidy) over src/*.cpp, JOBS at a time; fails on any finding (CI)
#   make check      what CI runs: format-check, lint, then test
#
# Every target works as the first command on a fresh Debian machine: missing
# packages (and FerretDB, for the tests) are installed by scripts/install-deps.

BUILD_DIR ?= build
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= 2
CMAKE_BUILD_TYPE ?= RelWithDebInfo
# Warnings are errors in CI (CI is set there); override with MONGOWAY_WERROR=ON|OFF.
MONGOWAY_WERROR ?= $(if $(strip $(CI)),ON,OFF)
# Extra arguments: for the CMake configure step, and for ctest (e.g. CTEST_ARGS="-L unit").
CMAKE_ARGS ?=
CTEST_ARGS ?=

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := build

MONGOWAY := $(BUILD_DIR)/mongoway
CONFIGURE_ARGS := -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) -DMONGOWAY_WERROR=$(MONGOWAY_WERROR) $(CMAKE_ARGS)

.PHONY: build configure deps test demo install clean help package fuzz test-asan bench parity format format-check lint check

help:
	@sed -n 's/^#   //p' Makefile

deps:
	@scripts/install-deps

# Configures only when the build directory is new or its settings changed;
# otherwise `cmake --build` re-runs CMake by itself when CMakeLists.txt changes.
configure:
	@scripts/install-deps --no-ferretdb
	@cache="$(BUILD_DIR)/CMakeCache.txt"; \
	if [[ ! -f $$cache ]]; then \
	  echo "==> configuring $(BUILD_DIR) ($(CMAKE_BUILD_TYPE), warnings as errors: $(MONGOWAY_WERROR))"; \
	  cmake -S . -B "$(BUILD_DIR)" -G Ninja $(CONFIGURE_ARGS); \
	elif [[ ! -f "$(BUILD_DIR)/build.ninja" && ! -f "$(BUILD_DIR)/Makefile" ]] || \
	     ! grep -qx 'CMAKE_BUILD_TYPE:[A-Z]*=$(CMAKE_BUILD_TYPE)' "$$cache" || \
	     ! grep -qx 'MONGOWAY_WERROR:BOOL=$(MONGOWAY_WERROR)' "$$cache" || \
	     [[ -n "$(strip $(CMAKE_ARGS))" ]]; then \
	  echo "==> reconfiguring $(BUILD_DIR) ($(CMAKE_BUILD_TYPE), warnings as errors: $(MONGOWAY_WERROR))"; \
	  cmake -S . -B "$(BUILD_DIR)" $(CONFIGURE_ARGS); \
	fi

build: configure
	@echo "==> building $(MONGOWAY)"
	@cmake --build "$(BUILD_DIR)" -j $(JOBS)

# The package test (ctest label package) checks the packages with lintian and rpm.
test: build
	@scripts/install-deps --no-ferretdb --package
	@if [[ -z "$${MONGOWAY_TEST_URI:-}" ]] && ! command -v mongod >/dev/null; then scripts/install-deps --ferretdb-only; fi
	@echo "==> running the tests"
	@scripts/run-tests "$(BUILD_DIR)" -- $(CTEST_ARGS)

# The demo needs only the program, not the test binaries.
demo: configure
	@echo "==> building $(MONGOWAY)"
	@cmake --build "$(BUILD_DIR)" -j $(JOBS) --target mongoway
	@echo "==> starting the local server"
	@uri=$$(scripts/local-server start | tail -n 1); \
	mw="$(MONGOWAY)"; [[ $$mw == */* ]] || mw="./$$mw"; \
	echo "==> $$mw -u $$uri -d mongoway_demo -l migrations migrate"; \
	"$$mw" -u "$$uri" -d mongoway_demo -l migrations migrate; \
	echo; \
	echo "==> $$mw -u $$uri -d mongoway_demo -l migrations info"; \
	"$$mw" -u "$$uri" -d mongoway_demo -l migrations info; \
	echo; \
	echo "The local server keeps running at $$uri"; \
	echo; \
	echo "Use mongoway against it:"; \
	echo "  $$mw -u $$uri -d mongoway_demo -l migrations info"; \
	echo; \
	echo "Stop it (this also deletes its data):"; \
	echo "  scripts/local-server stop"; \
	echo; \
	echo "Point mongoway at your own MongoDB instead:"; \
	echo "  export MONGOWAY_URI='mongodb://user:password@host:27017/'"; \
	echo "  $$mw -d mydb -l migrations info"

install: build
	@echo "==> installing into $(DESTDIR)$(PREFIX)"
	@DESTDIR="$(DESTDIR)" cmake --install "$(BUILD_DIR)" --prefix "$(PREFIX)"

clean:
	@dir="$(BUILD_DIR)"; \
	case "$$(cd "$${dir:-.}" 2>/dev/null && pwd -P || echo "$$dir")" in \
	  "" | / | "$$(pwd -P)" | "$(HOME)") echo "refusing to delete BUILD_DIR=$$dir" >&2; exit 1 ;; \
	esac; \
	if [[ -d $$dir/test-server ]]; then scripts/local-server stop --data "$$dir/test-server"; fi; \
	if [[ -e $$dir ]]; then echo "==> removing $$dir"; rm -rf -- "$$dir"; fi

package: build
	@scripts/install-deps --no-ferretdb --package
	@echo "==> building the Debian package and the RPM"
	@cmake --build "$(BUILD_DIR)" --target package
	@ls -1 "$(BUILD_DIR)"/mongoway_*.deb "$(BUILD_DIR)"/mongoway-*.rpm

FUZZ_SECONDS ?= 600
fuzz:
	@scripts/install-deps --no-ferretdb --fuzz
	@cmake -S tests/fuzz -B "$(BUILD_DIR)-fuzz" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
	@cmake --build "$(BUILD_DIR)-fuzz" -j $(JOBS)
	@mkdir -p "$(BUILD_DIR)-fuzz/corpus"
	@echo "==> fuzzing the file parser and the config reader for $(FUZZ_SECONDS) s"
	@"$(BUILD_DIR)-fuzz/fuzz_script" -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -dict=tests/fuzz/json.dict "$(BUILD_DIR)-fuzz/corpus" tests/data/valid tests/data/invalid

test-asan:
	@$(MAKE) test BUILD_DIR="$(BUILD_DIR)-asan" CMAKE_BUILD_TYPE=Debug CMAKE_ARGS="-DMONGOWAY_SANITIZE=ON $(CMAKE_ARGS)"

# The C++ sources clang-format owns: src include tests, without the test data.
CXX_SOURCES = find src include tests -path tests/data -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z

format:
	@scripts/install-deps --no-ferretdb --lint
	@echo "==> formatting the C++ sources"
	@$(CXX_SOURCES) | xargs -0 clang-format -i

format-check:
	@scripts/install-deps --no-ferretdb --lint
	@echo "==> checking the format of the C++ sources"
	@bad=$$({ $(CXX_SOURCES) | xargs -0 clang-format --dry-run --Werror 2>&1 || true; } | \
	  sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u); \
	if [[ -n $$bad ]]; then \
	  echo "these files are not formatted (run make format):"; echo "$$bad" | sed 's/^/  /'; \
	  echo "$$bad" | head -n 3 | while read -r f; do clang-format "$$f" | diff -u "$$f" - | head -n 40 || true; done; \
	  exit 1; \
	fi

# clang-tidy needs the build's compile commands and the generated build_info.hpp.
lint: configure
	@scripts/install-deps --no-ferretdb --lint
	@cmake --build "$(BUILD_DIR)" --target mongoway_build_info >/dev/null
	@echo "==> clang-tidy over src/ ($(JOBS) at a time)"
	@scripts/lint "$(BUILD_DIR)" $(JOBS)

# CI (.ci/run): the format and the static checks first, they take the least time.
check:
	@$(MAKE) format-check
	@$(MAKE) lint
	@$(MAKE) test

BENCH_ARGS ?=
bench: build
	@echo "==> running the benchmark: bench/run $(BENCH_ARGS)"
	@bench/run --mongoway "$(MONGOWAY)" $(BENCH_ARGS)

# Installs golang-migrate and pymongo into bench/.peers on first use, like bench/run; never part of make test.
PARITY_ARGS ?=
parity: build
	@echo "==> running the parity check: bench/parity/run $(PARITY_ARGS)"
	@bench/parity/run --mongoway "$(MONGOWAY)" $(PARITY_ARGS)

# The reliability suite (tests/reliability, results in docs/reliability.md).
#   make test-reliability  the full fault-injection suite (MONGOWAY_RELIABILITY=full:
#                   every scenario at its full trial count, and valgrind;
#                   about 30 minutes); `make test` runs its short version
.PHONY: test-reliability
test-reliability: build
	@if [[ -z "$${MONGOWAY_TEST_URI:-}" ]] && ! command -v mongod >/dev/null; then scripts/install-deps --ferretdb-only; fi
	@command -v valgrind >/dev/null || echo "==> valgrind is not installed: its scenario is skipped"
	@echo "==> running the full reliability suite (MONGOWAY_RELIABILITY=full)"
	@summary="$(abspath $(BUILD_DIR))/reliability-summary.txt"; rm -f "$$summary"; rc=0; \
	MONGOWAY_RELIABILITY=full MONGOWAY_RELIABILITY_LOG="$$summary" \
	  scripts/run-tests "$(BUILD_DIR)" -- -L reliability --verbose $(CTEST_ARGS) || rc=$$?; \
	echo "==> summary (also in $$summary):"; cat "$$summary" 2>/dev/null || true; exit $$rc
