# make demo: set up .venv and run the worker once on the bundled sample feeds (no network).
# make test: set up .venv with the test extras and run ruff, mypy (bot and tests), lint-imports
# (the README's import table, .importlinter) and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck imports bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

DEMO_DB := sqlite:///var/demo.db

demo: $(STAMP)
	rm -f var/demo.db var/demo.db-wal var/demo.db-shm
	DATABASE_URL=$(DEMO_DB) $(BIN)/python -m bot run --once --config config/demo.yaml
	@echo "The demo's database is var/demo.db: $(BIN)/python -m bot status --db $(DEMO_DB)"

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: $(STAMP)
	$(BIN)/mypy bot tests

imports: $(STAMP)
	$(BIN)/lint-imports --no-cache --no-logo .importlinter .importlinter-runtime

test: lint typecheck imports
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/worker_bench.py
	$(BIN)/python bench/fetch_bench.py
	$(BIN)/python bench/analysis_bench.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
