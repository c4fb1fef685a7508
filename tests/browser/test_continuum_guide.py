"""The Continuum of Support guide in a real browser: with JavaScript the answer follows
each tick in place and is announced through the status region; without it, the form
brings the answer on the next page. Either way only the ticks and the age group are sent."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .browsing import Tab

pytestmark = pytest.mark.django_db

GUIDE = "/people-working-with-children/continuum-of-support/"
LEVEL_2_PARENTING = "Parents struggle with routines, boundaries or supervision"
LEVEL_4_DISCLOSURE = "The child tells you they are being abused"
FOR_OLDER_CHILDREN = "Persistent absence or exclusion from school"


def guide_requests(tab):
    """The query of every request the tab makes for the guide after it has loaded."""
    queries = []
    tab.page.on(
        "request",
        lambda request: (
            queries.append(parse_qs(urlsplit(request.url).query))
            if urlsplit(request.url).path == GUIDE
            else None
        ),
    )
    return queries


def test_answer_updates_in_place_and_is_announced(tab):
    tab.open(GUIDE)
    queries = guide_requests(tab)
    result = tab.page.locator("#guide-result")
    announcement = tab.page.locator("[data-guide-announcement]")
    assert announcement.get_attribute("role") == "status"

    tab.page.get_by_label(LEVEL_2_PARENTING).check()
    result.get_by_text("Level 2: Additional needs (early help)").wait_for()
    assert announcement.inner_text().startswith("Level 2: Additional needs (early help).")

    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    result.get_by_text("Your indicators span levels 2 to 4").wait_for()
    assert announcement.inner_text().startswith(
        "Level 4: Acute needs (specialist help). Your indicators span levels 2 to 4. Front Door:"
    )
    # The address follows the ticks, so the page prints and reloads as shown.
    assert len(parse_qs(urlsplit(tab.page.url).query)["indicator"]) == 2
    assert queries and all(set(query) <= {"indicator", "age"} for query in queries)
    assert not tab.errors and not tab.outside_requests


def test_the_button_moves_focus_to_the_answer(tab):
    tab.open(GUIDE)
    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    tab.page.get_by_role("button", name="Show the level of need").click()
    tab.page.wait_for_function("document.activeElement.id === 'guide-result'")
    assert urlsplit(tab.page.url).path == GUIDE
    assert (
        "Level 4: Acute needs (specialist help)" in tab.page.locator("#guide-result").inner_text()
    )


def test_age_filter_hides_indicators_for_other_ages_at_once(tab):
    tab.open(GUIDE)
    assert tab.page.get_by_label(FOR_OLDER_CHILDREN).is_visible()
    assert not tab.page.get_by_role("button", name="Show indicators for this age").is_visible()
    tab.page.get_by_label("Age of the child").select_option("unborn")
    tab.page.get_by_label(FOR_OLDER_CHILDREN).wait_for(state="hidden")
    assert tab.page.get_by_label(LEVEL_4_DISCLOSURE).is_visible()


def test_without_javascript_the_answer_is_on_the_next_page(browser, site_url):
    tab = Tab(browser, site_url, java_script_enabled=False)
    try:
        tab.open(GUIDE)
        tab.page.get_by_label(LEVEL_2_PARENTING).check()
        tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
        tab.page.get_by_role("button", name="Show the level of need").click()
        tab.page.wait_for_url(f"**{GUIDE}?*#guide-result")
        assert set(parse_qs(urlsplit(tab.page.url).query, keep_blank_values=True)) == {
            "indicator",
            "age",
        }
        result = tab.page.locator("#guide-result").inner_text()
        assert "Level 4: Acute needs (specialist help)" in result
        assert "span levels 2 to 4" in result
    finally:
        tab.close()


def test_printed_answer_leaves_out_the_form(tab):
    tab.open(GUIDE)
    tab.page.get_by_label(LEVEL_4_DISCLOSURE).check()
    tab.page.locator("#guide-result").get_by_text("Level 4: Acute needs").wait_for()
    tab.page.emulate_media(media="print")
    assert not tab.page.locator("form[data-continuum-guide]").is_visible()
    assert not tab.page.get_by_role("link", name="Exit this page").is_visible()
    printed = tab.page.locator("#guide-result").inner_text()
    assert "If a child is in immediate danger, call 999." in printed
    assert LEVEL_4_DISCLOSURE in printed
