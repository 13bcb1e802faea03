# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
PYTHON ?= python3
UV := .uv/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install run test test-python lint bench clean-data

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed  ## Install the Python dependencies from the lock file.

.env:
	@touch .env

# Generates a JWT secret once; later runs keep it, so issued tokens stay valid.
secret: .env
	@grep -q '^JWT_SECRET_KEY=..*' .env || { \
		printf 'JWT_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" >> .env; \
		echo "Wrote a new JWT_SECRET_KEY to .env"; }

run: install secret  ## Serve on http://127.0.0.1:8000 with demo data (embedded PostgreSQL unless DATABASE_URL is set).
	$(VENV)/bin/creatives serve --demo-if-empty

test: lint  ## Run the checks and every test (TEST_DATABASE_URL, or a throwaway embedded PostgreSQL).
	$(VENV)/bin/pytest

lint: install  ## Check formatting, lint rules and types.
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy src
