"""The procedures page is long on a phone: a contents list of its chapters jumps to each,
and "Back to top" returns to the list, with or without JavaScript."""

import pytest

from pages.models import ProceduresPage
from tests.factories import create_page, create_procedure_chapter, create_procedure_link

from .browsing import Tab
from .committed import published_section, removed_afterwards

pytestmark = pytest.mark.django_db

# Listed by title (they have no position of their own): the last is below the others.
CHAPTERS = [
    "Arranging a visit",
    "Being on a visit",
    "Checking in afterwards",
    "Deciding next steps",
]
LAST_CHAPTER = "Deciding next steps"


@pytest.fixture(scope="module")
def procedures_url(django_db_setup, django_db_blocker):
    """The address of a procedures page of the module's own, listing chapters of its own
    with three links each: committed for the live server."""
    with django_db_blocker.unblock():
        chapters = [create_procedure_chapter(title) for title in CHAPTERS]
        links = [
            create_procedure_link(f"{chapter.title}, part {part}", chapter)
            for chapter in chapters
            for part in range(1, 4)
        ]
        with (
            removed_afterwards(*links, *chapters),
            published_section("Procedures for the contents test") as section,
        ):
            yield create_page(ProceduresPage, "Shared procedures manual", section).url


def in_view(page, locator):
    box = locator.bounding_box()
    return 0 <= box["y"] < page.viewport_size["height"]


@pytest.mark.parametrize("javascript", [True, False])
def test_contents_list_jumps_to_a_chapter_and_back(browser, site_url, procedures_url, javascript):
    tab = Tab(browser, site_url, viewport="phone", java_script_enabled=javascript)
    try:
        page = tab.page
        page.set_viewport_size({"width": 390, "height": 844})
        tab.open(procedures_url)
        contents = page.get_by_role("navigation", name="Contents")
        chapter_links = [
            " ".join(text.split()) for text in contents.get_by_role("link").all_inner_texts()
        ]
        chapters = page.locator("section.procedure-chapter h3").all_inner_texts()
        assert chapter_links[: len(chapters)] == [f"{title} (chapter)" for title in chapters]
        assert [title for title in chapters if title in CHAPTERS] == CHAPTERS

        heading = page.get_by_role("heading", name=LAST_CHAPTER, exact=True)
        assert not in_view(page, heading)
        contents.get_by_role("link", name=f"{LAST_CHAPTER} (chapter)").click()
        page.wait_for_url("**#chapter-*")
        assert in_view(page, heading)

        section = page.locator("section.procedure-chapter", has=heading)
        section.get_by_role("link", name="Back to top").click()
        page.wait_for_url("**#contents")
        assert in_view(page, contents)
    finally:
        tab.close()
