# Packline — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint unit services system-deps clean promo-day

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/packline demo

# Lint, import contracts, then the whole suite on real PostgreSQL, SQLite, Redis and Chromium.
test: $(STAMP) system-deps services
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# A seeded promo day on the production shape, enforced and baseline (bench/promo_day.py; ~12 min).
promo-day: $(STAMP) services
	$(BIN)/python bench/promo_day.py

# Chromium (browser tests), nginx (multi-node smoke test), a CJK font (labels) from Debian's packages.
system-deps:
	@scripts/ensure-system-deps.sh

# Starts PostgreSQL/Redis when installed but stopped; fails loudly when missing.
services:
	@scripts/ensure-services.sh

clean:
	rm -rf $(VENV) instance .pytest_cache
