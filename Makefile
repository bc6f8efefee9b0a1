# newsmon: `make demo` then `make test` on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
# `newsmon ingest` without PREFECT_API_URL starts an ephemeral Prefect API: on a loaded
# 2-core machine it can take longer than Prefect's default 20 s to answer.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90

.PHONY: demo test lint format bench server serve clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsmon demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks print figures (BENCHMARKS.md says what each measures); the peer is a bench extra.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,bench]"
	$(BIN)/python -m bench.tagging
	$(BIN)/python -m bench.ingest --dask --json bench-ingest.json
	$(BIN)/python -m bench.views --articles 1000000 --json bench-views.json

# A local Prefect API for scheduled runs (an ephemeral one cannot schedule). Then, in
# another terminal: export PREFECT_API_URL=http://127.0.0.1:4200/api; make serve
server: $(STAMP)
	$(BIN)/prefect server start --host 127.0.0.1 --port 4200

serve: $(STAMP)
	$(BIN)/newsmon serve

clean:
	rm -rf $(VENV) .prefect data .pytest_cache .ruff_cache
