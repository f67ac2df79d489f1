# eqgraph — everything a fresh machine needs is installed by these targets.
#   make run    set up, build the graph from the built-in plans, show it
#   make test   set up (including system tools the tests use) and run the test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test build setup system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Debian tools the tests drive: rapper (raptor2-utils), an independent Turtle parser.
system-deps:
	@command -v rapper >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing raptor2-utils (rapper)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils >/dev/null; \
	  else echo "note: rapper not found and cannot apt-get install it; its test will be skipped"; fi; }

build: $(STAMP)
	$(BIN)/eqgraph build

run: build
	$(BIN)/eqgraph plans

test: $(STAMP) system-deps
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf $(VENV) var benchmarks/out
