"""Unfinished drafts in a real browser: an Editor leaves a page half edited, with an empty
related-link row, and saving the draft is not blocked; the next Editor to open the page is
told whose unsubmitted draft they are continuing, and when it was saved, and can start
again from the published page; submitting the empty row says that only one of a page, a
document or a web address is needed.

As in test_editorial_workflow.py, what the live server reads is committed and removed
again afterwards."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from pages.models import GuidancePage
from tests.editorial import EDITORS, staff_member

from .browsing import Tab, sign_in
from .committed import published_guidance_page, staff_accounts

PASSWORD = "a long password for the browser test"
PUBLISHED_SUMMARY = "Who to tell when a child goes missing from education."
DRAFT_SUMMARY = "Who to tell, and how quickly, when a child goes missing from education."


@pytest.fixture
def page(django_db_blocker):
    link = {"url": "https://example.org/cme", "text": "CME guidance"}
    with (
        django_db_blocker.unblock(),
        published_guidance_page(
            "Children missing education",
            search_description=PUBLISHED_SUMMARY,
            body=[("related_links", {"heading": "Related", "links": [link]})],
        ) as page,
    ):
        yield page


@pytest.fixture
def editors(django_db_blocker):
    with django_db_blocker.unblock():
        author = staff_member("browser-draft-author", EDITORS, password=PASSWORD)
        author.first_name, author.last_name = "Alex", "Author"
        author.save()
        continuer = staff_member("browser-draft-continuer", EDITORS, password=PASSWORD)
        with staff_accounts(author, continuer):
            yield author, continuer


def test_an_unsubmitted_draft_is_saved_and_announced_to_the_next_editor(
    browser, site_url, page, editors, django_db_blocker
):
    author, continuer = editors
    edit_path = f"/admin/pages/{page.pk}/edit/"
    first = Tab(browser, site_url)
    second = Tab(browser, site_url)
    try:
        sign_in(first, author, PASSWORD, edit_path)
        first.page.get_by_role("textbox", name="Summary").fill(DRAFT_SUMMARY)
        # A new link row, left empty, does not stop the draft being saved.
        links = first.page.locator("[data-contentpath='links']")
        links.locator("button[title='Add']").last.click()
        first.page.get_by_role("button", name="Save draft").click()
        first.page.wait_for_load_state()
        assert "There are validation errors" not in first.page.content()
        with django_db_blocker.unblock():
            saved = GuidancePage.objects.get(pk=page.pk)
            draft = saved.latest_revision
            draft_page = draft.as_object()
        assert draft.user_id == author.pk
        assert draft_page.search_description == DRAFT_SUMMARY
        assert len(draft_page.body[0].value["links"]) == 2
        first.close()

        # The next Editor is told whose draft it is and when it was saved.
        sign_in(second, continuer, PASSWORD, edit_path)
        when = date_format(timezone.localtime(draft.created_at), "j F Y \\a\\t H:i")
        notice = second.page.get_by_text(
            f"You are continuing a draft saved by Alex Author on {when}, not yet submitted"
        )
        assert notice.is_visible()
        start_again = second.page.get_by_role("link", name="Start again from the published page")
        assert start_again.is_visible()
        start_again_url = start_again.get_attribute("href")

        # Submitting it says what the empty row needs: one target, only one.
        second.page.get_by_role("button", name="More actions").click()
        second.page.get_by_role("button", name="Submit to Partnership approval").click()
        second.page.wait_for_load_state()
        hint = second.page.get_by_text(
            "Choose a page, a document or a web address for this link: only one is needed."
        )
        assert hint.is_visible()

        # Starting again loads the published page into the editor.
        second.open(start_again_url)
        summary = second.page.get_by_role("textbox", name="Summary")
        assert summary.input_value() == PUBLISHED_SUMMARY
        assert not (first.errors or second.errors)
    finally:
        first.close()
        second.close()
