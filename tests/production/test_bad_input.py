"""Hostile or broken requests against the running server (tests/production_server.py):
each gets a clean 4xx answer, none a 500, and nothing is written."""

import json

import pytest

from documents.sample_files import make_pdf
from tests.production_server import HOST, Client, raw_request

MB = 1024 * 1024
SECRETS_ON_DISK = (b"SECRET_KEY", b"DJANGO_SETTINGS_MODULE", b"root:x:0:0")
OWN_CONTENT = """
import json
section = factories.create_section("Forwarded host test")
document = factories.create_document("Stored file test protocol")
print(json.dumps({"section": section.url, "document": document.file.name}))
"""


@pytest.fixture(scope="module")
def own(production):
    """The address of a section of the module's own, which no one has asked for yet, and
    where the file of a document of its own is stored in the media folder."""
    return json.loads(production.make(OWN_CONTENT).splitlines()[-1])


@pytest.fixture(autouse=True)
def nothing_written_and_no_server_error(production, plain):
    def documents():
        return production.database.query("SELECT count(*) FROM documents_protocoldocument")[0][0]

    media, document_count, log_lines = (
        production.media_files(),
        documents(),
        len(plain.log_entries()),
    )
    yield
    assert production.media_files() == media
    assert documents() == document_count
    answered = plain.access_log_entries_after(log_lines)
    assert answered, "the server answered nothing"
    assert all(entry["status"] < 500 for entry in answered), answered


@pytest.fixture
def editor(plain):
    editor = Client(plain)
    editor.log_in()
    return editor


def csrf_token(client, path):
    _, fields = client.form(path, "form:has(input[name=csrfmiddlewaretoken])")
    return fields["csrfmiddlewaretoken"]


def test_oversized_bodies_are_refused_before_they_are_read(plain, editor):
    # Larger than the largest document upload (25 MB) and its form: refused unread.
    token = csrf_token(editor, "/admin/documents/add/")
    response = editor.post(
        "/admin/documents/add/",
        data={"csrfmiddlewaretoken": token, "title": "Huge"},
        files={"file": ("huge.pdf", make_pdf("Huge") + b"0" * (30 * MB), "application/pdf")},
    )
    assert response.status_code == 413

    visitor = Client(plain)
    token = csrf_token(visitor, "/admin/login/")
    response = visitor.post(
        "/admin/login/", data=b"x" * (30 * MB), headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 413
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    # Form fields are limited to DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) by Django itself.
    response = visitor.post(
        "/admin/login/",
        data={"csrfmiddlewaretoken": token, "username": "x" * (3 * MB), "password": "x"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("multipart/form-data", b"no boundary given", 400),
        ("multipart/form-data; boundary=" + "b" * 300, b"--" + b"b" * 300 + b"\r\n", 400),
        ("multipart/form-data; boundary=expected", b"--other\r\n\r\ngarbage\r\n--other--", 403),
        ("multipart/form-data; boundary=xyz", b"\x00\xff" * 4096, 400),
    ],
    ids=["no boundary", "boundary too long", "wrong boundary", "binary garbage"],
)
def test_malformed_multipart_uploads_are_refused(editor, content_type, body, status):
    response = editor.post(
        "/admin/documents/add/", data=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == status


def test_a_truncated_upload_is_refused(editor):
    token = csrf_token(editor, "/admin/documents/add/")
    body = (
        b"--cut\r\n"
        b'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        + token.encode()
        + b"\r\n--cut\r\n"
        b'Content-Disposition: form-data; name="title"\r\n\r\nCut short\r\n--cut\r\n'
        b'Content-Disposition: form-data; name="file"; filename="cut.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + make_pdf("Cut short")[:200]
    )
    response = editor.post(
        "/admin/documents/add/",
        data=body,
        headers={"Content-Type": "multipart/form-data; boundary=cut"},
    )
    # Django drops the unfinished file, and the form comes back asking for one.
    assert response.status_code == 200
    assert "The document could not be created due to errors" in response.text


def test_too_many_files_in_one_upload_are_refused(editor):
    token = csrf_token(editor, "/admin/documents/add/")
    response = editor.post(
        "/admin/documents/add/",
        data={"csrfmiddlewaretoken": token},
        files=[("file", (f"{n}.pdf", b"%PDF-1.4", "application/pdf")) for n in range(101)],
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        f"{HOST}.attacker.example",
        f"{HOST}@attacker.example",
        f"{HOST}/admin",
        "",
        f"{HOST}:not-a-port",
    ],
)
def test_invalid_host_headers_are_refused(plain, host):
    status, response = raw_request(plain, "/", host)
    assert status == 400
    if host:
        assert host.encode() not in response


def test_a_forwarded_host_cannot_poison_the_page_cache(plain, own):
    visitor = Client(plain)
    for _ in range(2):
        response = visitor.get(own["section"], headers={"X-Forwarded-Host": "attacker.example"})
        assert response.status_code == 200
        assert "attacker.example" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/../manage.py",
        "/static/%2e%2e/manage.py",
        "/static/..%2fmanage.py",
        "/static/css/..%2f..%2f..%2fpartnership_site%2fsettings%2fbase.py",
        "/static/..%5c..%5cmanage.py",
        "/documents/1/../../manage.py",
        "/documents/1/..%2f..%2f..%2fmanage.py",
        "/documents/1/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/documents/../partnership_site/settings/base.py",
        "/media/../manage.py",
        "/media/documents/",
        "/media/images/../../manage.py",
        "/media/images/..%2f..%2fpartnership_site%2fsettings%2fbase.py",
        "/media/images/%2e%2e/documents/",
    ],
)
def test_path_traversal_finds_nothing(plain, path):
    status, response = raw_request(plain, path)
    assert 400 <= status < 500
    assert not any(secret in response for secret in SECRETS_ON_DISK)


def test_documents_have_no_public_address_in_the_media_folder(production, plain, own):
    assert own["document"] in production.media_files()
    visitor = Client(plain)
    assert visitor.get(f"/media/{own['document']}").status_code == 404
