# Two commands do all the set-up: `make run` (demo on http://127.0.0.1:8000) and `make test` (whole suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
# Two workers: the machines have two cores (override with PYTEST_ARGS=... make test).
PYTEST_ARGS ?= -n 2
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The first interpreter >= 3.12 found (pyenv's shim honours .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$p; break; fi; done)

.PHONY: run test install install-test migrate demo serve lint check-python clean messages check-messages

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Erreur : Python 3.12 ou plus récent est introuvable (Django 6.1 l'exige). Installez-le puis relancez." >&2; exit 1; fi

$(VENV)/.stamp-base: pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-base
	$(PIP) install -q -e ".[test]"
	@touch $@

# axe-core for the accessibility tests comes from its npm package (no CDN); skipped where npm is absent.
node_modules/.stamp: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm absent : les tests d'accessibilité seront ignorés (hors CI)."; fi

install: $(VENV)/.stamp-base
install-test: $(VENV)/.stamp-test node_modules/.stamp

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

# The official reference files ship inside the project (aires_urbaines/referentiels): the demo shows the whole of
# France (36,700 communes, zoning, map outlines). Each import is idempotent, so `make run` can be run again.
demo: migrate
	DEBUG=1 $(PY) manage.py importer_communes
	DEBUG=1 $(PY) manage.py importer_zonage
	DEBUG=1 $(PY) manage.py importer_contours
	DEBUG=1 $(PY) manage.py charger_demo

## Local demo: SQLite, demo data, http://127.0.0.1:8000 (accounts in README.md).
# The task worker runs beside the web server (national and conference reports, digests); Ctrl-C stops both.
run: demo
	DEBUG=1 $(PY) manage.py db_worker --no-startup-delay & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## Whole test suite (SQLite by default; PostgreSQL with DATABASE_URL=postgres://…).
test: install-test
	SECRET_KEY=cle-de-test-locale-uniquement $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Production-style serving: gunicorn and one task worker against DATABASE_URL (SECRET_KEY required; REDIS_URL
## for a cache shared by several servers). Ctrl-C stops both; under systemd, run them as two units instead.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn -c partenariat/gunicorn.conf.py partenariat.wsgi

## Translation catalogues: extract the strings (French and English), then compile the committed .mo files.
messages: install
	cd $(CURDIR) && SECRET_KEY=messages $(PY) manage.py makemessages -l fr -l en --no-obsolete --add-location file \
	  --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore '*/referentiels/*'
	# French is the source language: its catalogue is the source itself (msgen), for the French plural rule.
	# Fuzzy guesses (a similar message's text) are emptied first, then every entry is filled from its own msgid.
	msgattrib --clear-fuzzy --empty --clear-previous -o locale/fr/LC_MESSAGES/django.po locale/fr/LC_MESSAGES/django.po
	msgen --force-po -o locale/fr/LC_MESSAGES/django.po locale/fr/LC_MESSAGES/django.po
	SECRET_KEY=messages $(PY) manage.py compilemessages -l fr -l en --ignore '.venv' --ignore 'node_modules'

## The English catalogue is complete (0 untranslated, 0 fuzzy) and compiled.
check-messages: install
	@stats="$$(msgfmt --check --statistics -o /dev/null locale/en/LC_MESSAGES/django.po 2>&1)"; echo "$$stats"; \
	  if echo "$$stats" | grep -Eq 'untranslated|fuzzy|error'; then \
	  echo "Catalogue anglais incomplet : traduisez les entrées vides ou fuzzy." >&2; exit 1; fi
	SECRET_KEY=messages $(PY) manage.py compilemessages -l fr -l en --ignore '.venv' --ignore 'node_modules'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
