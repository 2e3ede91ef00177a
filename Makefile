# Two commands on a fresh machine:  `make run` (install and start the app)
#                                   `make test` (install and pass the tests)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint check-catalogue bench install install-dev chromium

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.app: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt requirements-dask.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt -r requirements-dask.txt
	touch $@ $(VENV)/.app

install: $(VENV)/.app
install-dev: $(VENV)/.dev

# Browser tests use Debian's chromium, never a browser downloaded by Playwright.
chromium:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

run: install
	$(BIN)/streamlit run app.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The catalogue is whole (every model sized and priced for every day it runs, periods that meet,
# sources and confidences): docs/updating-the-catalogue.md.
check-catalogue: install
	$(BIN)/python -m calc catalogue check

# The suite runs on the catalogue's edition day, then (without the browser) on days when
# announced changes take effect: a test that depends on the day without pinning it fails here,
# not on the day the change lands.
DAYS_AHEAD := 2026-12-11 2027-03-01
# What can depend on the day: the rules, the views, the pages and the command line (the adapters'
# I/O and the browser do not price anything themselves).
DAY_TESTS := tests/engine tests/views tests/pages tests/test_cli.py tests/test_cli_plan.py \
	tests/test_cli_tier_day.py tests/test_cli_catalogue.py tests/test_catalogue_guide.py

test: install-dev chromium lint check-catalogue
	$(BIN)/python -m pytest
	for day in $(DAYS_AHEAD); do \
	  $(BIN)/python -m pytest -q -m "not browser" --today $$day $(DAY_TESTS) || exit 1; \
	done

bench: install-dev
	for b in bench/bench_calc.py bench/bench_images.py bench/bench_explore.py bench/bench_plan.py bench/bench_request.py; do $(BIN)/python $$b; done
