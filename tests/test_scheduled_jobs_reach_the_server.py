"""The scheduled jobs as the README runs them in the single-server set-up: each its own
container, with no Redis, so with a file cache of its own. What a job changes must still
reach the page cache the web server reads (sitewide/page_cache.py)."""

import subprocess
import time

import pytest

from tests.production_server import SCRIPT, Client, plain_server, production_site

ROOT = SCRIPT.parent.parent
EXPIRING = "/people-working-with-children/winter-rota-notice/"
CREATE_EXPIRING_PAGE = """
import datetime
from django.utils import timezone
from pages.models import GuidancePage, SectionPage
section = SectionPage.objects.get(slug="people-working-with-children")
page = section.add_child(instance=GuidancePage(
    title="Winter rota notice", slug="winter-rota-notice",
    expire_at=timezone.now() + datetime.timedelta(seconds=4),
))
page.save_revision().publish()
"""


@pytest.fixture(scope="module")
def site(request):
    return production_site(request.config)


@pytest.fixture(scope="module")
def server(request, site):
    return plain_server(request.config)


def run_job(site, *command):
    """`command` in a container of its own: the image's steps, its own cache folder."""
    result = subprocess.run(
        [SCRIPT, *command],
        cwd=ROOT,
        env={**site.environment, "CACHE_DIR": str(site.root / "jobs-cache")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def status_within(visitor, path, status, seconds):
    deadline = time.monotonic() + seconds
    while True:
        answer = visitor.get(path).status_code
        if answer == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def test_a_page_the_scheduled_job_unpublishes_leaves_the_web_servers_cache(site, server):
    run_job(site, "python", "manage.py", "shell", "-c", CREATE_EXPIRING_PAGE)
    visitor = Client(server)
    assert status_within(visitor, EXPIRING, 200, seconds=10) == 200
    assert visitor.get(EXPIRING).headers["X-Page-Cache"] == "hit"

    time.sleep(4)
    run_job(site, "python", "manage.py", "publish_scheduled")
    # CONTENT_VERSION_CHECK_SECONDS (5) and a margin; PAGE_CACHE_SECONDS (600) before.
    assert status_within(visitor, EXPIRING, 404, seconds=10) == 404
