"""The procedures page is long on a phone: a contents list of its chapters jumps to each,
and "Back to top" returns to the list, with or without JavaScript."""

import pytest

from .browsing import Tab

pytestmark = pytest.mark.django_db

PROCEDURES = "/people-working-with-children/southwest-child-protection-procedures/"


def in_view(page, locator):
    box = locator.bounding_box()
    return 0 <= box["y"] < page.viewport_size["height"]


@pytest.mark.parametrize("javascript", [True, False])
def test_contents_list_jumps_to_a_chapter_and_back(browser, site_url, javascript):
    tab = Tab(browser, site_url, viewport="phone", java_script_enabled=javascript)
    try:
        page = tab.page
        page.set_viewport_size({"width": 390, "height": 844})
        tab.open(PROCEDURES)
        contents = page.get_by_role("navigation", name="Contents")
        chapter_links = [
            " ".join(text.split()) for text in contents.get_by_role("link").all_inner_texts()
        ]
        chapters = page.locator("section.procedure-chapter h3").all_inner_texts()
        assert chapter_links[: len(chapters)] == [f"{title} (chapter)" for title in chapters]
        assert "Strategy discussions" in chapters

        heading = page.get_by_role("heading", name="Strategy discussions", exact=True)
        assert not in_view(page, heading)
        contents.get_by_role("link", name="Strategy discussions (chapter)").click()
        page.wait_for_url("**#chapter-*")
        assert in_view(page, heading)

        section = page.locator("section.procedure-chapter", has=heading)
        section.get_by_role("link", name="Back to top").click()
        page.wait_for_url("**#contents")
        assert in_view(page, contents)
    finally:
        tab.close()
