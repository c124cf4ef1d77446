# Two set-up commands: `make demo` and `make test`. Both create .venv on first use and are idempotent.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SCALE_STAMP := $(VENV)/.installed-scale

.PHONY: demo test lint bench mlflow-server-test clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: no python3.11 found; set PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@ $(STAMP)

$(SCALE_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,scale,linkage,sql]"
	@touch $@ $(DEV_STAMP) $(STAMP)

demo: $(STAMP)
	$(BIN)/vrurisk demo --out demo-output

test: $(SCALE_STAMP)
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(SCALE_STAMP)
	$(BIN)/python benchmarks/synth.py
	$(BIN)/python benchmarks/features.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache
