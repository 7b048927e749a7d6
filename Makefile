# Developer tasks. `make help` lists them.
#
# Everything runs from .venv (created by `make install`); nothing is installed
# globally. Variables from a .env file (see .env.example) are exported to
# every command.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.install-stamp
NODE_STAMP := node_modules/.install-stamp

# runserver address; BIND=0.0.0.0 to reach it from another machine.
BIND ?= 127.0.0.1
PORT ?= 8000
# The machines have 2 cores; more workers only add database set-up time.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

ifneq ($(wildcard .env),)
include .env
export $(shell sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\)=.*/\2/p' .env)
endif

.PHONY: help install services db-roles demo run worker beat test lint format bench bench-trust scale-test deploy-check reset-db devdb-stop backup restore export-school import-school clean distclean

help:
	@echo "make install       .venv from requirements-dev.txt and node_modules from package-lock.json"
	@echo "make demo          database + migrations + demo data + Celery, then runserver on BIND:PORT"
	@echo "make run           runserver on $(BIND):$(PORT) (no migrations)"
	@echo "make worker/beat   Celery worker / beat with the database scheduler"
	@echo "make test          the whole pytest suite, browser tests included (PYTEST_ARGS=... to narrow)"
	@echo "make lint/format   ruff check + format --check / fix imports and reformat"
	@echo "make deploy-check  a production release in a temporary directory: collectstatic, migrate,"
	@echo "                   check --deploy, then gunicorn answering the sign-in page and /healthz"
	@echo "make bench         benchmarks/run.py"
	@echo "make scale-test    nginx, two web nodes, two workers and beat under load, losing a node and a worker"
	@echo "make bench-trust   pages, load and termly PDF on a 20-school trust (BENCH_TRUST_SCALE=0.1 for a tenth)"
	@echo "make db-roles      create the owner and runtime database roles (python -m pastoral.dbroles)"
	@echo "make reset-db      drop and recreate the development database (FORCE=1 skips the prompt)"
	@echo "make devdb-stop    stop the embedded PostgreSQL in var/pgdata, if one runs"
	@echo "make backup        database and files in one encrypted archive in var/backups (FILE=... to choose)"
	@echo "make restore FILE=...  restore an archive into an empty database and file store, then verify it"
	@echo "make export-school SCHOOL=... FILE=...  one school's records and files in one archive"
	@echo "make import-school FILE=... [TRUST=...]  import a school archive as a new school, then verify it"
	@echo "make clean         caches, collected static files and logs; distclean also .venv and node_modules"

# --- installation ------------------------------------------------------------
# Stamp files make a second `make install` (and every target that needs it)
# cost nothing until a requirements or package file changes.

install: $(PY_STAMP) $(NODE_STAMP)

# --clear: a .venv whose interpreter has gone (pyenv upgrade) must be
# rebuilt, not patched.
$(PY):
	@$(PYTHON) -c 'import sys; sys.version_info[:2] == (3, 11) or print(f"warning: {sys.executable} is Python {sys.version.split()[0]}; the project targets 3.11", file=sys.stderr)'
	$(PYTHON) -m venv --clear $(VENV)

$(PY_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --no-input --progress-bar off -q -r requirements-dev.txt
	@touch $@

# Only when the lock file is missing: regenerating it on every package.json
# change would let `make` silently move pinned front-end versions.
package-lock.json:
	npm install --package-lock-only --no-audit --no-fund

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

services:
	@bash scripts/services.sh

# --- running -----------------------------------------------------------------

demo: install
	@BIND=$(BIND) PORT=$(PORT) bash scripts/demo.sh

run: install
	bash scripts/with-devdb.sh $(PY) manage.py runserver $(BIND):$(PORT)

worker: install
	bash scripts/with-devdb.sh $(VENV)/bin/celery -A pastoral worker -l info

beat: install
	bash scripts/with-devdb.sh $(VENV)/bin/celery -A pastoral beat -l info \
		--scheduler django_celery_beat.schedulers:DatabaseScheduler

# --- checks ------------------------------------------------------------------

# Browser tests (marker `browser`) run in the same pytest run. Playwright's sync
# API keeps an event loop in the test thread, which makes Django refuse ORM
# calls from live_server tests unless async-unsafe access is allowed.
# pytest exits 5 when it collects nothing; that is reported, not failed.
test: install services db-roles
	@export DJANGO_ALLOW_ASYNC_UNSAFE=true; \
	echo "$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --create-db $(PYTEST_ARGS)"; \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --create-db $(PYTEST_ARGS)

lint: install
	@rc=0; \
	$(VENV)/bin/ruff check . || rc=1; \
	$(VENV)/bin/ruff format --check . || rc=1; \
	exit $$rc

format: install
	$(VENV)/bin/ruff check --select I --fix .
	$(VENV)/bin/ruff format .

# collectstatic, migrate as the owner role and `check --deploy` with production settings, then gunicorn
# (deploy/gunicorn.conf.py) as the runtime role answering the sign-in page, its static files and /healthz.
# A throw-away database, roles and directory; a fresh random secret key. See scripts/deploy-check.sh.
deploy-check: install
	@bash scripts/deploy-check.sh

bench: install db-roles
	@if [ ! -f benchmarks/run.py ]; then echo "bench: benchmarks/run.py does not exist yet" >&2; exit 1; fi
	$(PY) benchmarks/run.py

# Not part of `make test`: it takes about five minutes (README.md, "Past one machine").
# SCALE_ARGS="--storage s3" runs it against an S3-compatible server instead of a shared folder.
SCALE_ARGS ?=
scale-test: install services
	$(PY) scripts/scaleout.py $(SCALE_ARGS)
# Generates the trust (about ten minutes) into its own database the first time, then reuses it.
# Knobs: BENCH_TRUST_SCALE, BENCH_TRUST_STEPS, BENCH_TRUST_RUNS, BENCH_TRUST_LOAD_SECONDS,
# BENCH_TRUST_LOAD_USERS, BENCH_TRUST_PDF_RUNS, BENCH_TRUST_REBUILD=1 (see benchmarks/trust/__main__.py).
bench-trust: install
	$(PY) -m benchmarks.trust

# --- database ----------------------------------------------------------------

# The two roles `make test` (and the app) use: python -m pastoral.dbroles, as
# user postgres. Development passwords unless DATABASE_URL/DATABASE_OWNER_URL say otherwise.
db-roles: install
	@$(PY) -m pastoral.dbroles

reset-db: install
	@settings=$$($(PY) -m pastoral.devdb); \
	shown=$$(eval "$$settings"; sed -E 's#(://[^:@/]+):[^@/]*@#\1:***@#' <<<"$$DATABASE_URL"); \
	if [ "$(FORCE)" != 1 ]; then \
		read -r -p "Drop and recreate $$shown? Everything in it is lost. [y/N] " answer || answer=; \
		case "$$answer" in [yY]*) ;; *) echo "reset-db: cancelled" >&2; exit 1;; esac; \
	fi; \
	$(PY) -m pastoral.devdb --reset >/dev/null; \
	echo "reset-db: $$shown is empty; 'make demo' migrates and seeds it"

devdb-stop:
	@if [ -x $(PY) ]; then $(PY) -m pastoral.devdb --stop; fi

# --- backups -----------------------------------------------------------------
# manage.py backup / restore against the development database (README.md, "Backups and restores").
# Production runs the same commands with its environment files; see the cron example there.

backup: install
	@bash scripts/with-devdb.sh $(PY) manage.py backup $(if $(FILE),--output "$(FILE)")

# Only into an empty database and empty file folders: `make reset-db` and move var/media and var/generated
# aside first. FILE is the archive `make backup` wrote.
restore: install
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=var/backups/pastoral-....tar.enc" >&2; exit 2; fi
	@bash scripts/with-devdb.sh $(PY) manage.py restore "$(FILE)"

# --- moving a school --------------------------------------------------------
# manage.py export_school / import_school against the development database (docs/school-export-format.md).
# SCHOOL is the school's code or id; the archive holds the school's records unencrypted.

export-school: install
	@if [ -z "$(SCHOOL)" ] || [ -z "$(FILE)" ]; then echo "usage: make export-school SCHOOL=<code or id> FILE=school.zip" >&2; exit 2; fi
	@bash scripts/with-devdb.sh $(PY) manage.py export_school --school "$(SCHOOL)" --out "$(FILE)"

import-school: install
	@if [ -z "$(FILE)" ]; then echo "usage: make import-school FILE=school.zip [TRUST=<id, code or name>]" >&2; exit 2; fi
	@bash scripts/with-devdb.sh $(PY) manage.py import_school "$(FILE)" $(if $(TRUST),--trust "$(TRUST)")

# --- housekeeping ------------------------------------------------------------
# var/ is left alone: it holds uploaded files and the embedded database.

clean:
	find . \( -path ./.venv -o -path ./node_modules \) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .ruff_cache .pytest_cache staticfiles test-results var/log var/test-media

distclean: clean devdb-stop
	rm -rf $(VENV) node_modules
