# The README's two commands are `make run` and `make test`; the rest are steps they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev translations compile-translations extract-translations \
        lint format browser-deps test-sqlite test-postgresql bench tour clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v "Location 'file" || true

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt 2>&1 | grep -v "Location 'file" || true
	$(BIN)/python -c "import flask, flask_babel, sqlalchemy"
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt 2>&1 | grep -v "Location 'file" || true
	$(BIN)/python -c "import pytest, playwright, importlinter"
	touch $@

setup: $(VENV)/.runtime compile-translations

setup-dev: $(VENV)/.dev compile-translations

compile-translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d lms/translations 2>&1 | grep -v "^compiling" || true
	@test -f lms/translations/zh_Hans/LC_MESSAGES/messages.mo

extract-translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --ignore-dirs ".* __pycache__" \
	  -o lms/translations/messages.pot . >/dev/null
	$(BIN)/pybabel update -N --ignore-obsolete -i lms/translations/messages.pot -d lms/translations
	$(BIN)/python tools/i18n.py apply-pending
	$(BIN)/python tools/i18n.py fill-en
	$(BIN)/python tools/i18n.py missing || echo "Translate the strings above in lms/translations/zh_Hans"

## make run: set up, migrate the SQLite database, seed demo data when empty, serve on :5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) lms seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## make test: set up, install Chromium when missing, lint, check layers, run the whole suite
test: setup-dev browser-deps lint
	@bash tools/test_passes.sh

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@test -x /usr/bin/chromium || { echo "chromium is missing: apt-get install chromium"; exit 1; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test-sqlite: $(VENV)/.dev
	@$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test-postgresql: $(VENV)/.dev
	@if [ -z "$$LMS_TEST_DATABASE_URL" ]; then \
	  if [ "$$CI" = "true" ]; then echo "CI=true but LMS_TEST_DATABASE_URL is not set"; exit 1; fi; \
	  echo "PostgreSQL pass skipped: set LMS_TEST_DATABASE_URL to run the suite on PostgreSQL"; \
	  exit 0; \
	fi; \
	LMS_TEST_BACKEND=postgresql $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

## make tour: every page of every role at phone and desktop sizes in zh-Hans and English, with
## screenshots in $$LMS_TOUR_DIR (default test-results/tour/); fails on what tests/browser/test_tour.py does
tour: setup-dev browser-deps
	$(BIN)/python tools/tour.py

bench: setup-dev
	$(BIN)/python -m bench
	$(BIN)/python -m bench.question_import
	$(BIN)/python -m bench.quiz_answers
	$(BIN)/python -m bench.ranking
	$(BIN)/python -m bench.competition_load
	ulimit -n 20000 && $(BIN)/python -m bench.live_round
	$(BIN)/python -m bench.reminders

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
