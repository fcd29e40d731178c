# Moisinno — entry points. `make run` and `make test` are the README's quick start.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on; production sets DEBUG, SECRET_KEY, … in its environment.
export DEBUG ?= true

PYTHON := $(shell for c in python3.13 $$(ls -d /root/.pyenv/versions/3.13*/bin/python3 2>/dev/null) python3.12 $$(ls -d /root/.pyenv/versions/3.12*/bin/python3 2>/dev/null) python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$c; break; fi; done)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/uv:
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is required (python3.13 or python3.12 not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

# The browser tests' tools from the npm registry (package-lock.json): the Nu HTML checker (needs
# Java) and panva's oidc-provider, the local OpenID provider of the ProConnect test (needs Node).
$(VNU_JAR): package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --silent && touch $@; \
	  else echo "npm is not installed: the HTML checker tests will be skipped."; fi

# Leaflet and its marker clusters, from the npm registry (versions pinned in package.json),
# copied into static/vendor/ and committed: pages never load them from a CDN. To update: change
# the versions in package.json, run `make vendor-maps`, check the maps, commit static/vendor/.
.PHONY: vendor-maps
vendor-maps: ## Copy Leaflet and leaflet.markercluster from node_modules into static/vendor/
	npm install --no-audit --no-fund --ignore-scripts --silent
	rm -rf static/vendor/leaflet static/vendor/leaflet.markercluster
	mkdir -p static/vendor/leaflet static/vendor/leaflet.markercluster
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
	  node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
	  node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	  node_modules/leaflet.markercluster/MIT-LICENCE.txt static/vendor/leaflet.markercluster/

# The State's chart components (@gouvfr/dsfr-chart, Vue web components, ESM build), from the npm
# registry (version pinned in package.json), copied into static/vendor/ and committed: only the bar
# chart the bilan pages draw, its stylesheet and the licence. The package ships a development
# build (Vue's warnings and checks kept behind `<env>.NODE_ENV !== "production"`, 449 KB): each such
# test is replaced by "production" and esbuild (pinned here) drops the dead code and minifies
# (285 KB; licence comments kept at the end). To update: change the version in package.json, run
# `make vendor-charts`, check the bilan pages (tests/e2e/test_bilan_charts.py).
ESBUILD_VERSION := 0.28.2
.PHONY: vendor-charts
vendor-charts: ## Copy dsfr-chart's bar chart from node_modules into static/vendor/, production build
	npm install --no-audit --no-fund --ignore-scripts --silent
	rm -rf static/vendor/dsfr-chart
	mkdir -p static/vendor/dsfr-chart
	sed -E 's/\b[A-Za-z_$$][A-Za-z0-9_$$]*\.NODE_ENV\b/"production"/g' \
	  node_modules/@gouvfr/dsfr-chart/dist/BarChart/BarChart.js > static/vendor/dsfr-chart/BarChart.dev.js
	npm exec --yes --package=esbuild@$(ESBUILD_VERSION) -- esbuild static/vendor/dsfr-chart/BarChart.dev.js \
	  --minify --format=esm --target=es2020 --legal-comments=eof --log-level=warning \
	  --outfile=static/vendor/dsfr-chart/BarChart.js
	rm static/vendor/dsfr-chart/BarChart.dev.js
	@! grep -q NODE_ENV static/vendor/dsfr-chart/BarChart.js || { echo "NODE_ENV left in the bundle"; exit 1; }
	cp node_modules/@gouvfr/dsfr-chart/dist/BarChart/BarChart.css \
	  node_modules/@gouvfr/dsfr-chart/LICENSE static/vendor/dsfr-chart/

.PHONY: install
install: $(BIN)/uv $(VNU_JAR) ## Install the locked runtime and development dependencies
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet --inexact

.PHONY: migrate
migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --no-input -v 0

.PHONY: demo-data
demo-data: migrate ## Load the 2022 edition and ~350 generated events when the database is empty
	$(BIN)/python manage.py load_demo_data

.PHONY: run
run: demo-data ## Set everything up and serve http://127.0.0.1:8000 with demo data (and the email worker)
	@echo "Moisinno: http://$(HOST):$(PORT)/ — emails are written to var/mail/"
	@trap 'kill 0' EXIT; \
	  $(BIN)/python manage.py db_worker --no-reload & \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

.PHONY: moderator
moderator: migrate ## Create a DITP moderator account (asks for the email and password)
	$(BIN)/python manage.py create_moderator

.PHONY: test
# One pytest-xdist worker per core (TEST_WORKERS=0 for one process), each with its own test
# database and Redis database (tests/parallel.py). `--dist load` hands the tests out in their
# collected order, in which pytest-django puts the transactional tests last: a worker never
# runs an ordinary test after a transactional one has flushed its database (worksteal would
# steal the ordinary tests of a slower worker and run them on an emptied database, without
# the rows of the data migrations: the site, the moderators' group). --reuse-db keeps the PostgreSQL
# test databases between runs (Django still applies new migrations to them); CI passes
# --create-db. SQLite's test databases are in memory anyway.
# Python keeps the modules it compiles (__pycache__/, ignored by git) even where the environment
# sets PYTHONDONTWRITEBYTECODE: the suite starts dozens of Python processes (xdist workers,
# gunicorn servers, manage.py commands), and each one compiling Django, the libraries and the
# apps again from their sources cost it 3.5 s of processor time (a `manage.py check`: 5.2 s
# without the cache, 1.7 s with it).
TEST_WORKERS ?= auto
test: install ## Run the whole test suite (browser tests are skipped where Chromium is missing)
	@test -x /usr/bin/chromium-headless-shell || echo "Chromium is not installed (apt-get install chromium-headless-shell): browser tests will be skipped."
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist load --reuse-db $(PYTEST_ARGS)

.PHONY: lint
lint: install ## Lint Python and templates
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	$(BIN)/python tools/check_imports.py

.PHONY: fmt
fmt: install ## Format Python and templates
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

.PHONY: bench
bench: install ## Load-test the site under gunicorn on PostgreSQL with 10,000 events: cold, warm, churn, staff pages, PDFs
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

.PHONY: cluster
cluster: install ## Two nodes behind HAProxy, PgBouncer, Redis and S3 on loopback, checked under failures (docs/cluster.md)
	$(BIN)/python tools/cluster/cluster.py $(CLUSTER_ARGS)

.PHONY: clean
clean: ## Remove the virtualenv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3* staticfiles var
