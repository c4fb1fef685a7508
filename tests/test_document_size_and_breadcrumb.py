"""A file's size reads the same wherever it is shown, and a document's entry leads back
through the library it belongs to."""

import re

import pytest
from django.urls import reverse

from tests.editorial import sign_in
from tests.factories import create_document

pytestmark = pytest.mark.django_db


def test_a_small_file_has_one_size_on_pages_and_in_the_library(client, guidance_page, library_page):
    document = create_document("Wombat one minute guide")
    assert document.file_size < 1024
    guidance_page.body = [
        (
            "related_links",
            {"heading": "Related links", "links": [{"document": document, "text": ""}]},
        )
    ]
    guidance_page.save_revision().publish()

    page = client.get(guidance_page.url).content.decode()
    library = client.get(library_page.url).content.decode()
    assert "bytes" not in page
    assert 'Wombat one minute guide <span class="file-meta">(PDF, 1 KB)</span>' in page
    assert 'Wombat one minute guide <span class="file-meta">(PDF, 1 KB, 1 page)</span>' in library


def test_a_document_entry_breadcrumb_includes_the_library(client, home, library_page):
    document = create_document("Wombat escalation protocol")
    html = client.get(f"{library_page.url}{document.pk}/").content.decode()
    trail = html[html.index('aria-label="Breadcrumb"') :]
    trail = trail[: trail.index("</nav>")]
    # Home, the sections the library is in, and the library.
    sections = library_page.get_ancestors().filter(depth__gt=home.depth)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', trail) == [
        ("/", "Home"),
        *((section.url, section.title) for section in sections),
        (library_page.url, library_page.title),
    ]


def test_the_admin_edit_page_gives_the_size_as_the_site_does(client, django_user_model):
    document = create_document("Wombat admin size guide")
    assert document.file_size < 1024
    sign_in(client, django_user_model.objects.create_superuser("sizer", "s@example.org", "pw"))
    html = client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    facts = html[html.index("<dt>Size</dt>") :]
    assert facts.startswith("<dt>Size</dt>\n            <dd>1 KB</dd>")
    assert "bytes" not in html
