# The two commands of the quick start, plus the generators and the benchmark.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test generate bench lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(STAMP)

build: $(STAMP)
	$(BIN)/pwc validate
	$(BIN)/pwc build --out build

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

generate: $(STAMP)
	$(BIN)/pwc schema --out schemas
	$(BIN)/pwc docs --out docs/problems.md

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check validator tests benchmarks

clean:
	rm -rf build .pytest_cache
