"""The "What's new" page and its feeds."""

import xml.etree.ElementTree as ET

import pytest

from documents.sample_files import make_pdf
from tests.editorial import sign_in
from tests.factories import create_document, replace_file

pytestmark = pytest.mark.django_db

WHATS_NEW = "/whats-new/"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_lists_new_and_updated_pages_and_documents(client, guidance_page):
    guidance_page.title = "Working Together to Safeguard Children 2023"
    guidance_page.save_revision().publish()
    html = client.get(WHATS_NEW).content.decode()
    assert "Updated page" in html
    assert "Working Together to Safeguard Children 2023" in html
    assert html.index("Working Together to Safeguard Children 2023") < html.index("New document")
    assert "Linked Professional Guidance" not in html  # withdrawn


def test_replaced_documents_show_what_changed(client, django_user_model):
    sign_in(client, django_user_model.objects.create_superuser("admin2", "a@example.org", "pw"))
    # A document of its own: replacing a demo document's file would take it away from the
    # media folder every test shares, while the database rolls back.
    document = create_document("Graded Care Profile", document_type="toolkit")
    replace_file(
        client,
        document,
        "profile.pdf",
        make_pdf("Graded Care Profile 2026"),
        "Adds the graded care profile.",
    )
    client.logout()
    html = client.get(WHATS_NEW).content.decode()
    assert "Updated document" in html
    assert "Adds the graded care profile." in html
    atom = client.get(f"{WHATS_NEW}feed/atom/")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert entries[0].find(f"{ATOM}title").text == "Updated document: Graded Care Profile"


def test_rss_and_atom_feeds_are_valid_xml_with_links(client):
    rss = client.get(f"{WHATS_NEW}feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("./channel/item")
    assert items
    assert all(item.find("link").text.startswith("http://testserver/") for item in items)
    atom = client.get(f"{WHATS_NEW}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert ET.fromstring(atom.content).find(f"{ATOM}title").text == "What's new"


def test_the_page_advertises_its_feeds(client):
    html = client.get(WHATS_NEW).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/whats-new/feed/rss/"' in html
