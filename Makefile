# govdoor: `make demo` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export PYTHONDONTWRITEBYTECODE := 1
PYTEST_ARGS ?=

.PHONY: help install deps assets demo serve migrate demo-data test test-fast lint format openapi openapi-check bench worker messages translations clean

help:
	@echo "make demo   install, migrate, load the demo country, serve on http://127.0.0.1:8000"
	@echo "make test   run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint | openapi | bench | worker | clean"

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

deps: $(UV)
	$(UV) sync --frozen --quiet

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

assets: frontend/node_modules/.package-lock.json
	cd frontend && node build.mjs

install: deps assets messages

# Refresh the French catalogues from the code (`_l` is gettext_lazy in some modules).
translations: deps
	cd src/govdoor && ../../$(PY) ../../manage.py makemessages -l fr --no-obsolete

messages: deps
	if [ -d src/govdoor/locale ]; then cd src/govdoor && ../../$(PY) ../../manage.py compilemessages -v 0; fi

migrate: install
	$(MANAGE) migrate --no-input -v 0

demo-data: migrate
	$(MANAGE) load_demo_country

demo: demo-data
	$(MANAGE) demo_accounts
	@echo "govdoor is serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000 --noreload

serve: install
	$(VENV)/bin/gunicorn govdoor.wsgi --bind 127.0.0.1:8000 --workers 2

worker: install
	$(VENV)/bin/celery -A govdoor worker --beat --loglevel INFO

test: install
	GOVDOOR_MODE=$${GOVDOOR_MODE:-test} $(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: install
	GOVDOOR_MODE=$${GOVDOOR_MODE:-test} $(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy src benchmarks

format: deps
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

# The schema is generated against the embedded database: integer ranges differ per backend.
openapi: deps
	env -u DATABASE_URL $(MANAGE) spectacular --file openapi.yaml --validate

openapi-check: deps
	env -u DATABASE_URL $(MANAGE) spectacular --file var/openapi.generated.yaml --validate
	diff -u openapi.yaml var/openapi.generated.yaml || { echo "openapi.yaml is out of date: run make openapi"; exit 1; }

bench: install
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var frontend/node_modules
