# decider: `make run` serves decider, `make test` checks everything. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_FLAGS ?=

.PHONY: install run test lint typecheck browser unit hadolint manifests fuzz adversarial openapi bench constraints screenshots clean

# Bytecode for decider's own modules (an editable install has none, and PYTHONDONTWRITEBYTECODE may keep Python from
# writing it): without it every `decider` command compiles the whole package from source before it starts.
install: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 decider api

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet --constraint constraints.txt -e ".[dev]"
	touch $(STAMP)

# `make run PORT=8080` to serve on another port. Logs are text on a terminal, JSON otherwise (decider serve --log-format).
PORT ?= 8000

run: install
	@echo "decider API on http://127.0.0.1:$(PORT) (index: /, Swagger UI: /docs, ReDoc: /redoc). In another terminal:"
	@echo "  curl -s -X POST localhost:$(PORT)/recommend -H 'content-type: application/json' -d @examples/checkout-api.json"
	@echo "  curl -s localhost:$(PORT)/rules?category=limits    curl -s localhost:$(PORT)/healthz"
	$(BIN)/decider serve --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The page's browser test drives Debian's chromium (headless, through Playwright): installed here when missing.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

unit: install browser
	$(BIN)/pytest

# The README's pictures: the page's answer and its chart (from the browser test) and the CLI's chart file.
screenshots: install browser
	DECIDER_SCREENSHOTS=docs/img $(BIN)/pytest -p no:cacheprovider --no-cov -q tests/api/test_page_browser.py
	$(BIN)/decider recommend examples/queue-consumer.yaml --chart docs/img/cost-chart.svg > /dev/null

hadolint: install
	$(BIN)/hadolint Dockerfile

# Kubernetes versions the manifests must be valid for; kubernetes-validate ships their schemas (no download).
K8S_VERSIONS ?= 1.30 1.37
K8S_MANIFESTS = $(filter-out deploy/kubernetes/kustomization.yaml,$(wildcard deploy/kubernetes/*.yaml))

# deploy/: every Kubernetes manifest against the API schemas, strictly (an unknown field fails; so does an unknown kind,
# which kubernetes-validate only warns about), then the deployment tests: Pod Security "restricted", Checkov-style
# checks, and the ECS task definition against botocore's ECS service model.
manifests: install
	@out="$$($(BIN)/kubernetes-validate --strict --quiet $(addprefix -k ,$(K8S_VERSIONS)) $(K8S_MANIFESTS) 2>&1)"; \
	status=$$?; if [ $$status -ne 0 ] || [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "kubernetes-validate --strict: $(words $(K8S_MANIFESTS)) manifests valid for Kubernetes $(K8S_VERSIONS)"
	$(BIN)/pytest -p no:cacheprovider --no-cov -q tests/test_deploy.py tests/test_deploy_kubernetes.py tests/test_deploy_ecs.py

fuzz: install
	$(BIN)/python tests/live_schemathesis.py

# The bounded adversarial suite against a live `decider serve --workers 2` (tests/live_adversarial.py): slow and many
# connections, a soak of mixed requests with reloads (0 failures), bad rules on disk plus a killed worker.
adversarial: install
	$(BIN)/python tests/live_adversarial.py

openapi: install
	$(BIN)/decider openapi

test: lint typecheck unit hadolint manifests fuzz adversarial

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
