# Two commands do everything from a fresh clone:
#   make run   - set up, migrate, load demo data, serve http://127.0.0.1:8000
#                (another address: make run TONGBAN_BIND=0.0.0.0:8080)
#   make test  - set up, then the whole suite (and again on PostgreSQL when
#                TONGBAN_TEST_DATABASE_URL is set)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= auto

.PHONY: run test setup install migrate demo lint bench fuzz clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(BIN)/tongban migrate --noinput -v 0

setup: migrate
	$(BIN)/tongban demo --quiet

# The demo loads once (a second load finds it there), quietly, and lists its accounts once.
run: migrate
	$(BIN)/tongban demo --quiet --accounts
	$(BIN)/tongban serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/tongban makemigrations --check --dry-run -v 0

test: setup lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q
	@if [ -n "$${TONGBAN_TEST_DATABASE_URL:-}" ]; then \
	  echo "== PostgreSQL: $${TONGBAN_TEST_DATABASE_URL}"; \
	  $(BIN)/python -m tongban.core.dbcheck "$${TONGBAN_TEST_DATABASE_URL}"; \
	  DATABASE_URL="$${TONGBAN_TEST_DATABASE_URL}" TONGBAN_EXPECT_DB_VENDOR=postgresql \
	    $(BIN)/pytest -n $(PYTEST_WORKERS) -q --create-db; \
	fi

bench: install
	$(BIN)/python -m bench

# A long API fuzzing run (the suite runs a few examples per operation on every change).
fuzz: install
	TONGBAN_FUZZ_EXAMPLES=$${TONGBAN_FUZZ_EXAMPLES:-300} $(BIN)/pytest tests/test_api_fuzz.py -n $(PYTEST_WORKERS) -q

clean:
	rm -rf $(VENV) node_modules staticfiles
