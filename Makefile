# Quick start: `make demo` (site with demo data) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links the demo prints (QR codes on documents, e-mailed set-password links) follow the port.
DEMO_PUBLIC_URL ?= http://$(HOST):$(PORT)

.PHONY: install demo test test-postgres lint format bench bench-load clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	ZACHETKA_PUBLIC_URL=$(DEMO_PUBLIC_URL) $(PY) manage.py load_demo
	@echo ""
	@echo "Zachetka: http://$(HOST):$(PORT)/"
	@echo "Demo logins (password zachetka-demo): director, registrar, curator, teacher, learner, employer"
	@echo ""
	@# The background-job consumer runs beside the site and stops with it.
	ZACHETKA_PUBLIC_URL=$(DEMO_PUBLIC_URL) $(PY) manage.py run_huey --quiet & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
	ZACHETKA_PUBLIC_URL=$(DEMO_PUBLIC_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest

test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zachetka} $(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/import_learners.py
	$(PY) bench/gradebook.py
	$(PY) bench/grid_browser.py
	$(PY) bench/attestation.py
	$(PY) bench/frdo_export.py

# Two gunicorns behind nginx, PostgreSQL and Redis on this machine, 250 simulated people for
# 2 minutes (bench/load.py; DURATION=30 for a shorter run).
DURATION ?= 120
bench-load: $(STAMP)
	$(PY) bench/load.py --duration $(DURATION)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var staticfiles
