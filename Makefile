# Thin wrapper around CMake. `make` builds build/griddle; `make test` and
# `make demo` first install missing Debian packages (scripts/deps.sh).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz

.PHONY: all build deps test test-fast test-asan demo fuzz fuzz-diff bench clean

all: build

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@bash scripts/deps.sh

# Every test, in a normal build and again under ASan+UBSan, plus a short
# bounded fuzz run.
test: deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan
	@bash tests/fuzz/run.sh short

test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGRIDDLE_SANITIZE=ON -DGRIDDLE_DIFF_COUNT=200 >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# The libFuzzer targets for a while, then differential testing of the
# compilers against griddle run without end (tests/diff/diff.py; stop with
# ^C; mismatches are saved in diff-failures/).
fuzz: deps build
	@bash tests/fuzz/run.sh long
	@python3 tests/diff/diff.py $(BUILD)/griddle --unbounded --jobs $(JOBS)

# Only the unbounded differential run.
fuzz-diff: build
	@python3 tests/diff/diff.py $(BUILD)/griddle --unbounded --jobs $(JOBS)

demo: deps build
	@bash scripts/demo.sh

bench: build
	@bash bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
