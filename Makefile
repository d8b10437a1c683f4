# The two commands a newcomer needs: `make run` and `make test`. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv lint format clean serve

# Links in mail point where this server listens, unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_seed

venv: $(INSTALLED)

# Reinstall only when the declared dependencies change.
$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(INSTALLED)

# Production profile: gunicorn (debate/gunicorn.conf.py) with DEBUG=0. Needs SECRET_KEY,
# ALLOWED_HOSTS and SITE_URL; see README "Deploying" for the rest (DATABASE_URL, REDIS_URL,
# BEHIND_TLS_PROXY, ...). For a try-out over plain http on this machine add SECURE_SSL_REDIRECT=0.
WEB_CONCURRENCY ?= 3
serve: export DEBUG = 0
serve: export WEB_CONCURRENCY := $(WEB_CONCURRENCY)
serve: venv
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY to a long random string" >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=example.org" >&2; exit 2; }
	@test -n "$$SITE_URL" || { echo "make serve: set SITE_URL, e.g. SITE_URL=https://example.org" >&2; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config debate/gunicorn.conf.py --bind $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
