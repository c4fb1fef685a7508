"""What a practitioner sees on a phone before scrolling: the number to call now and 999,
with "Exit this page" still on screen, on the pages they land on in a hurry."""

import pytest

from sitewide.models import PartnershipSettings
from tests.factories import create_contact_page

from .browsing import Tab
from .committed import published_section

pytestmark = pytest.mark.django_db

PHONES = {
    "390 × 844": {"viewport": {"width": 390, "height": 844}},
    "320 × 568": {"viewport": {"width": 320, "height": 568}},
}


def on_first_screen(locator, height):
    box = locator.bounding_box()
    return (
        locator.is_visible()
        and box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= height
    )


@pytest.fixture
def number_to_call_now():
    contact = PartnershipSettings.objects.get()
    status = contact.contact_status()
    return contact.contact_phone if status.is_open else contact.out_of_hours_phone


@pytest.fixture(scope="module")
def landing_pages(django_db_setup, django_db_blocker):
    """The address of each kind of page practitioners land on in a hurry: the home page,
    and a guidance page of the module's own that opens with whom to call, committed for
    the live server."""
    with django_db_blocker.unblock(), published_section("Worried about pupils") as section:
        page = create_contact_page(
            "Worried about a pupil", parent=section, heading="Worried about a pupil?"
        )
        yield {"home page": "/", "page opening with whom to call": page.url}


@pytest.mark.parametrize("landing", ["home page", "page opening with whom to call"])
@pytest.mark.parametrize("phone", PHONES)
def test_the_number_to_call_now_and_999_are_on_the_first_screen(
    browser, site_url, landing_pages, landing, phone, number_to_call_now
):
    options = PHONES[phone]
    tab = Tab(browser, site_url, viewport="phone")
    tab.page.set_viewport_size(options["viewport"])
    try:
        tab.open(landing_pages[landing])
        height = options["viewport"]["height"]
        call_now = tab.page.locator(".call-now").get_by_role("link", name=number_to_call_now)
        emergency = tab.page.locator(".call-now").get_by_role("link", name="999")
        exit_button = tab.page.get_by_role("link", name="Exit this page")
        assert on_first_screen(call_now, height)
        assert on_first_screen(emergency, height)
        assert on_first_screen(exit_button, height)
    finally:
        tab.close()
