# rmperf — every target creates and uses .venv itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RMPERF_HOME ?= ./var
DEMO_DIR ?= $(RMPERF_HOME)/demo-package
export RMPERF_HOME

.PHONY: venv demo test test-fast test-deep lint bench bench-large clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

# the demo bank imported, run, paid and graded; then (unless SERVE=0) the web app on http://127.0.0.1:8000
SERVE ?= 1
demo: $(STAMP)
	$(BIN)/rmperf demo
	@if [ "$(SERVE)" != "0" ]; then $(BIN)/rmperf serve --with-worker; fi

test: $(STAMP)
	bash scripts/ensure-java.sh
	bash scripts/ensure-postgres.sh
	source scripts/pg-env.sh && $(BIN)/python -m pytest -q -n 2 --dist loadfile

# the pure core's tests and scenarios, the services' (on the tiny bank, in-process) and the house's (layers, docs):
# no subprocess or Spark, the ledger's state machine at 200 runs (1,000 in make test), well under 2 minutes
FAST_TESTS := tests/core tests/scenarios tests/services tests/test_layers.py tests/test_docs.py
test-fast: $(STAMP)
	RMPERF_PROPERTY_EXAMPLES=200 $(BIN)/python -m pytest -q -n 2 -m "not slow" $(FAST_TESTS)

# the property tests and the ledger's state machine with 20 times the examples of make test (about 40 minutes)
test-deep: $(STAMP)
	RMPERF_PROPERTY_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/engine/test_properties.py tests/core/test_ledger_machine.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py --size small --keep
	$(BIN)/python bench/bench_indicators.py --home bench/out/small-42/home

bench-large: $(STAMP)
	$(BIN)/python bench/bench_import.py --size large --keep
	$(BIN)/python bench/bench_indicators.py --home bench/out/large-42/home

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
