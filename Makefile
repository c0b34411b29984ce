# Two entry points: `make demo` (set up, then run the skill against the local emulator)
# and `make test` (set up, then run the whole suite). Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/python -m kimi_skill.demo

test: $(VENV)/.test
	$(BIN)/python -m ruff check scripts tests bench
	$(BIN)/python -m mypy
	$(BIN)/python scripts/validate.py --strict
	$(BIN)/python scripts/package.py --output dist
	$(BIN)/python -m pytest

bench: $(VENV)/.test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache
