"""Headless Chromium (Debian's chromium package: Playwright cannot download its own here)
against the demo site, served on loopback. One browser and one audit of every public page
serve all the browser tests."""

import threading

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.public_pages import public_paths
from tests.required_tools import require

from .browsing import CHROMIUM, CHROMIUM_ARGS, SiteAudit, Tab


@pytest.fixture(scope="package", autouse=True)
def _django_tolerates_playwrights_event_loop():
    # Playwright's synchronous API keeps an asyncio event loop running in the test thread,
    # which Django takes for async code and refuses database access from. Nothing here
    # is async code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def site_url(django_db_setup):
    # Not pytest-django's live_server fixture: it makes every test that uses it
    # transactional, and the database flush after such a test would delete the demo
    # content that tests/conftest.py loads once for the whole run. The server only reads.
    server = LiveServer("127.0.0.1")
    yield server.url
    # Each connection the browser kept open holds a request thread, which closes the
    # database connection it was lent as it ends (an in-memory SQLite database's is shared
    # with the server): the browser has closed them (it depends on this fixture), so let
    # them end before the server stops lending it.
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)
    server.stop()


@pytest.fixture(scope="package")
def browser(site_url):
    """Headless Chromium, closed before the server stops."""
    require(
        CHROMIUM.exists(), f"headless Chromium not found at {CHROMIUM}: apt-get install chromium"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While the event loop runs, Django keeps the test thread's database connections
        # apart from its usual ones (as it would for async code): close them while they
        # can be reached, or PostgreSQL's test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture(scope="package")
def site_audit(browser, site_url, django_db_blocker):
    """Every public page at desktop and phone widths, axe-core run on each."""
    # Package-scoped, so set up before any test's own database access is allowed.
    with django_db_blocker.unblock():
        return SiteAudit(browser, site_url, public_paths(), ["desktop", "phone"])


@pytest.fixture(scope="package")
def zoomed_site_audit(browser, site_url, django_db_blocker):
    """Every public page at 400% zoom: as wide as the phone, which axe-core audits already."""
    with django_db_blocker.unblock():
        return SiteAudit(browser, site_url, public_paths(), ["zoom-400"])


@pytest.fixture
def tab(browser, site_url):
    tab = Tab(browser, site_url)
    yield tab
    tab.close()
