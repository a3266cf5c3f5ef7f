# Two commands matter: `make site` builds the site from the default content,
# `make test` runs the whole test suite. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test serve check generate lint clean

# Editable in "compat" mode: a .pth entry instead of an import hook, which every run would
# load first (10 ms of a one-quote edit).
INSTALL = $(BIN)/pip install --quiet --disable-pip-version-check --config-settings editable_mode=compat -e

$(VENV)/.site: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) .
	touch $@

$(VENV)/.test: $(VENV)/.site
	$(INSTALL) '.[test]'
	touch $@

# The Nu HTML Checker (tests/test_checkers.py) ships as the npm package vnu-jar, pinned in
# package.json and package-lock.json; its jar runs on the machine's Java.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Compiled once here, the generator starts faster on every run, also where the environment
# says not to write bytecode (PYTHONDONTWRITEBYTECODE, which only stops Python writing it).
COMPILE = $(BIN)/python -m compileall -q generator

site: $(VENV)/.site
	$(COMPILE)
	$(BIN)/briefings build

serve: $(VENV)/.site
	$(COMPILE)
	$(BIN)/briefings serve

check: $(VENV)/.site
	$(COMPILE)
	$(BIN)/briefings check

generate: $(VENV)/.site
	$(COMPILE)
	$(BIN)/briefings generate

lint: $(VENV)/.test
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

test: lint node_modules/.installed
	$(COMPILE)
	$(BIN)/python -m pytest -n 2 -q

clean:
	rm -rf site .briefings-site-* .briefings-old-*
