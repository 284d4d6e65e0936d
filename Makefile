# decider: `make run` serves decider, `make test` checks everything. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_FLAGS ?=

.PHONY: install run test lint typecheck unit hadolint fuzz openapi bench constraints clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e ".[dev]"
	touch $(STAMP)

run: install
	@echo "decider API on http://127.0.0.1:8000 (OpenAPI UI: /docs). In another terminal:"
	@echo "  curl -s -X POST localhost:8000/recommend -H 'content-type: application/json' -d @examples/checkout-api.json"
	@echo "  curl -s localhost:8000/rules?category=limits    curl -s localhost:8000/healthz"
	$(BIN)/decider serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

hadolint: install
	$(BIN)/hadolint Dockerfile

fuzz: install
	$(BIN)/python tests/live_schemathesis.py

openapi: install
	$(BIN)/decider openapi

test: lint typecheck unit hadolint fuzz

# The bench extra (zen-engine, the rules-engine anchor) on top of dev; constraints.txt pins what it lists and lets
# zen-engine through until `make constraints` adds it.
$(BENCH_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e ".[dev,bench]"
	touch $(BENCH_STAMP)

# Every bench/*.py, then the summary table of their headline figures (bench/summary.py). Figures are printed, never
# gated: a shared machine is noisy. `make bench BENCH_FLAGS=--quick` is a fast smoke run.
bench: install $(BENCH_STAMP)
	@results=$$(mktemp -d) && trap 'rm -rf "$$results"' EXIT && \
	for script in bench/*.py; do \
		[ "$$script" = bench/summary.py ] && continue; \
		started=$$(date +%s); echo "== $$script"; \
		$(BIN)/python $$script --summary-dir "$$results" $(BENCH_FLAGS) || exit 1; \
		echo "   ($$script: $$(( $$(date +%s) - started )) s)"; echo; \
	done && \
	$(BIN)/python bench/summary.py "$$results"

constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v "^decider" | sed "1i # Every package decider installs, pinned, so a fresh clone gets the same versions (and the same OpenAPI document).\n# Regenerate after changing pyproject.toml: make constraints" > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .hypothesis
