# CoopKG: set-up, demo and tests.  `make demo` and `make test` are all a new machine needs
# (Python 3.11+, make and Java 17+; the first run downloads about 400 MB from PyPI).

SHELL        := /bin/bash
PYTHON       ?= python3
VENV         := .venv
BIN          := $(VENV)/bin
STAMP        := $(VENV)/.installed
DEMO_STORE   := var/demo-store
# Wall-clock limit for the whole test run, in seconds (the suite takes a few minutes).
TEST_TIMEOUT ?= 1800
PYTEST_ARGS  ?=

# pip-compile must see PyPI only, so the lock's hashes are those of the files PyPI serves
# (no local mirror, find-links or constraint file from the machine's pip configuration).
PYPI_ONLY    := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
                    -u PIP_NO_INDEX PIP_CONFIG_FILE=/dev/null

.PHONY: venv demo test lock clean check-python check-java

check-python:
	@v=$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) || v="not found"; \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "CoopKG needs Python 3.11 or newer; '$(PYTHON)' is $$v." >&2; \
	  echo "Install Python 3.11+, or name it: make PYTHON=python3.12 ..." >&2; exit 1; }

check-java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "make test: Java 17+ is needed (the HermiT reasoner in the ontology tests runs on it)." >&2; \
	  echo "Install it, e.g. 'sudo apt-get install openjdk-17-jre-headless', and run 'make test' again." >&2; exit 1; }

# The virtualenv, installed from the lock (exact versions, hashes checked), then the project
# itself in editable mode.  Redone only when requirements.lock or pyproject.toml change.
# --no-deps: the lock is complete, and pip before 23.3 (Python 3.11's bundled one) otherwise
# resolves a dependency's extra ("lxml[html_clean]" of justext) to an unpinned newer version.
venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml | check-python
	@[ -x $(BIN)/python ] || { echo "$(PYTHON) -m venv $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

# Ingest the demo corpus into a fresh store, ask it two questions, then publish it with
# `kg serve` (SPARQL endpoint, resource pages, query page) until Ctrl-C.
DEMO_PORT    ?= 8000
demo: venv
	rm -rf $(DEMO_STORE)
	$(BIN)/kg ingest data/articles --store $(DEMO_STORE) --base http://localhost:$(DEMO_PORT)/id/
	@echo; echo "== Who holds which post in which organisation (queries/demo-posts.rq)"
	$(BIN)/kg query -f queries/demo-posts.rq --store $(DEMO_STORE)
	@echo; echo "== Agreements, parties and status per article (queries/demo-agreements.rq)"
	$(BIN)/kg query -f queries/demo-agreements.rq --store $(DEMO_STORE)
	@echo; echo "== Publishing $(DEMO_STORE): open http://localhost:$(DEMO_PORT)/ (Ctrl-C stops the server)"
	$(BIN)/kg serve --store $(DEMO_STORE) --host 127.0.0.1 --port $(DEMO_PORT) --base http://localhost:$(DEMO_PORT)/id/

# The test suite.  Its extra needs are in the lock (pytest, and the `oxigraph` package, whose
# server the remote-store tests start); Java must be installed (check-java says how).
# pytest exits 5 when it collects no tests: make treats that as a failure, as it should.
test: venv check-java browser
	timeout $(TEST_TIMEOUT) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Regenerate requirements.lock from pyproject.toml (dependencies + the `test` extra), with hashes.
# --allow-unsafe pins setuptools too: spaCy needs it at run time, and Python 3.12+ venvs lack it.
lock: check-python
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	@[ -x $(BIN)/pip-compile ] || $(BIN)/pip install pip-tools
	$(PYPI_ONLY) $(BIN)/pip-compile --generate-hashes --allow-unsafe --extra test --strip-extras \
	    --index-url https://pypi.org/simple --no-emit-index-url --no-emit-find-links \
	    -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) $(DEMO_STORE) build dist src/*.egg-info .pytest_cache
	@rmdir var 2>/dev/null || true
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +

# The query page's YASGUI (src/kg/web/static/yasgui/, committed, so `make demo` and `make test`
# need no Node): rebuilt from ui/package-lock.json with Node 20+ and npm.
.PHONY: ui browser
ui:
	cd ui && npm ci --no-audit --no-fund --ignore-scripts && npm run build

# Chromium for the browser tests (tests/test_web_browser.py, driven by playwright): Debian's
# package, installed with apt-get (sudo unless root) when $(CHROMIUM) is missing.
CHROMIUM     ?= /usr/bin/chromium
browser:
	@[ -x $(CHROMIUM) ] || { \
	  command -v apt-get >/dev/null 2>&1 || { \
	    echo "make test: Chromium is needed for the browser tests and $(CHROMIUM) is missing;" >&2; \
	    echo "install it (Debian: apt-get install chromium) or name it: make test CHROMIUM=/path/to/chromium" >&2; exit 1; }; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi; \
	  echo "Installing Chromium for the browser tests: $$sudo apt-get install chromium"; \
	  $$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || { \
	    echo "make test: could not install Chromium (see above); the browser tests need it." >&2; exit 1; }; }
