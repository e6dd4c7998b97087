# coopgov — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test install lint typecheck architecture migrations-check pytest browser bench bench-tools messages clean serve

RUNTIME_STAMP := $(VENV)/.installed-runtime

# The demo needs the runtime only; the checks also need the test tools and the peer libraries.
$(RUNTIME_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,peers]'
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate SQLite, generate the demo cooperative (reused on a second run), serve :8000
demo: $(RUNTIME_STAMP)
	$(BIN)/coopgov demo

serve: $(RUNTIME_STAMP)
	$(BIN)/coopgov runserver 127.0.0.1:8000 --insecure

## make test: every check and every test (DATABASE_URL selects the database; SQLite by default)
test: install browser lint typecheck architecture migrations-check pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy src/coopgov

architecture: install
	$(BIN)/lint-imports

migrations-check: install
	$(BIN)/coopgov makemigrations --check --dry-run

pytest: install
	COOPGOV_TESTING=1 $(BIN)/pytest -q -n $(PYTEST_WORKERS) -p no:cacheprovider

## Debian's Chromium for the browser tests (never a downloaded browser); needs root or sudo on a fresh machine.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and no root: browser tests will be skipped"; fi; fi

## make bench: every benchmark script (figures as JSON lines); not part of CI.
## The HTTP ballot benchmark needs Debian's wrk (installed here if missing) and PostgreSQL on
## 127.0.0.1:5432 (or BENCH_POSTGRES=postgres://user@host:port); it creates and drops bench_ballots.
bench: install bench-tools
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

bench-tools:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk missing and no root: install it (apt-get install wrk) for bench_http_ballots.py"; exit 1; fi; fi

## make messages: refresh the FR/NL/EN catalogues (needs GNU gettext) and compile them.
## The project's catalogue holds the older apps; an app with its own locale/ keeps its own catalogue.
OWN_CATALOGUE_APPS := $(patsubst src/coopgov/%/locale,%,$(wildcard src/coopgov/*/locale))
messages: install
	cd src/coopgov && ../../$(BIN)/coopgov makemessages -l fr -l nl -l en --no-obsolete --ignore 'domain/*' \
	  $(foreach app,$(OWN_CATALOGUE_APPS),--ignore '$(app)/*')
	for app in $(OWN_CATALOGUE_APPS); do \
	  (cd src/coopgov/$$app && ../../../$(BIN)/coopgov makemessages -l fr -l nl -l en --no-obsolete) || exit 1; done
	cd src/coopgov && ../../$(BIN)/coopgov compilemessages

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
