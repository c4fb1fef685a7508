"""Replacing a document's file in a real browser: a missing "what changed" note is pointed
out next to the field, the chosen file is kept (not chosen again), and the document keeps
its current file until the note is given.

As in test_editorial_workflow.py, what the live server reads is committed and removed
again afterwards."""

import pytest
from django.contrib.auth import get_user_model

from documents.models import ProtocolDocument
from documents.sample_files import make_pdf
from tests.factories import create_document

from .browsing import Tab, sign_in
from .committed import staff_accounts

PASSWORD = "a long password for the browser test"


@pytest.fixture
def document_and_editor(django_db_blocker):
    """The live server's requests reach the database outside any test transaction while
    the test runs; what they write is committed and removed afterwards."""
    with django_db_blocker.unblock():
        document = create_document("Browser replacement test guide")
        user = get_user_model().objects.create_superuser(
            "browser-replacer", "br@example.org", PASSWORD
        )
        with staff_accounts(user):
            yield document, user
        ProtocolDocument.objects.get(pk=document.pk).delete()


def test_a_missing_note_is_pointed_out_by_the_file_and_nothing_is_lost(
    browser, site_url, document_and_editor, tmp_path
):
    document, user = document_and_editor
    new_file = tmp_path / "guide-v2.pdf"
    new_file.write_bytes(make_pdf("Browser replacement test guide v2"))
    edit_path = f"/admin/documents/edit/{document.pk}/"
    tab = Tab(browser, site_url)
    try:
        sign_in(tab, user, PASSWORD, edit_path)

        # The note is the next field after the file.
        field_names = tab.page.locator("form input[name], form textarea[name]").evaluate_all(
            "fields => fields.map(field => field.name)"
        )
        visible = [name for name in field_names if name not in ("csrfmiddlewaretoken", "next")]
        assert visible[visible.index("file") + 1] == "change_note"

        tab.page.locator('input[type="file"][name="file"]').set_input_files(str(new_file))
        tab.page.get_by_role("button", name="Save").click()
        tab.page.wait_for_load_state()

        page_text = tab.page.content()
        assert "could not be found" not in page_text
        assert tab.page.get_by_role("button", name="Delete").count() == 0
        # The message is by the note field, and the chosen file is said to be kept.
        note_field = tab.page.locator(
            ".w-field__wrapper", has=tab.page.get_by_label("What changed")
        )
        assert "Say briefly what changed in the new file." in note_field.inner_text()
        file_field = tab.page.locator(
            ".w-field__wrapper", has=tab.page.locator('input[name="file"]')
        )
        assert (
            "Chosen file: guide-v2.pdf (PDF, 1 KB) — kept; choose another to change it."
            in file_field.inner_text()
        )
        # The form still links to the current file.
        assert tab.page.get_by_role("link", name=document.filename).count() >= 1

        tab.page.get_by_label("What changed").fill("Adds the new contact numbers.")
        tab.page.get_by_role("button", name="Save").click()
        tab.page.wait_for_url("**/admin/documents/")
        saved = ProtocolDocument.objects.get(pk=document.pk)
        assert saved.file_versions.get().change_note == "Adds the new contact numbers."
        with saved.file.open("rb") as replaced:
            assert b"Browser replacement test guide v2" in replaced.read()
        assert not tab.errors
    finally:
        tab.close()
