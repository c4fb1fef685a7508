# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per core and two more, as the browser and production tests
# spend part of their time waiting for servers, subprocesses and pages, which the extra
# workers fill (on this 2-core machine, 2026-11-30, SQLite: 3m44 with 3 workers, 3m36 with
# 4; the run is bound by CPU, about 390 CPU-seconds). Each test module keeps to one
# worker, so that its module-scoped servers start once, and so do the production tests,
# the site audit and the other browser tests, each as a whole (tests/conftest.py), which
# start first. (xdist's loadgroup does not group under pytest 9.)
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(os.cpu_count() + 2)')
PYTEST_PARALLEL ?= -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: run test test-fast lint install install-test lock check migrate demo clean

# The address being served: the admin's links, the approval emails and the Site use it.
run: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)
run: install migrate demo
	$(BIN)/python manage.py create_local_admin
	@echo "Serving the site on $(WAGTAILADMIN_BASE_URL)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Each test process, and each server and command the tests start, would otherwise compile
# the project's code and rewrite the tests' assertions afresh (about 4 s of a core each)
# where the shell sets PYTHONDONTWRITEBYTECODE, as this machine's does: an empty value lets
# Python keep them in __pycache__/ (ignored by git).
test test-fast: export PYTHONDONTWRITEBYTECODE =

test: lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The suite without the browser and production-server tests, for a quick answer while working.
test-fast: install-test
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser and not production" $(PYTEST_ARGS)

# The gates every change passes (also .pre-commit-config.yaml): Python lint and format,
# template lint.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

install: $(VENV)/.installed-runtime
install-test: $(VENV)/.installed-test

# uv installs the locked versions (and made the lock files): it takes a core about 25 s
# where pip takes 70. The same versions as the image's pip installs (Dockerfile).
UV_VERSION := 0.13.9

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Compiled as pip would: where Python is told not to write .pyc files
# (PYTHONDONTWRITEBYTECODE), every start would otherwise compile Django and Wagtail afresh.
UV_INSTALL := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python

$(VENV)/.installed-runtime: requirements.lock | $(BIN)/uv
	$(UV_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed-runtime
	$(UV_INSTALL) -r requirements-test.lock
	touch $@

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py load_demo_content

# Re-resolve the pinned versions after changing pyproject.toml.
lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet --extra test -c requirements.lock -o requirements-test.lock

clean:
	rm -rf $(VENV) var/static var/production-venv var/test-databases
