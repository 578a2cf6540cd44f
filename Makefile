# Kefu: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# xstatic-bootstrap builds with pkg_resources, which setuptools 81 dropped; pip before 25.3 reads
# build constraints from PIP_CONSTRAINT, pip 25.3 and later only from PIP_BUILD_CONSTRAINT
export PIP_CONSTRAINT := $(CURDIR)/build-constraints.txt
export PIP_BUILD_CONSTRAINT := $(CURDIR)/build-constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PG_URL ?= postgres://postgres@127.0.0.1:5432/kefu
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: echarts install run test lint security test-sqlite test-postgres browser messages bench bench-peers fuzz clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml build-constraints.txt | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed messages echarts

messages: $(VENV)/.installed
	@$(BIN)/python -m kefu.core.i18n

PORT ?= 8000

run: install
	$(BIN)/kefu serve --demo --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m django makemigrations --check --dry-run --settings=kefu.settings > /dev/null

browser:
	@bash tests/e2e/ensure_chromium.sh
	@bash tests/channels/ensure_dovecot.sh

test: lint security browser
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python tests/services_up.py; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "SKIPPED PostgreSQL + Redis run: no server answers on 127.0.0.1:5432 and 127.0.0.1:6379."; \
	fi

test-sqlite: install
	@echo "== test suite on SQLite =="
	KEFU_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -q -n 2 --dist loadfile --durations=10

test-postgres: install
	@echo "== test suite on PostgreSQL + Redis =="
	@# the fuzzer's examples are the slowest part; the SQLite pass runs the full bounded set, and
	@# the page walk's English half (words, not the database: tests/core/test_page_walk.py)
	KEFU_DATA_DIR=$(CURDIR)/var/test DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) \
		KEFU_FUZZ_EXAMPLES=6 $(BIN)/pytest -q -n 2 --dist loadfile --durations=10

security: install
	@# bandit notes every reviewed "# nosec" on a multi-line statement; only findings matter
	@set -o pipefail; $(BIN)/bandit -q -r src -ll -x '*/migrations/*' 2>&1 \
		| { grep -v "nosec encountered" || true; }
	@# pip-audit asks PyPI's JSON API about every installed version; where the registry mirror
	@# does not know a version it is reported as "not audited", which is not a failure
	@mkdir -p var
	@$(BIN)/pip-audit --progress-spinner off --skip-editable > var/pip-audit.log 2>&1; rc=$$?; \
		grep -v "could not be audited" var/pip-audit.log; exit $$rc

fuzz: install
	KEFU_DATA_DIR=$(CURDIR)/var/test KEFU_FUZZ_EXAMPLES=200 KEFU_FUZZ_STEPS=20 \
		$(BIN)/pytest -q -p no:randomly tests/hardening/test_fuzz_api.py

bench: install
	$(BIN)/python bench/web_bench.py --size large --db both
	$(BIN)/python bench/staffing_bench.py
	$(BIN)/python bench/roster_bench.py
	$(BIN)/python bench/kb_bench.py quality

bench-peers: install
	$(BIN)/python bench/peers/helpdesk_peer.py --db sqlite --tickets 100000

clean:
	rm -rf $(VENV) var build *.egg-info

# Apache ECharts for the report charts, from the npm registry at a pinned version into a
# git-ignored static folder served by Django's staticfiles (no CDN; the pages work offline)
ECHARTS_VERSION := 5.6.0
ECHARTS_DIR := src/kefu/static/vendor/echarts
echarts: $(ECHARTS_DIR)/.v$(ECHARTS_VERSION)

$(ECHARTS_DIR)/.v$(ECHARTS_VERSION):
	@command -v npm > /dev/null || { apt-get update -qq && apt-get install -y -qq npm > /dev/null; }
	rm -rf var/echarts $(ECHARTS_DIR) && mkdir -p var/echarts $(ECHARTS_DIR)
	cd var/echarts && npm pack --silent echarts@$(ECHARTS_VERSION) > /dev/null
	tar -xzf var/echarts/echarts-$(ECHARTS_VERSION).tgz -C var/echarts
	cp var/echarts/package/dist/echarts.min.js var/echarts/package/LICENSE $(ECHARTS_DIR)/
	touch $@
