# Two commands for a fresh machine with Python >= 3.11: `make run` and `make test`.
# `make run` serves the demo as a user gets it (gunicorn, DEBUG off, WhiteNoise);
# `make dev` is Django's development server with DEBUG on.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run dev demo-data test install lint check-assets translations bench wheelhouse check-deploy

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo-data: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_divisions
	$(PY) manage.py load_demo

# The background jobs (year-end summaries) run in a worker beside the server
# (deploy/systemd/fulian-worker.service in production).
run: demo-data
	DEBUG=false $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=false FULIAN_DEFAULT_YEAR=$${FULIAN_DEFAULT_YEAR:-2023} \
	  $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

dev: demo-data
	DEBUG=true $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=true FULIAN_DEFAULT_YEAR=$${FULIAN_DEFAULT_YEAR:-2023} FULIAN_LOG_FORMAT=text \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Everything an intranet server without internet needs: wheels of Fulian and of every
# dependency (for this machine's Python and platform) and the deployment files. On the
# server: pip install --no-index --find-links wheelhouse fulian (docs/deployment.md).
wheelhouse: install
	rm -rf wheelhouse
	$(PY) -m pip wheel --quiet --wheel-dir wheelhouse . pip setuptools wheel
	cp -r deploy wheelhouse/deploy
	cp docs/deployment.md wheelhouse/
	@echo "wheelhouse/: $$(ls wheelhouse/*.whl | wc -l) wheels"

# The deployment files: gunicorn config, nginx site (nginx -t) and systemd units, where the
# tools are installed (fulian/core/tests/test_deploy.py says what it skips).
check-deploy: install
	$(PY) -m pytest -q -p no:xdist fulian/core/tests/test_deploy.py

test: install
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy fulian
	$(PY) manage.py makemigrations --check --dry-run

check-assets:
	$(PYTHON) scripts/vendor_assets.py check

translations: install
	$(PY) scripts/translations.py update
