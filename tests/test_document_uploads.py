"""Uploading protocol documents through the Wagtail admin: bad files are refused with a
clear message and nothing is stored."""

import os
import zipfile
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Collection

from documents.models import ProtocolDocument
from documents.sample_files import make_docx, make_pdf
from tests.editorial import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    sign_in(client, django_user_model.objects.create_superuser("docs-admin", "a@example.org", "pw"))
    return client


def stored_files():
    root = settings.MEDIA_ROOT
    return {os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names}


def upload(client, name, content, title="Uploaded document"):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(name, content),
        },
    )


def multiple_upload(client, name, content):
    return client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "collection": Collection.get_first_root_node().pk,
            "files[]": SimpleUploadedFile(name, content),
        },
    )


def test_a_pdf_upload_records_pages_tags_and_a_safe_name(editor_client):
    response = upload(
        editor_client, "Neglect Toolkit (FINAL v2).PDF", make_pdf("Neglect", pages=3, tagged=False)
    )
    assert response.status_code == 302
    document = ProtocolDocument.objects.get(title="Uploaded document")
    assert document.filename == "neglect-toolkit-final-v2.pdf"
    assert document.page_count == 3
    assert document.accessibility_tagged is False
    assert document.format_label == "PDF"


def test_the_multiple_uploader_accepts_a_valid_file(editor_client):
    response = multiple_upload(editor_client, "Quick guide.docx", make_docx("Quick guide"))
    assert response.json()["success"] is True
    document = ProtocolDocument.objects.get(title="Quick guide.docx")
    assert document.filename == "quick-guide.docx"
    assert document.page_count is None
    assert document.document_type == "other"


def zip_without_word_part():
    output = BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("evil.txt", "not a word document")
    return output.getvalue()


BAD_UPLOADS = [
    ("renamed-program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "not a real .pdf file"),
    ("page.csv", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not a real .csv file"),
    ("page.docx", b"<html><body>hello</body></html>", "not a real .docx file"),
    ("fake.docx", zip_without_word_part(), "not a real .docx file"),
    ("fake.odt", make_docx("Not ODF"), "not a real .odt file"),
    ("binary.csv", b"a,b\n\x00\x01\x02", "not a real .csv file"),
    ("old.doc", b"plain text pretending", "not a real .doc file"),
    ("damaged.pdf", b"%PDF-1.7\n1 0 obj garbage", "This PDF is damaged"),
    ("program.exe", b"MZ\x90\x00", "File extension"),
    ("page.html", b"<html></html>", "File extension"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_bad_files_are_refused_and_nothing_is_stored(editor_client, name, content, message):
    before_files, before_count = stored_files(), ProtocolDocument.objects.count()
    response = upload(editor_client, name, content)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert ProtocolDocument.objects.count() == before_count
    assert stored_files() == before_files


@pytest.mark.parametrize(("name", "content", "message"), BAD_UPLOADS)
def test_the_multiple_uploader_refuses_the_same_files(editor_client, name, content, message):
    before_files, before_count = stored_files(), ProtocolDocument.objects.count()
    response = multiple_upload(editor_client, name, content)
    assert response.json()["success"] is False
    assert message in response.json()["error_message"]
    assert ProtocolDocument.objects.count() == before_count
    assert stored_files() == before_files


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=2048)
def test_files_over_the_size_limit_are_refused(editor_client):
    before_files = stored_files()
    response = upload(editor_client, "big.pdf", make_pdf("Big", pages=40))
    assert response.status_code == 200
    assert "This file is too big" in str(response.context["form"].errors["file"])
    assert stored_files() == before_files


def test_a_utf8_csv_with_accents_is_accepted(editor_client):
    response = upload(editor_client, "contacts.csv", "Team,Phone\nSanté,01632 960000\n".encode())
    assert response.status_code == 302


def test_password_protected_pdfs_are_refused(editor_client):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(make_pdf("Secret"))))
    writer.encrypt("letmein")
    output = BytesIO()
    writer.write(output)
    response = upload(editor_client, "secret.pdf", output.getvalue())
    assert "protected by a password" in str(response.context["form"].errors["file"])


def test_an_identical_file_is_pointed_to_the_document_that_has_it(editor_client):
    content = make_pdf("Neglect screening tool", pages=2)
    assert upload(editor_client, "neglect.pdf", content, title="Neglect tool").status_code == 302
    existing = ProtocolDocument.objects.get(title="Neglect tool")

    response = upload(editor_client, "neglect copy.pdf", content, title="Neglect tool copy")

    assert response.status_code == 200
    error = str(response.context["form"].errors["file"])
    assert "already in the library as" in error
    assert reverse("wagtaildocs:edit", args=[existing.pk]) in error
    assert not ProtocolDocument.objects.filter(title="Neglect tool copy").exists()


def test_an_identical_file_can_still_be_added_on_purpose(editor_client):
    content = make_pdf("Neglect screening tool", pages=2)
    upload(editor_client, "neglect.pdf", content, title="Neglect tool")
    response = editor_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Neglect tool for schools",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("neglect-schools.pdf", content),
            "upload_duplicate": "on",
        },
    )
    assert response.status_code == 302
    assert ProtocolDocument.objects.filter(title="Neglect tool for schools").exists()
