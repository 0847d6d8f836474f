# Écoute: `make demo` runs the product with demo data, `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export ECOUTE_ENV ?= development

.PHONY: demo test setup setup-dev system-deps worker lint bench clean

demo: setup  ## Run the web app and a worker on SQLite with demo data, at http://127.0.0.1:5000/
	$(FLASK) db upgrade
	$(FLASK) qa seed-demo
	$(FLASK) qa serve

test: setup-dev system-deps  ## Run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/python -m pytest

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt requirements-diarization.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .  # the project itself: `app` importable from anywhere (bench/)
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-whisper.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

system-deps:
	./scripts/system-deps.sh

worker: setup  ## A worker alone (scale out: run more of these, on more machines, with REDIS_URL)
	$(FLASK) qa worker

lint: setup-dev  ## ruff (lint and format), and the architecture contracts in .importlinter
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache
