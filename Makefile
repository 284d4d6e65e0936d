# decider: `make run` serves decider, `make test` checks everything. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

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

bench: install
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v "^decider" | sed "1i # Every package decider installs, pinned, so a fresh clone gets the same versions (and the same OpenAPI document).\n# Regenerate after changing pyproject.toml: make constraints" > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .hypothesis
