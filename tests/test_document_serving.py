"""Downloads go through Wagtail's own serve view; what the partnership adds (old addresses,
retired documents, approval) hangs off its documented hook and redirects."""

import pytest
from django.urls import resolve
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.views.serve import serve as wagtail_serve

from documents.sample_files import make_docx, make_pdf
from tests.editorial import sign_in
from tests.factories import create_document, replace_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("server", "s@example.org", "pw")
    sign_in(client, user)
    return user


def test_a_download_has_no_content_encoding_unless_it_has_one(client):
    document = create_document("Neglect toolkit")
    response = client.get(document.url)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response["Content-Type"] == "application/pdf"


def test_downloads_are_served_by_wagtails_own_view(client):
    document = create_document("Neglect toolkit")
    assert resolve(document.url).func is wagtail_serve


def test_every_former_address_reaches_the_current_file(client, staff):
    document = create_document("Self-harm pathway")
    first_url = document.url
    replace_file(client, document, "pathway.docx", make_docx("Pathway"), "Now a Word form.")
    document.refresh_from_db()
    second_url = document.url
    replace_file(client, document, "pathway.pdf", make_pdf("Pathway again"), "Back to PDF.")
    document.refresh_from_db()
    assert document.url == first_url

    # The first address is the current one again; the second leads straight to it.
    assert client.get(first_url).status_code == 200
    response = client.get(second_url)
    assert response.status_code == 301
    assert response["Location"] == document.url
    assert not Redirect.objects.filter(redirect_link=second_url).exists()
    assert not Redirect.objects.filter(old_path=first_url).exists()
