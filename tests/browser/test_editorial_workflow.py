"""The whole editorial path in a real browser: an Editor logs in, edits a guidance page and
submits it; an Approver logs in and approves it; an anonymous reader then sees the change.

The live server reads the database the whole run shares (tests/browser/conftest.py), so
what this test needs is committed, not made inside a test transaction, and removed again
afterwards: the page it edits is its own, in a section of its own.
"""

import pytest

from pages.models import GuidancePage
from tests.editorial import APPROVERS, EDITORS, authenticator_app, staff_member

from .browsing import Tab, sign_in
from .committed import published_guidance_page, staff_accounts

PASSWORD = "a long password for the browser test"
OLD_SUMMARY = "How to share information about a child, and with whom."
NEW_SUMMARY = "How to share information about a child safely, lawfully and quickly."


@pytest.fixture
def guidance_page(django_db_blocker):
    with (
        django_db_blocker.unblock(),
        published_guidance_page("Information sharing", search_description=OLD_SUMMARY) as page,
    ):
        yield page


@pytest.fixture
def staff(django_db_blocker):
    with django_db_blocker.unblock():
        editor = staff_member("browser-editor", EDITORS, password=PASSWORD)
        approver = staff_member("browser-approver", APPROVERS, password=PASSWORD)
        # Approvers sign in with a code from their authenticator app too.
        authenticator_app(approver)
        with staff_accounts(editor, approver):
            yield {"editor": editor, "approver": approver}


@pytest.fixture
def server_database(django_db_blocker):
    """The live server's requests reach the database: outside any test transaction, so
    everything they write is committed (and cleaned up by the fixtures above)."""
    with django_db_blocker.unblock():
        yield


def test_an_editors_change_reaches_readers_once_an_approver_approves(
    browser, site_url, guidance_page, staff, server_database
):
    edit_path = f"/admin/pages/{guidance_page.pk}/edit/"
    editor = Tab(browser, site_url)
    approver = Tab(browser, site_url)
    reader = Tab(browser, site_url)
    try:
        sign_in(editor, staff["editor"], PASSWORD, edit_path)
        editor.page.get_by_role("textbox", name="Summary").fill(NEW_SUMMARY)
        editor.page.get_by_role("button", name="More actions").click()
        editor.page.get_by_role("button", name="Submit to Partnership approval").click()
        editor.page.wait_for_url("**/admin/pages/*/")
        assert "has been submitted for moderation" in editor.page.content()

        reader.open(guidance_page.url)
        assert reader.page.get_by_text(OLD_SUMMARY).is_visible()
        assert reader.page.get_by_text(NEW_SUMMARY).count() == 0

        sign_in(approver, staff["approver"], PASSWORD, edit_path)
        approver.page.get_by_role("button", name="More actions").click()
        approver.page.get_by_role("button", name="Approve and Publish", exact=True).click()
        approver.page.wait_for_url("**/admin/pages/*/")
        # The message says what approving did, not that the page "has been updated".
        assert approver.page.get_by_text(
            "“Information sharing” approved and published: practitioners now see it."
        ).is_visible()
        assert "has been updated" not in approver.page.content()
        approved = GuidancePage.objects.get(pk=guidance_page.pk)
        assert not approved.workflow_in_progress
        assert approved.live and not approved.has_unpublished_changes

        reader.open(guidance_page.url)
        assert reader.page.get_by_text(NEW_SUMMARY).is_visible()
        assert reader.page.get_by_text(OLD_SUMMARY).count() == 0
        assert not (editor.errors or approver.errors or reader.errors)
    finally:
        for tab in (editor, approver, reader):
            tab.close()
