"""A document that procedure links or the library page list is in use: the admin says so,
and an Editor cannot delete it."""

import pytest
from django.urls import reverse

from documents.models import DocumentStatus
from tests.editorial import logged_in
from tests.factories import create_document, create_procedure_link

pytestmark = pytest.mark.django_db


def test_procedure_links_count_as_uses_of_a_document(admin_client, editor):
    document = create_document("Zebrafish neglect toolkit", approval="awaiting")
    link = create_procedure_link("Zebrafish fostering arrangements")
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedurelink:edit", args=[link.pk]),
        {
            "title": link.title,
            "url": link.url,
            "chapter": link.chapter_id,
            "note": link.note,
            "related_documents": [document.pk],
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302

    edit_page = admin_client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert "Used 1 time" in edit_page
    usage = admin_client.get(reverse("wagtaildocs:document_usage", args=[document.pk]))
    assert "Zebrafish fostering arrangements" in usage.content.decode()

    # Not yet approved, but in use: only an administrator may delete it.
    document.uploaded_by_user = editor
    document.save()
    logged_in(editor).post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert type(document).objects.filter(pk=document.pk).exists()

    link.related_documents.remove(document)
    link.save()
    assert document.get_usage().count() == 0


def test_the_library_page_counts_as_a_use_of_the_documents_it_lists(
    admin_client, approver, library_page
):
    document = create_document("Zebrafish neglect toolkit", approval="awaiting")
    assert document.get_usage().count() == 0

    logged_in(approver).post(
        reverse("documents_approval_decision", args=[document.pk]), {"decision": "approve"}
    )
    edit_page = admin_client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert "Used 1 time" in edit_page
    usage = admin_client.get(reverse("wagtaildocs:document_usage", args=[document.pk]))
    assert library_page.title in usage.content.decode()

    # Withdrawn, it leaves the library, and the library no longer uses it.
    document.status = DocumentStatus.WITHDRAWN
    document.save()
    assert document.get_usage().count() == 0
