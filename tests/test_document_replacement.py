"""Replacing a document's file keeps its address and the old file."""

import pytest
from django.urls import reverse

from documents.models import DocumentFileVersion, ProtocolDocument
from documents.sample_files import make_docx, make_pdf
from tests.editorial import sign_in
from tests.factories import create_document, replace_file

pytestmark = pytest.mark.django_db

LIBRARY = "/people-working-with-children/local-protocols-and-guidance/"


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("replacer", "r@example.org", "pw")
    sign_in(client, user)
    return user


def test_replacing_keeps_the_url_and_the_old_file(client, staff):
    document = create_document("Strategy discussions guidance", pages=2)
    old_url, old_content = document.url, document.file.read()
    document.file.close()

    response = replace_file(
        client,
        document,
        "strategy v2.pdf",
        make_pdf("Strategy v2", pages=5),
        "Adds a section on police attendance.",
    )
    assert response.status_code == 302

    document.refresh_from_db()
    assert document.url == old_url
    assert document.page_count == 5
    download = client.get(document.url)
    assert download.status_code == 200
    assert b"Strategy v2" in b"".join(download.streaming_content)

    version = document.file_versions.get()
    assert version.change_note == "Adds a section on police attendance."
    assert version.replaced_by == staff
    assert version.filename == "strategy-discussions-guidance.pdf"
    with version.file.open("rb") as kept:
        assert kept.read() == old_content


def test_a_replacement_needs_a_note_and_changes_nothing_without_one(client, staff):
    document = create_document("Private fostering guide")
    before = (document.file.name, document.file_hash)
    response = replace_file(client, document, "new.pdf", make_pdf("New"), "")
    assert response.status_code == 200
    assert "Say briefly what changed in the new file." in str(response.context["form"].errors)
    document.refresh_from_db()
    assert (document.file.name, document.file_hash) == before
    assert not DocumentFileVersion.objects.filter(document=document).exists()


def test_an_old_address_redirects_when_the_format_changed(client, staff):
    document = create_document("Neglect screening tool")
    old_url = document.url
    replace_file(
        client, document, "tool.docx", make_docx("Neglect screening tool"), "Now a Word form."
    )
    document.refresh_from_db()
    assert document.url == old_url.replace(".pdf", ".docx")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == document.url


def test_readers_see_the_change_history_on_the_entry(client, staff):
    document = create_document("Escalation guidance")
    replace_file(client, document, "v2.pdf", make_pdf("v2"), "Updated the contact numbers.")
    client.logout()
    html = client.get(f"{LIBRARY}{document.pk}/").content.decode()
    assert "Changes to this document" in html
    assert "Updated the contact numbers." in html


def test_staff_can_retrieve_previous_files_from_the_admin(client, staff):
    document = create_document("Linked professionals")
    replace_file(client, document, "v2.pdf", make_pdf("Linked v2"), "New version.")
    history = client.get(reverse("documents_file_history", args=[document.pk]))
    assert history.status_code == 200
    html = history.content.decode()
    assert "New version." in html
    assert "replacer" in html
    version = document.file_versions.get()
    download = client.get(reverse("documents_previous_file", args=[version.pk]))
    assert download.status_code == 200
    assert b"Linked professionals" in b"".join(download.streaming_content)


def test_previous_files_are_not_public(client, staff):
    document = create_document("Private history")
    replace_file(client, document, "v2.pdf", make_pdf("v2"), "New version.")
    version = ProtocolDocument.objects.get(pk=document.pk).file_versions.get()
    client.logout()
    response = client.get(reverse("documents_previous_file", args=[version.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_replacement_without_a_note_says_what_is_missing_beside_the_fields(client, staff):
    document = create_document("Private fostering guide")
    response = replace_file(client, document, "new.pdf", make_pdf("New"), "")
    html = response.content.decode()
    form = response.context["form"]
    assert form.errors["change_note"] == ["Say briefly what changed in the new file."]
    assert "choose the new file again" in form.errors["file"][0]
    # The page still shows the document's current file, not a "file not found" warning.
    assert "could not be found" not in html
    assert document.filename in html
    # The note is the field after the file field.
    names = list(form.fields)
    assert names[names.index("file") + 1] == "change_note"
    assert (
        html.index('name="file"') < html.index('name="change_note"') < html.index('name="summary"')
    )


def test_the_edit_page_extends_wagtails_with_pages_tags_and_previous_files(client, staff):
    document = create_document("Untagged toolkit", pages=4, tagged=False)
    html = client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert "This PDF has no accessibility tags" in html
    assert "<dt>Pages</dt>" in html
    assert "<dd>4</dd>" in html
    assert reverse("documents_file_history", args=[document.pk]) in html
    # Wagtail's own facts are still there.
    assert "Filesize" in html
    assert "Used 0 times" in html or "Used 1 time" in html
