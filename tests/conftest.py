import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.utils import teardown_databases
from wagtail.models import Site

from pages.models import HomePage, LocalGuidancePage, WhatsNewPage
from tests.demo_database import DemoDatabaseCopy
from tests.editorial import APPROVERS, EDITORS, sign_in, staff_member
from tests.factories import create_guidance_page, create_section
from tests.network_guard import LoopbackOnlyNetwork

ROOT = Path(__file__).parent.parent
BROWSER_TESTS = ROOT / "tests" / "browser"
PRODUCTION_TESTS = ROOT / "tests" / "production"
UPGRADE_TESTS = ROOT / "tests" / "test_upgrades.py"
# Browser test modules that are units of work of their own (below): the two that read the
# audit of every public page at desktop and phone widths, and the one that zooms and tabs
# through every page's template, which is as long.
BROWSER_UNITS = {
    "test_accessibility.py": "site audit",
    "test_privacy.py": "site audit",
    "test_reflow_and_focus.py": "reflow and focus",
}


def pytest_collection_modifyitems(config, items):
    """Marks the browser tests (tests/browser/) and those against the production site
    (tests/production/), which `make test-fast` leaves out, and runs them first, then the
    upgrade test (migrating twice, about 40 s): they take the longest, so under
    pytest-xdist each starts on a worker of its own while the other tests share out what
    is left."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if PRODUCTION_TESTS in item.path.parents:
            item.add_marker(pytest.mark.production)
    items.sort(
        key=lambda item: (
            PRODUCTION_TESTS not in item.path.parents,
            BROWSER_TESTS not in item.path.parents,
            item.path != UPGRADE_TESTS,
        )
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `--dist loadfile`, the tests that share what is slowest to start are one unit
    of work each, as a test file is: the production site (tests/production/), the browser
    audits of every public page (BROWSER_UNITS) and the other browser tests. Each is started
    once per run, not once on each worker, and they run side by side."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    browser_tests = f"{BROWSER_TESTS.relative_to(ROOT).as_posix()}/"
    production_tests = f"{PRODUCTION_TESTS.relative_to(ROOT).as_posix()}/"

    class SlowStartsAsUnits(LoadFileScheduling):
        # xdist's documented way to choose the units: a scope name for each test.
        def _split_scope(self, nodeid):
            if nodeid.startswith(production_tests):
                return production_tests
            if nodeid.startswith(browser_tests):
                module = nodeid[len(browser_tests) :].partition("::")[0]
                if module in BROWSER_UNITS:
                    return f"{browser_tests} {BROWSER_UNITS[module]}"
                return browser_tests
            return super()._split_scope(nodeid)

    return SlowStartsAsUnits(config, log)


@pytest.fixture(scope="session", autouse=True)
def loopback_only_network():
    """Nothing in a test run, the demo content's loading included, reaches another machine."""
    database_hosts = {database.get("HOST") for database in settings.DATABASES.values()}
    guard = LoopbackOnlyNetwork(database_hosts - {None, ""})
    with pytest.MonkeyPatch.context() as monkeypatch:
        guard.install(monkeypatch)
        yield guard


@pytest.fixture(autouse=True)
def no_network_access(loopback_only_network):
    """Fails the test that tried, even if the code under test caught the error."""
    yield loopback_only_network
    blocked = list(loopback_only_network.blocked)
    loopback_only_network.blocked.clear()
    if blocked:
        pytest.fail(f"The test tried to reach beyond this machine: {blocked}")


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Every test starts from the demo site, built once and copied for each test process
    (tests/demo_database.py), and rolled back after each test. (pytest-django's options for
    keeping or not migrating the database do not apply.)"""
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = DemoDatabaseCopy().database_for_this_process(verbosity)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a test module, for the content every test of the module starts
    from (as Django's TestCase.setUpTestData makes a class's): made once, rolled back after
    the module's last test. Each test runs in a savepoint within it, so what a test changes
    is undone before the next. Only for tests through the test client: a server in another
    thread or process cannot see what it holds."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Tests reach the database only through their own `db` fixture, as elsewhere.
        with django_db_blocker.block():
            yield
        transaction.set_rollback(True)


def new_section():
    return create_section("Working with families", intro="<p>Guidance for practitioners.</p>")


def new_guidance_page(section):
    return create_guidance_page(
        "Sharing information about a child",
        parent=section,
        paragraphs=["<p>When and how to share what you know about a child.</p>"],
        owner_team="Partnership business unit",
        owner_name="Sam Owner",
        owner_email="sam.owner@example.org",
    )


@pytest.fixture(scope="module")
def shared_section(module_db, django_db_blocker):
    """The `section` of a test module whose every test starts from it:
    pytestmark = pytest.mark.usefixtures("shared_section")."""
    with django_db_blocker.unblock():
        return new_section()


@pytest.fixture(scope="module")
def shared_guidance_page(shared_section, django_db_blocker):
    """The `guidance_page` of a test module whose every test starts from it."""
    with django_db_blocker.unblock():
        return new_guidance_page(shared_section)


@pytest.fixture
def section(request, db):
    """A published section below the home page: made for the test, or, in a module that
    shares one (shared_section), a copy of the module's, as Django's TestCase copies its
    test data for each test."""
    if "shared_section" in request.fixturenames:
        return copy.deepcopy(request.getfixturevalue("shared_section"))
    return new_section()


@pytest.fixture
def guidance_page(request, section):
    """A published guidance page in `section`, with an owner: made for the test, or a copy
    of the module's (shared_guidance_page)."""
    if "shared_guidance_page" in request.fixturenames:
        return copy.deepcopy(request.getfixturevalue("shared_guidance_page"))
    return new_guidance_page(section)


@pytest.fixture
def library_page(home):
    """The site's library of local protocols and guidance (its first LocalGuidancePage)."""
    return LocalGuidancePage.objects.live().public().order_by("path").first()


@pytest.fixture
def whats_new_page(home):
    """The site's "What's new" page."""
    return WhatsNewPage.objects.live().public().order_by("path").first()


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached fragments and pages from one test must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's administrator's client (a client of its own, not `client`), signed
    in with their second factor too, as administrators must be."""
    return sign_in(Client(), admin_user)


@pytest.fixture
def editor(db):
    """A member of Editors: writes and submits, cannot publish."""
    return staff_member("editor", EDITORS)


@pytest.fixture
def approver(db):
    """A member of Approvers: approves and publishes."""
    return staff_member("approver", APPROVERS)
