"""The Continuum of Support guide in a real browser: with JavaScript the answer follows
each tick in place and is announced through the status region; without it, the form
brings the answer on the next page. Either way only the ticks and the age group are sent."""

from urllib.parse import parse_qs, urlsplit

import pytest

from sitewide.models import PartnershipSettings
from tests.factories import create_continuum_page

from .browsing import Tab
from .committed import published_section

pytestmark = pytest.mark.django_db

LEVEL_2_PARENTING = "Mealtimes and bedtimes at home keep slipping"
LEVEL_4_DISCLOSURE = "The child says an adult at home hurts them"
FOR_OLDER_CHILDREN = "Often missing from afternoon lessons"
LEVELS = [
    {
        "name": "Doing well",
        "indicators": [{"domain": "child", "text": "Enjoys the after-school club"}],
    },
    {
        "name": "Some extra help",
        "colour": "yellow",
        "indicators": [{"domain": "parenting", "text": LEVEL_2_PARENTING}],
    },
    {
        "name": "Help from several services",
        "colour": "amber",
        "contact": "front-door",
        "indicators": [
            {"domain": "child", "text": FOR_OLDER_CHILDREN, "age_groups": ["5-11", "12-plus"]}
        ],
    },
    {
        "name": "Urgent protection",
        "colour": "red",
        "contact": "front-door",
        "indicators": [{"domain": "family", "text": LEVEL_4_DISCLOSURE}],
    },
]


@pytest.fixture(scope="module")
def guide_url(django_db_setup, django_db_blocker):
    """The address of a Continuum of Support guide of the module's own, with four levels
    of its own: committed for the live server."""
    with (
        django_db_blocker.unblock(),
        published_section("Continuum for the guide test") as section,
    ):
        yield create_continuum_page(LEVELS, "Levels of need", section).url


@pytest.fixture
def front_door():
    """Whom the guide says to contact at levels that refer to the Front Door."""
    return PartnershipSettings.objects.get().front_door_name


def guide_requests(tab, guide_url):
    """The query of every request the tab makes for the guide after it has loaded."""
    queries = []
    tab.page.on(
        "request",
        lambda request: (
            queries.append(parse_qs(urlsplit(request.url).query))
            if urlsplit(request.url).path == guide_url
            else None
        ),
    )
    return queries


def test_answer_updates_in_place_and_is_announced(tab, guide_url, front_door):
    tab.open(guide_url)
    queries = guide_requests(tab, guide_url)
    result = tab.page.locator("#guide-result")
    announcement = tab.page.locator("[data-guide-announcement]")
    assert announcement.get_attribute("role") == "status"

    tab.page.get_by_label(LEVEL_2_PARENTING).check()
    result.get_by_text("Level 2: Some extra help").wait_for()
    assert announcement.inner_text().startswith("Level 2: Some extra help.")

    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    result.get_by_text("Your indicators span levels 2 to 4").wait_for()
    assert announcement.inner_text().startswith(
        f"Level 4: Urgent protection. Your indicators span levels 2 to 4. {front_door}:"
    )
    # The address follows the ticks, so the page prints and reloads as shown.
    assert len(parse_qs(urlsplit(tab.page.url).query)["indicator"]) == 2
    assert queries and all(set(query) <= {"indicator", "age"} for query in queries)
    assert not tab.errors and not tab.outside_requests


def test_the_button_moves_focus_to_the_answer(tab, guide_url):
    tab.open(guide_url)
    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    tab.page.get_by_role("button", name="Show the level of need").click()
    tab.page.wait_for_function("document.activeElement.id === 'guide-result'")
    assert urlsplit(tab.page.url).path == guide_url
    assert "Level 4: Urgent protection" in tab.page.locator("#guide-result").inner_text()


def test_age_filter_hides_indicators_for_other_ages_at_once(tab, guide_url):
    tab.open(guide_url)
    assert tab.page.get_by_label(FOR_OLDER_CHILDREN).is_visible()
    assert not tab.page.get_by_role("button", name="Show indicators for this age").is_visible()
    tab.page.get_by_label("Age of the child").select_option("unborn")
    tab.page.get_by_label(FOR_OLDER_CHILDREN).wait_for(state="hidden")
    assert tab.page.get_by_label(LEVEL_4_DISCLOSURE).is_visible()


def test_without_javascript_the_answer_is_on_the_next_page(browser, site_url, guide_url):
    tab = Tab(browser, site_url, java_script_enabled=False)
    try:
        tab.open(guide_url)
        tab.page.get_by_label(LEVEL_2_PARENTING).check()
        tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
        tab.page.get_by_role("button", name="Show the level of need").click()
        tab.page.wait_for_url(f"**{guide_url}?*#guide-result")
        assert set(parse_qs(urlsplit(tab.page.url).query, keep_blank_values=True)) == {
            "indicator",
            "age",
        }
        result = tab.page.locator("#guide-result").inner_text()
        assert "Level 4: Urgent protection" in result
        assert "span levels 2 to 4" in result
    finally:
        tab.close()


def test_printed_answer_leaves_out_the_form(tab, guide_url):
    tab.open(guide_url)
    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    tab.page.locator("#guide-result").get_by_text("Level 4: Urgent protection").wait_for()
    tab.page.emulate_media(media="print")
    assert not tab.page.locator("form[data-continuum-guide]").is_visible()
    assert not tab.page.get_by_role("link", name="Exit this page").is_visible()
    printed = tab.page.locator("#guide-result").inner_text()
    assert "If a child is in immediate danger, call 999." in printed
    assert LEVEL_4_DISCLOSURE in printed
