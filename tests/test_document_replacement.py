"""Replacing a document's file keeps its address and the old file."""

import os
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from documents import kept_uploads
from documents.models import DocumentFileVersion, ProtocolDocument
from documents.sample_files import make_docx, make_pdf
from tests.editorial import sign_in
from tests.factories import create_document, document_edit_data, replace_file

pytestmark = pytest.mark.django_db


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


def test_readers_see_the_change_history_on_the_entry(client, staff, library_page):
    document = create_document("Escalation guidance")
    replace_file(client, document, "v2.pdf", make_pdf("v2"), "Updated the contact numbers.")
    client.logout()
    html = client.get(f"{library_page.url}{document.pk}/").content.decode()
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
    assert form.errors == {"change_note": ["Say briefly what changed in the new file."]}
    # The page still shows the document's current file, not a "file not found" warning.
    assert "could not be found" not in html
    assert document.filename in html
    # The note is the field after the file field.
    names = list(form.fields)
    assert names[names.index("file") + 1] == "change_note"
    assert (
        html.index('name="file"') < html.index('name="change_note"') < html.index('name="summary"')
    )


def test_the_chosen_file_is_kept_until_the_note_is_given(client, staff):
    document = create_document("Private fostering guide")
    new_content = make_pdf("Private fostering guide v2", pages=3)
    kept_before = set(kept_files())
    response = replace_file(client, document, "Fostering v2.pdf", new_content, "")
    (kept,) = set(kept_files()) - kept_before
    html = response.content.decode()
    assert "Chosen file: Fostering v2.pdf (PDF, 1 KB) — kept; choose another to change it." in html
    token = response.context["form"]["kept_upload"].value()
    assert f'name="kept_upload" value="{token}"' in html

    # The next save, with the note and no file chosen again, replaces the file.
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, change_note="Adds a section.", kept_upload=token),
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.page_count == 3
    with document.file.open("rb") as saved:
        assert saved.read() == new_content
    assert document.file_versions.get().change_note == "Adds a section."
    # Nothing of it is left in the kept uploads.
    assert kept not in kept_files()


def test_a_kept_file_is_only_for_the_person_and_document_it_was_chosen_for(
    client, staff, django_user_model
):
    document = create_document("Private fostering guide")
    other_document = create_document("Neglect toolkit")
    before = (other_document.file.name, other_document.file_hash)
    response = replace_file(client, document, "new.pdf", make_pdf("New"), "")
    token = response.context["form"]["kept_upload"].value()

    client.post(
        reverse("wagtaildocs:edit", args=[other_document.pk]),
        document_edit_data(other_document, change_note="Stolen.", kept_upload=token),
    )
    other_document.refresh_from_db()
    assert (other_document.file.name, other_document.file_hash) == before

    someone_else = django_user_model.objects.create_superuser("other", "o@example.org", "pw")
    sign_in(client, someone_else)
    client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, change_note="Not mine.", kept_upload=token),
    )
    assert not document.file_versions.exists()


def test_kept_files_left_behind_are_removed_after_a_while(client, staff):
    document = create_document("Private fostering guide")
    kept_before = set(kept_files())
    replace_file(client, document, "abandoned.pdf", make_pdf("Abandoned"), "")
    (abandoned,) = set(kept_files()) - kept_before
    long_ago = time.time() - kept_uploads.KEEP_FOR.total_seconds() - 60
    os.utime(default_storage.path(f"{kept_uploads.FOLDER}/{abandoned}"), (long_ago, long_ago))

    replace_file(client, document, "later.pdf", make_pdf("Later"), "")
    assert abandoned not in kept_files()
    assert any(name.endswith("-later.pdf") for name in kept_files())


def kept_files():
    if not default_storage.exists(kept_uploads.FOLDER):
        return []
    return default_storage.listdir(kept_uploads.FOLDER)[1]


def test_the_edit_page_extends_wagtails_with_pages_tags_and_previous_files(client, staff):
    document = create_document("Untagged toolkit", pages=4, tagged=False)
    html = client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert "This PDF has no accessibility tags" in html
    assert "<dt>Pages</dt>" in html
    assert "<dd>4</dd>" in html
    assert reverse("documents_file_history", args=[document.pk]) in html
    # Wagtail's own facts are still there.
    assert "<dt>Size</dt>" in html
    assert "Used 0 times" in html or "Used 1 time" in html
