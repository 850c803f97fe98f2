# lode's two set-up commands: `make demo` and `make test`. Both install the
# Debian packages lode builds against when they are missing, then build.
SWIFT ?= swift
APT_PACKAGES := git time pkg-config libgit2-dev zlib1g-dev libzstd-dev libssl-dev libcurl4-openssl-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test lint demo bench fuzz stress clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation linked in: a third less startup time
# (docs/benchmarks.md) for a larger binary.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory lint

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

demo: build
	scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/lode"

# The crash harness at full strength: 30 rounds, 210 SIGKILLs across add,
# commit, checkout, gc, repro, push and pull (make test runs 3 rounds).
stress: deps
	$(SWIFT) build --build-tests
	LODE_STRESS_ROUNDS=30 $(SWIFT) test --filter CrashHarnessTests

# libFuzzer on every parser of untrusted input, FUZZ_TIME seconds each
# (Tests/FuzzSeeds/TARGET seeds each corpus; crashes land in .build-fuzz/).
FUZZ_TIME ?= 60
FUZZ_TARGETS := pointer tree lockfile pipeline params config object
fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz --product lode-fuzz \
	  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DFUZZING
	@for target in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$target .build-fuzz/crashes; \
	  echo "fuzzing $$target for $(FUZZ_TIME) s"; \
	  LODE_FUZZ_TARGET=$$target .build-fuzz/debug/lode-fuzz -max_total_time=$(FUZZ_TIME) \
	    -rss_limit_mb=2048 -timeout=10 -max_len=65536 -artifact_prefix=.build-fuzz/crashes/$$target- \
	    .build-fuzz/corpus/$$target Tests/FuzzSeeds/$$target > .build-fuzz/$$target.log 2>&1 \
	    || { tail -n 40 .build-fuzz/$$target.log; echo "fuzz target $$target failed: input in .build-fuzz/crashes/"; exit 1; }; \
	  tail -n 1 .build-fuzz/$$target.log; \
	done

# lode and DVC side by side (installs DVC into bench/.venv). BENCH_ARGS=--scale 0.1 for a quick run.
bench: release
	mkdir -p bench/out
	python3 bench/bench.py --lode "$$($(SWIFT) build -c release --show-bin-path)/lode" $(BENCH_ARGS)

clean:
	rm -rf .build
