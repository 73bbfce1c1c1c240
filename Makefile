# The README's two commands: `make demo` and `make test`. Both set up .venv on first use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.pantau-installed

.PHONY: setup demo test lint services browser bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Butuh $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch pinned in the same pip call: the CPU wheel on disk, not GBs of CUDA (see shared/docs/stack-notes.md)
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0 -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/pantau demo

# PostgreSQL for the dual-backend tests: start the local cluster when it is not answering.
services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432

# Debian chromium (browser tests, screenshots) and poppler (PDF checks), installed when missing.
browser:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	  else echo "chromium/poppler tidak ada dan bukan root: uji peramban akan dilewati"; fi; \
	fi

test: setup services browser
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/collect.py && $(BIN)/python bench/classify.py

clean:
	rm -rf $(VENV) var test-artifacts
