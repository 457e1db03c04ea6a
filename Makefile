# kefu: `make run` sets up and serves the demo; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kefu_ci
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock 2>/dev/null | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help venv setup run worker test lint test-sqlite test-postgres browser-deps bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP) ## create .venv and install the locked dependencies

setup: venv ## migrate, compile messages, build offline models, seed data, load the demo
	$(PY) manage.py kefu_setup --demo

run: setup ## set up, then serve kefu with its background worker on http://127.0.0.1:$(PORT)
	@$(PY) manage.py demo_logins
	@echo ""; echo "kefu is starting: open http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/api/v1/docs)"; echo ""
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py kefu_worker & \
	  $(PY) -m uvicorn kefu.asgi:application --host 127.0.0.1 --port $(PORT) --ws websockets --log-level warning

worker: venv ## run only the background task worker
	$(PY) manage.py kefu_worker

lint: venv ## ruff and the migrations check
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=kefu.settings_test

browser-deps: ## install Debian's chromium, chromium-driver and espeak-ng the tests drive (when root)
	@bash scripts/install-browser.sh

test: venv lint browser-deps ## lint, then pytest on SQLite and, if reachable, on PostgreSQL
	$(PY) manage.py kefu_setup --settings=kefu.settings_test --build-only
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/pg_reachable.py; then $(MAKE) --no-print-directory test-postgres; \
	  else echo "SKIPPED: PostgreSQL run: 127.0.0.1:5432 does not answer"; fi

test-sqlite: venv
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest -n 2 --dist loadgroup -q

test-postgres: venv
	@echo "== pytest on PostgreSQL ($(PG_TEST_URL)) =="
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -n 2 --dist loadgroup -q --create-db

bench: venv ## run the benchmarks under bench/ (PostgreSQL ones need 127.0.0.1:5432)
	@for b in bench/*.py; do echo "== $$b =="; $(PY) $$b || exit 1; done

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
