"""Several servers side by side, as production runs when one machine is not enough: two
gunicorn servers on different ports, one PostgreSQL database, one Redis for the page cache
and sessions, and a shared media folder (tests/production_server.py)."""

import re
import time
from pathlib import PurePosixPath

import pytest
from wagtail.images.tests.utils import get_test_image_file

from documents.sample_files import make_pdf
from tests.production_server import Client, Server

# In the main menu, so that every page lists it.
CREATE_SECTION = """
section = factories.create_section("Shared cache test section", show_in_menus=True)
print(section.pk, section.url)
"""
NEW_TITLE = "Shared cache test section, renamed"


@pytest.fixture(scope="module")
def section(production):
    """The id and address of a section of the module's own, which no one has asked for yet."""
    page_id, address = production.make(CREATE_SECTION).split()[-2:]
    return int(page_id), address


@pytest.fixture(scope="module")
def servers(production, redis):
    started = []
    try:
        for name in ("a", "b"):
            started.append(Server(production, f"scale-out-{name}", REDIS_URL=redis.url))
        yield started
    finally:
        for server in started:
            server.stop()


def test_what_an_editor_publishes_on_one_server_the_other_serves_at_once(section, servers):
    page_id, address = section
    a, b = servers
    on_a, on_b = Client(a), Client(b)
    before = on_b.get(address)
    assert before.headers["X-Page-Cache"] == "miss"
    assert NEW_TITLE not in before.text
    # One cache for both: what B rendered, A serves.
    assert on_a.get(address).headers["X-Page-Cache"] == "hit"
    assert on_b.get("/").status_code == 200

    editor = Client(a)
    editor.log_in()
    action, fields = editor.form(f"/admin/pages/{page_id}/edit/", "#page-edit-form")
    published = editor.post(
        action, data={**fields, "title": NEW_TITLE, "action-publish": "action-publish"}
    )
    assert published.status_code == 302

    after = on_b.get(address)
    assert after.headers["X-Page-Cache"] == "miss"
    assert f"<h1>{NEW_TITLE}</h1>" in after.text
    # Every page was invalidated, not only the one published: the home page lists it.
    assert NEW_TITLE in on_b.get("/").text
    # Each server reads the database's part of the content version every
    # CONTENT_VERSION_CHECK_SECONDS: once both have read the new one, they share one cache
    # again, what one renders the other serves.
    deadline = time.monotonic() + 15
    while on_a.get(address).headers["X-Page-Cache"] != "hit":
        assert time.monotonic() < deadline, "the servers never shared the cache again"
        time.sleep(0.5)
        on_b.get(address)


def test_a_document_uploaded_on_one_server_downloads_from_the_other(production, servers):
    a, b = servers
    editor = Client(a)
    editor.log_in()
    action, fields = editor.form("/admin/documents/add/", "form[enctype='multipart/form-data']")
    pdf = make_pdf("Uploaded through server A", tagged=True)
    uploaded = editor.post(
        action,
        data={**fields, "title": "Uploaded through server A", "summary": "A test upload."},
        files={"file": ("uploaded-on-a.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 302

    document_id, stored = production.database.query(
        "SELECT id, file FROM documents_protocoldocument WHERE title = %s",
        "Uploaded through server A",
    )[0]
    download = Client(b).get(f"/documents/{document_id}/{PurePosixPath(stored).name}")
    assert download.status_code == 200
    assert download.content == pdf

    # The editor's session is good on either server.
    on_b = Client(b)
    on_b.cookies = editor.cookies
    assert on_b.get("/admin/").status_code == 200


def test_a_picture_uploaded_on_one_server_shows_on_the_other(production, servers):
    a, b = servers
    editor = Client(a)
    editor.log_in()
    action, fields = editor.form("/admin/images/add/", "form[enctype='multipart/form-data']")
    uploaded = editor.post(
        action,
        data={**fields, "title": "Team photo"},
        files={"file": ("team.png", get_test_image_file().file.getvalue(), "image/png")},
    )
    assert uploaded.status_code == 302

    (image_id,) = production.database.query(
        "SELECT id FROM wagtailimages_image WHERE title = %s", "Team photo"
    )[0]
    editing = editor.get(f"/admin/images/{image_id}/")  # A makes a rendition
    rendition = re.search(r'src="(/media/images/[^"]+)"', editing.text).group(1)
    picture = Client(b).get(rendition)
    assert picture.status_code == 200
    assert picture.content.startswith(b"\x89PNG")
