# lode's two set-up commands: `make demo` and `make test`. Both install the
# Debian packages lode builds against when they are missing, then build.
SWIFT ?= swift
APT_PACKAGES := git time pkg-config libgit2-dev zlib1g-dev libzstd-dev libssl-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test lint demo bench clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory lint

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

demo: build
	scripts/demo.sh "$$($(SWIFT) build --show-bin-path)/lode"

# lode and DVC side by side (installs DVC into bench/.venv). BENCH_ARGS=--scale 0.1 for a quick run.
bench: release
	mkdir -p bench/out
	python3 bench/bench.py --lode "$$($(SWIFT) build -c release --show-bin-path)/lode" $(BENCH_ARGS)

clean:
	rm -rf .build
