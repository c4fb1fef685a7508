"""The "Exit this page" button and shortcut in a real browser. The neutral site is
answered by the test, so nothing leaves the machine."""

import pytest

from sitewide.models import PartnershipSettings

from .browsing import Tab
from .committed import published_guidance_page

pytestmark = pytest.mark.django_db

NEUTRAL_PAGE = "<!DOCTYPE html><title>Weather</title><h1>Weather</h1>"


@pytest.fixture(scope="module")
def guidance_url(django_db_setup, django_db_blocker):
    """The address of a guidance page of the module's own, committed for the live server."""
    with django_db_blocker.unblock(), published_guidance_page("Visiting a family") as page:
        yield page.url


@pytest.fixture
def neutral_site():
    return PartnershipSettings.objects.get().quick_exit_url


@pytest.fixture
def exit_button(tab):
    return tab.page.get_by_role("link", name="Exit this page")


def test_button_replaces_the_page_with_the_neutral_site(
    tab, neutral_site, exit_button, guidance_url
):
    answered = tab.stand_in_for(neutral_site, NEUTRAL_PAGE)
    tab.open("/")
    tab.open(guidance_url)
    exit_button.click()
    tab.page.wait_for_url(neutral_site)
    assert answered == [neutral_site]
    # The guidance page left the tab's history: Back goes to the page before it.
    tab.page.go_back()
    assert tab.page.url.removeprefix(tab.site_url) == "/"


def test_page_is_blanked_as_it_leaves(tab, neutral_site, exit_button, guidance_url):
    # The neutral site is held back until the leaving page has reported what it showed,
    # so the report cannot be lost with the page. Reported through the console, as the
    # page cannot be evaluated while its navigation is pending.
    held = []
    tab.context.route(neutral_site, lambda route: held.append(route))
    tab.open(guidance_url)
    seen_while_leaving = []
    tab.page.on("console", lambda message: seen_while_leaving.append(message.text))
    tab.page.evaluate("""() => new MutationObserver(() => console.log(
        JSON.stringify([document.title, document.body.checkVisibility()])
    )).observe(document.documentElement, {attributeFilter: ["class"]})""")
    exit_button.click(no_wait_after=True)
    for _wait in range(250):
        if held and seen_while_leaving:
            break
        tab.page.wait_for_timeout(20)
    assert seen_while_leaving == ['["Loading",false]']
    held[0].fulfill(content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)
    tab.page.wait_for_url(neutral_site)


def test_pressing_shift_three_times_exits(tab, neutral_site, guidance_url):
    answered = tab.stand_in_for(neutral_site, NEUTRAL_PAGE)
    tab.open(guidance_url)
    for _press in range(3):
        tab.page.keyboard.press("Shift")
    tab.page.wait_for_url(neutral_site)
    assert answered == [neutral_site]


def test_shift_used_for_capital_letters_does_not_exit(tab, neutral_site, guidance_url):
    answered = tab.stand_in_for(neutral_site, NEUTRAL_PAGE)
    tab.open(guidance_url)
    tab.page.get_by_label("Search this site").focus()
    for letter in "LADO":
        tab.page.keyboard.press(f"Shift+Key{letter}")
    tab.page.wait_for_timeout(300)
    assert tab.page.get_by_label("Search this site").input_value() == "LADO"
    assert not answered


def test_shift_presses_far_apart_do_not_exit(tab, neutral_site, guidance_url):
    answered = tab.stand_in_for(neutral_site, NEUTRAL_PAGE)
    tab.open(guidance_url)
    tab.page.keyboard.press("Shift")
    tab.page.wait_for_timeout(1200)
    tab.page.keyboard.press("Shift")
    tab.page.keyboard.press("Shift")
    tab.page.wait_for_timeout(300)
    assert not answered
    assert tab.page.get_by_role("status").inner_text() == "Shift, press 1 more time to exit."


def test_without_javascript_the_button_is_a_plain_link(
    browser, site_url, neutral_site, guidance_url
):
    tab = Tab(browser, site_url, java_script_enabled=False)
    answered = tab.stand_in_for(neutral_site, NEUTRAL_PAGE)
    tab.open(guidance_url)
    link = tab.page.get_by_role("link", name="Exit this page")
    assert link.get_attribute("rel") == "nofollow noreferrer"
    link.click()
    tab.page.wait_for_url(neutral_site)
    assert answered == [neutral_site]
    tab.close()
