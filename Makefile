# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
PYTHON ?= python3
UV := .uv/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install run test lint chromium frontend bench bench-pixel bench-attribution

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed  ## Install the Python dependencies from the lock file.

# The file holds the token secret, so only its owner may read it.
.env:
	@touch .env && chmod 600 .env

# Generates a JWT secret once; later runs keep it, so issued tokens stay valid.
secret: .env
	@grep -q '^JWT_SECRET_KEY=..*' .env || { \
		printf 'JWT_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" >> .env; \
		echo "Wrote a new JWT_SECRET_KEY to .env"; }

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build

frontend: frontend/dist/index.html  ## Build the dashboard into frontend/dist.

run: install secret frontend  ## Serve on http://127.0.0.1:8000 with demo data (embedded PostgreSQL unless DATABASE_URL is set).
	$(VENV)/bin/creatives serve --demo-if-empty

# Browser tests drive Debian's Chromium; a browser download is not possible everywhere.
chromium:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y chromium; }

test: lint chromium frontend  ## Run the checks and every test (TEST_DATABASE_URL, or a throwaway embedded PostgreSQL).
	cd frontend && npm run check:api && npm run format:check && npm test
	$(VENV)/bin/pytest
	scripts/e2e.sh

lint: install  ## Check formatting, lint rules and types.
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy src

BENCH_SCALES ?= small large
BENCH_ARGS ?=

bench: install chromium frontend  ## Build the 5 M and 50 M row datasets, time the API, the baselines and the dashboard grid in Chromium, write docs/benchmarks.md (BENCH_SCALES=small for a quick run).
	$(VENV)/bin/python -m bench.run --scales $(BENCH_SCALES) $(BENCH_ARGS)

bench-pixel: install  ## Benchmark the pixel collector with wrk (and nginx's empty_gif if installed).
	@command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
	$(VENV)/bin/python bench/pixel_bench.py

EVENTS ?= 10000000

bench-attribution: install  ## Time `creatives integrate` on 10 M generated pixel events, write docs/attribution-benchmarks.md (EVENTS=1000000 for a quick run).
	$(VENV)/bin/python -m bench.attribution_bench --events $(EVENTS) $(BENCH_ARGS)
