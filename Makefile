# The one place that knows how to set up, test, lint, run and benchmark voxpop.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PG_VERSION := $(shell ls /etc/postgresql 2>/dev/null | head -1)

.PHONY: demo test lint test-sqlite test-postgres services chromium serve bench-ingest clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "voxpop needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'  # the CPU build; anything looser pulls a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## make demo: the embedded default (SQLite, jobs in-process): a generated company, served on 127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/voxpop demo

serve: $(STAMP)
	$(BIN)/voxpop serve

## Debian's chromium for the browser tests, when it is missing
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

## Local PostgreSQL and Redis, started when installed and not running (the test suite uses both)
services:
	@if [ -n "$(PG_VERSION)" ] && ! pg_isready -h 127.0.0.1 -q; then \
		pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start || true; fi
	@if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	$(BIN)/pytest --backend=sqlite

test-postgres: $(STAMP) services
	$(BIN)/pytest --backend=postgresql

## make test: lint, types, import contracts, then the whole suite on SQLite and again on PostgreSQL
test: $(STAMP) chromium services lint test-sqlite test-postgres

bench-ingest: $(STAMP) services
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
