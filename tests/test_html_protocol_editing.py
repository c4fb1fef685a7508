"""Editing HTML protocols in the admin: turning an uploaded document into one, the note
each publication needs, and an Editor's change staying private until approved."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from documents.models import ProtocolVersion
from documents.sample_files import make_pdf
from pages.models import ProtocolPage
from tests.editorial import edit_url, logged_in
from tests.factories import create_document, publish_protocol, replace_file

pytestmark = pytest.mark.django_db


def protocol_form(page_or_document, sections, action, note="", alert=True, title=None):
    document = getattr(page_or_document, "document", page_or_document)
    data = {
        "title": title or document.title,
        "slug": getattr(page_or_document, "slug", "converted-protocol"),
        "search_description": "What practitioners do when they disagree.",
        "document": document.pk,
        "sections": streamfield(
            [
                ("section", {"heading": heading, "body": rich_text(body)})
                for heading, body in sections
            ]
        ),
        "footnotes": streamfield([]),
        "change_note": note,
    }
    if alert:
        data["alert_subscribers"] = "on"
    if action:
        data[action] = action
    return nested_form_data(data)


def test_an_uploaded_document_becomes_an_html_protocol_and_keeps_its_address(
    admin_client, client, library_page
):
    document = create_document("Linked professionals guidance", document_type="protocol")
    replace_file(admin_client, document, "v2.pdf", make_pdf("v2"), "New contacts.")
    document.refresh_from_db()
    document.last_reviewed_on = datetime.date(2025, 3, 1)
    document.save()
    address, review_due = document.url, document.review_due
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "protocolpage", library_page.pk))

    sections = [("Purpose", "<p>Linked professionals keep in touch.</p>")]
    refused = admin_client.post(add_url, protocol_form(document, sections, "action-publish"))
    assert refused.status_code == 200
    assert "Say briefly what changed" in str(refused.context["form"].errors)

    response = admin_client.post(
        add_url, protocol_form(document, sections, "action-publish", note="Now a web page.")
    )
    assert response.status_code == 302
    page = ProtocolPage.objects.get(document=document)
    document.refresh_from_db()
    assert document.url == address
    assert document.review_due == review_due
    assert str(document.last_reviewed_on) == "2025-03-01"
    assert document.file_versions.count() == 2
    numbers = list(document.versions.order_by("number").values_list("number", "change_note"))
    assert numbers == [
        (1, "First published on this site."),
        (2, "New contacts."),
        (3, "Now a web page."),
    ]
    entry = f"{library_page.url}{document.pk}/"
    assert client.get(entry)["Location"] == page.url
    # The file the document had until then opens as its version 2.
    assert client.get(f"{entry}versions/2/file/").status_code == 200


def test_an_editors_change_stays_private_until_approved(editor, approver, client, whats_new_page):
    document = create_document("Private draft protocol")
    page = publish_protocol(document, [("Purpose", "<p>Approved words.</p>")])
    document.refresh_from_db()
    pdf_before = document.file_hash
    changed = [("Purpose", "<p>Unapproved words.</p>")]

    refused = logged_in(editor).post(edit_url(page), protocol_form(page, changed, "action-submit"))
    assert refused.status_code == 200
    assert "Say briefly what changed" in str(refused.context["form"].errors)

    response = logged_in(editor).post(
        edit_url(page), protocol_form(page, changed, "action-submit", note="Reworded.")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert "Unapproved words" not in client.get(page.url).content.decode()
    assert ProtocolVersion.objects.filter(document=document).count() == 1
    assert document.file_hash == pdf_before
    assert "Reworded." not in client.get(whats_new_page.url).content.decode()
    assert client.get(f"{page.url}versions/2/").status_code == 404

    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    assert logged_in(approver).post(approve, {"comment": ""}).status_code == 302
    version = ProtocolVersion.objects.get(document=document, number=2)
    assert version.change_note == "Reworded."
    assert "Unapproved words" in client.get(page.url).content.decode()

    # The next edit starts with an empty note and the alert ticked.
    form = logged_in(editor).get(edit_url(page)).context["form"]
    assert form["change_note"].value() == ""
    assert form["alert_subscribers"].value() is True


def test_a_protocol_with_public_versions_is_unpublished_not_deleted(admin_client):
    document = create_document("Walrus disagreements protocol")
    protocol = publish_protocol(document, [("Purpose", "<p>First words.</p>")])
    protocol = publish_protocol(
        document, [("Purpose", "<p>Second words.</p>")], page=protocol, change_note="Reworded."
    )
    library = protocol.get_parent()

    for page in (protocol, library):
        response = admin_client.post(
            reverse("wagtailadmin_pages:delete", args=(page.pk,)), follow=True
        )
        assert "cannot be deleted: readers can open earlier versions of" in response.text
        assert protocol.title in response.text
    assert ProtocolPage.objects.filter(pk=protocol.pk).exists()
    assert Page.objects.filter(pk=library.pk).exists()
