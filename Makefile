# Everything a fresh machine needs, from two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# Prefer a python3.13 on PATH, else the one pyenv keeps, else fail with a clear message.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 2>/dev/null | sort -V | tail -1)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
CHROMIUM := /usr/bin/chromium

.PHONY: setup dev-setup axe demo serve test lint typecheck imports test-sqlite test-postgres test-browser test-runtime-install chromium postgres lock clean

PIP := $(BIN)/pip install --quiet --disable-pip-version-check

## What a server needs, and nothing else: the runtime dependencies, pinned with hashes.
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION)) or set PYTHON=/path/to/python"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps -e .
	touch $@

## On top of that, what working on Alliance needs: tests, linters, type checker.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PIP) --require-hashes -r requirements-dev.lock
	touch $@

setup: $(VENV)/.installed

dev-setup: $(VENV)/.installed-dev

## The first Quick start command: set up, load the demo practice into SQLite, serve on 127.0.0.1.
demo: setup
	$(BIN)/alliance migrate --noinput
	$(BIN)/alliance collectstatic --noinput --verbosity 0
	$(BIN)/alliance demo
	$(BIN)/alliance serve

serve: setup
	$(BIN)/alliance migrate --noinput
	$(BIN)/alliance collectstatic --noinput --verbosity 0
	$(BIN)/alliance serve

## The second Quick start command: set up and run every check and test.
test: dev-setup chromium postgres lint typecheck imports test-sqlite test-postgres test-browser test-runtime-install
	@echo "All checks passed: lint, types, layers, SQLite, PostgreSQL, browser tests, runtime install."

lint: dev-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev-setup
	$(BIN)/mypy alliance simulation

## The layers of docs/architecture.md, as an import contract (pyproject.toml [tool.importlinter]).
imports: dev-setup
	$(BIN)/lint-imports

test-sqlite: dev-setup
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" -p no:cacheprovider -n 2

test-postgres: dev-setup postgres
	@echo "== test suite on PostgreSQL (throwaway database, dropped afterwards) =="
	DATABASE_URL=$(PG_URL) ALLIANCE_TEST_DATABASE_NAME=test_alliance_$$$$ \
		$(BIN)/pytest -m "not browser" -p no:cacheprovider --create-db -n 2

test-browser: dev-setup chromium axe
	@echo "== browser tests in headless Chromium =="
	env -u DATABASE_URL $(BIN)/pytest -m browser -p no:cacheprovider

## The runtime dependencies alone, in a fresh environment, run the demo and `alliance serve`.
test-runtime-install: setup
	@echo "== a server install: requirements.lock alone runs the demo and alliance serve =="
	PYTHON=$(PYTHON) tools/check-runtime-install

## axe-core for the accessibility scan of the browser tests, from the npm registry, exactly as
## tools/axe/package-lock.json pins it (version and integrity hash). Not part of the product.
AXE_JS := tools/axe/node_modules/axe-core/axe.min.js
axe: $(AXE_JS)

$(AXE_JS): tools/axe/package.json tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund --ignore-scripts
	touch $@

chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	@for attempt in $$(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
		echo "PostgreSQL is not answering on 127.0.0.1:5432: the PostgreSQL tests cannot run."; exit 1

## Regenerate both lock files, with hashes, from pyproject.toml (pip-tools; needs PyPI).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--output-file requirements.lock pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev \
		--output-file requirements-dev.lock pyproject.toml
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
