"""The "What's new" page and its feeds."""

import re
import xml.etree.ElementTree as ET

import pytest

from documents.models import DocumentStatus
from documents.sample_files import make_pdf
from pages.models import WhatsNewPage
from tests.editorial import sign_in
from tests.factories import create_document, create_page, replace_file

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def whats_new(db):
    """The address of a "What's new" page."""
    return create_page(WhatsNewPage, "Latest from the partnership").url


def test_lists_new_and_updated_pages_and_documents(client, whats_new, guidance_page):
    create_document("Harbour Safety Toolkit")
    create_document("Kestrel Lockdown Guidance", status=DocumentStatus.WITHDRAWN)
    guidance_page.title = "Sharing information about a child (2026)"
    guidance_page.save_revision().publish()
    html = client.get(whats_new).content.decode()
    assert "Updated page" in html
    assert "Sharing information about a child (2026)" in html
    assert re.search(
        r'New document, <time[^>]*>[^<]*</time></p>\s*<h2 class="change-list__title">'
        r'<a href="[^"]*">Harbour Safety Toolkit</a>',
        html,
    )
    assert html.index("Sharing information about a child (2026)") < html.index(
        "Harbour Safety Toolkit"
    )
    assert "Kestrel Lockdown Guidance" not in html


def test_replaced_documents_show_what_changed(client, whats_new, django_user_model):
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
    html = client.get(whats_new).content.decode()
    assert "Updated document" in html
    assert "Adds the graded care profile." in html
    atom = client.get(f"{whats_new}feed/atom/")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert entries[0].find(f"{ATOM}title").text == "Updated document: Graded Care Profile"


def test_rss_and_atom_feeds_are_valid_xml_with_links(client, whats_new, guidance_page):
    rss = client.get(f"{whats_new}feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("./channel/item")
    assert items
    assert all(item.find("link").text.startswith("http://testserver/") for item in items)
    atom = client.get(f"{whats_new}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert ET.fromstring(atom.content).find(f"{ATOM}title").text == "Latest from the partnership"


def test_the_page_advertises_its_feeds(client, whats_new):
    html = client.get(whats_new).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{whats_new}feed/rss/"' in html
