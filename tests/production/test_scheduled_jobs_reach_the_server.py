"""The scheduled jobs as the README runs them in the single-server set-up: each its own
container, with no Redis, so with a file cache of its own. What a job changes must still
reach the page cache the web server reads (sitewide/page_cache.py)."""

import time

from tests.production_server import Client

CREATE_EXPIRING_PAGE = """
import datetime
from django.utils import timezone
from tests.factories import create_guidance_page
page = create_guidance_page(
    "Winter rota notice", expire_at=timezone.now() + datetime.timedelta(seconds=4)
)
print(page.url)
"""


def run_job(production, *command):
    """`command` in a container of its own, with its own cache folder; returns what it
    printed."""
    return production.run(*command, CACHE_DIR=str(production.root / "jobs-cache"))


def status_within(visitor, path, status, seconds):
    deadline = time.monotonic() + seconds
    while True:
        answer = visitor.get(path).status_code
        if answer == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_a_page_the_scheduled_job_unpublishes_leaves_the_web_servers_cache(production, plain):
    output = run_job(production, "python", "manage.py", "shell", "-c", CREATE_EXPIRING_PAGE)
    expiring = output.split()[-1]
    visitor = Client(plain)
    assert status_within(visitor, expiring, 200, seconds=10) == 200
    assert visitor.get(expiring).headers["X-Page-Cache"] == "hit"

    time.sleep(4)
    run_job(production, "python", "manage.py", "publish_scheduled")
    # CONTENT_VERSION_CHECK_SECONDS and a margin; PAGE_CACHE_SECONDS (600) before.
    assert status_within(visitor, expiring, 404, seconds=10) == 404


def test_a_job_does_not_collect_the_static_files_again(production, plain):
    # Collecting and compressing them takes a core about ten seconds, which every job run
    # every few minutes would pay; the image collects them once, when it is built.
    manifest = production.static / "staticfiles.json"
    collected = manifest.stat().st_mtime_ns
    run_job(production, "true")
    assert manifest.stat().st_mtime_ns == collected
