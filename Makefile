# eqgraph — everything a fresh machine needs is installed by these targets.
#   make run    set up, build the graph from the built-in plans, serve it on http://127.0.0.1:5000
#   make test   set up (venv, packages, front-end library, Chromium and rapper for the tests) and test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WEBLIB := web/node_modules/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test build setup system-deps bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end libraries (Cytoscape.js, and axe-core for the accessibility tests) from the npm
# registry, pinned by web/package-lock.json; never committed.
$(WEBLIB): web/package.json web/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd web && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "note: npm not found; the interactive graph view needs it (the rest of the site works)"; fi

setup: $(STAMP) $(WEBLIB)

# Debian tools the tests drive: rapper (raptor2-utils, an independent Turtle parser), Chromium and
# Virtuoso 7 (virtuoso-opensource: the remote-store tests start their own server from virtuoso-t).
system-deps:
	@missing=""; command -v rapper >/dev/null 2>&1 || missing="$$missing raptor2-utils"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || missing="$$missing virtuoso-opensource"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: missing$$missing and cannot apt-get install; their tests will be skipped"; fi; fi

build: setup
	$(BIN)/eqgraph build

run: build
	$(BIN)/eqgraph serve --host $(HOST) --port $(PORT)

test: setup system-deps
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_queries.py
	$(BIN)/python benchmarks/load_test.py
	$(BIN)/python benchmarks/eval_extraction.py

# Desktop and phone screenshots of every kind of page into var/screenshots/ (outside git), from the graph
# built in var/ first (a graph built by an older version lacks what the pages now draw). Needs Chromium.
screenshots: build
	$(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) var benchmarks/out web/node_modules
