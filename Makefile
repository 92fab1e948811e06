# Everything a fresh machine needs, from two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# Prefer a python3.13 on PATH, else the one pyenv keeps, else fail with a clear message.
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 2>/dev/null | sort -V | tail -1)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
CHROMIUM := /usr/bin/chromium

.PHONY: setup demo serve test lint typecheck test-sqlite test-postgres test-browser chromium postgres lock clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION)) or set PYTHON=/path/to/python"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

setup: $(VENV)/.installed

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
test: setup chromium postgres lint typecheck test-sqlite test-postgres test-browser
	@echo "All checks passed: lint, types, SQLite, PostgreSQL and browser tests."

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy alliance simulation

test-sqlite: setup
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" -p no:cacheprovider -n 2

test-postgres: setup postgres
	@echo "== test suite on PostgreSQL (throwaway database, dropped afterwards) =="
	DATABASE_URL=$(PG_URL) ALLIANCE_TEST_DATABASE_NAME=test_alliance_$$$$ \
		$(BIN)/pytest -m "not browser" -p no:cacheprovider --create-db -n 2

test-browser: setup chromium
	@echo "== browser tests in headless Chromium =="
	env -u DATABASE_URL $(BIN)/pytest -m browser -p no:cacheprovider

chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	@for attempt in $$(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
		echo "PostgreSQL is not answering on 127.0.0.1:5432: the PostgreSQL tests cannot run."; exit 1

## Regenerate the pinned lock file from pyproject.toml (needs the network to reach PyPI).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Pinned versions of every runtime and development dependency (make lock regenerates this)."; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
