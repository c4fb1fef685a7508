import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from pages.models import GuidancePage, HomePage, SectionPage


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the demo site, loaded once per run and rolled back after each test."""
    with django_db_blocker.unblock():
        call_command("load_demo_content", verbosity=0)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def site(db):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def section(home):
    return SectionPage.objects.get(slug="people-working-with-children")


@pytest.fixture
def guidance_page(section):
    return GuidancePage.objects.get(slug="working-together-to-safeguard-children")


def page_at(url_path):
    return Page.objects.get(url_path=f"/home{url_path}").specific
