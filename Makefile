# Two commands for a newcomer: `make run` and `make test`. Both start with `make install`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run PORT=8012` serves on another port; tracking links in messages follow it.
PORT ?= 8000
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
export PUBLIC_BASE_URL

help:
	@echo "make run      set everything up and serve the app with demo data on http://127.0.0.1:8000 (PORT=… for another port)"
	@echo "make test     run the whole test suite"
	@echo "make install  virtual environment + Python and npm dependencies (nothing else)"
	@echo "make lint     ruff"
	@echo "make bench-load  the load benchmark: gunicorn + Celery + PostgreSQL, 1/16/64 agents (docs/performance.md)"

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

var:
	mkdir -p var/staticfiles var/private

run: install var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C stops the server and the background jobs)"
	@if [ -n "$$REDIS_URL" ]; then \
		trap 'kill 0' EXIT; \
		$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 & \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT); \
	else \
		trap 'kill 0' EXIT; \
		$(BIN)/python manage.py run_scheduler & \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT); \
	fi

test: install var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The load benchmark (bench/load/run.py): its own PostgreSQL database, built once and reused.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm_bench_load
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/10
BENCH_LOAD_ARGS ?=
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench-load: install $(BENCH_STAMP) var
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python bench/load/run.py $(BENCH_LOAD_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: help install run test lint var bench-load
