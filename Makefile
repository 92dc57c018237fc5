# Tandem: two commands do all set-up on a fresh machine.
#   make run   venv, install, migrate, demo data, then web + Celery worker + beat
#   make test  venv, install, ruff, import contracts (.importlinter), the whole test suite
#   make bench benchmarks and the load test on PostgreSQL + Redis (docs/benchmarks.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Absolute links in e-mails (reminders) point at the port this run serves on.
TANDEM_SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install install-dev migrate seed lint format check clean bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Tandem needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The embedded default: SQLite and Celery's filesystem transport under var/,
# e-mails written to var/mail/. DJANGO_DEBUG is on only for this local run.
run: export DJANGO_DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) TANDEM_SITE_URL=$(TANDEM_SITE_URL) $(BIN)/honcho start -f Procfile

# The OpenID Connect provider the SSO browser tests start (npm's oidc-provider, pinned by
# tests/oidc_provider/package-lock.json); without Node.js those tests skip, saying why.
tests/oidc_provider/node_modules/.installed: tests/oidc_provider/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the single sign-on browser tests will be skipped"; fi

test: install-dev tests/oidc_provider/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=true $(BIN)/python manage.py check
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks and the load test (docs/benchmarks.md), on servers at 127.0.0.1. BENCH_DATABASE_URL
# names the PostgreSQL server and the prefix of the bench databases (tandem_bench_1k, _10k...,
# built once and reused; bench/data.py --rebuild builds them again); BENCH_BROKER_URL is Redis.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tandem_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/11
bench: export DATABASE_URL = $(BENCH_DATABASE_URL)
bench: export CELERY_BROKER_URL = $(BENCH_BROKER_URL)
bench: install-dev
	$(BIN)/python bench/data.py 1000 10000
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/reminders_sweep.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/load.py

clean:
	rm -rf var/ $(VENV)
