"""An Editor's change to a public document (a new file, a move out of a restricted
collection, new details) waits for an Approver while practitioners keep the approved
document at the same address; approving swaps the change in, rejecting discards it."""

import pytest
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, ModelLogEntry

from documents.approval import DOCUMENT_APPROVED, DOCUMENT_REJECTED
from documents.models import FILE_REPLACED, PendingDocumentChange
from documents.sample_files import make_pdf
from tests.editorial import APPROVERS, EDITORS, logged_in, staff_member
from tests.factories import create_document, document_edit_data, replace_file

pytestmark = pytest.mark.django_db

WAITING = reverse("documents_awaiting_approval")


def downloaded(client, document):
    response = client.get(document.url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def decide(approver, document, decision):
    return logged_in(approver).post(
        reverse("documents_approval_decision", args=[document.pk]), {"decision": decision}
    )


def edit(user, document, **changes):
    return logged_in(user).post(
        reverse("wagtaildocs:edit", args=[document.pk]), document_edit_data(document, **changes)
    )


def test_the_public_keeps_the_approved_file_until_the_replacement_is_approved(
    client, editor, approver
):
    document = create_document("Neglect strategy", pages=2)
    address = document.url
    response = replace_file(
        logged_in(editor), document, "neglect v2.pdf", make_pdf("Neglect v2", 3), "New contacts."
    )
    assert response.status_code == 302

    document.refresh_from_db()
    assert document.is_approved
    assert document.url == address
    assert b"Neglect v2" not in downloaded(client, document)
    assert not document.file_versions.exists()

    listing = logged_in(approver).get(WAITING).content.decode()
    assert "Neglect strategy" in listing
    assert "neglect-strategy.pdf" in listing
    assert "PDF" in listing and "KB" in listing
    assert "New contacts." in listing
    pending_address = reverse("documents_pending_file", args=[document.pk])
    pending_file = logged_in(approver).get(pending_address)
    assert b"Neglect v2" in b"".join(pending_file.streaming_content)
    assert "/admin/login/" in client.get(pending_address)["Location"]

    assert decide(approver, document, "approve").status_code == 302
    document.refresh_from_db()
    assert document.url == address
    assert document.page_count == 3
    assert b"Neglect v2" in downloaded(client, document)
    version = document.file_versions.get()
    assert version.change_note == "New contacts."
    assert version.replaced_by == editor
    with version.file.open("rb") as kept:
        assert b"Neglect strategy" in kept.read()
    assert not PendingDocumentChange.objects.filter(document=document).exists()
    logged = ModelLogEntry.objects.filter(object_id=str(document.pk))
    assert logged.get(action=DOCUMENT_APPROVED).user == approver
    assert logged.get(action=FILE_REPLACED).data["change_note"] == "New contacts."
    assert "Neglect strategy" not in logged_in(approver).get(WAITING).content.decode()


def test_a_rejected_replacement_is_discarded_and_the_public_keeps_the_file(
    client, editor, approver
):
    document = create_document("Neglect strategy")
    replace_file(logged_in(editor), document, "v2.pdf", make_pdf("Rejected v2"), "Typo.")
    pending = PendingDocumentChange.objects.get(document=document)
    storage, held_name = pending.file.storage, pending.file.name
    assert storage.exists(held_name)

    decide(approver, document, "reject")
    assert not PendingDocumentChange.objects.filter(document=document).exists()
    assert not storage.exists(held_name)
    assert b"Rejected v2" not in downloaded(client, document)
    assert not document.file_versions.exists()
    entry = ModelLogEntry.objects.get(object_id=str(document.pk), action=DOCUMENT_REJECTED)
    assert entry.user == approver


def test_a_move_out_of_a_restricted_collection_keeps_the_document_private_until_approved(
    client, editor, approver, library_page
):
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN
    )
    public = Collection.get_first_root_node().add_child(name="Public")
    document = create_document("Rota for duty social workers", collection=staff_only)
    entry = f"{library_page.url}{document.pk}/"

    edit(editor, document, collection=public.pk)
    document.refresh_from_db()
    assert document.collection == staff_only
    assert "Rota for duty social workers" not in client.get(library_page.url).content.decode()
    assert client.get(entry).status_code != 200
    assert client.get(document.url).status_code != 200
    listing = logged_in(approver).get(WAITING).content.decode()
    assert "Move to the collection Public" in listing

    decide(approver, document, "approve")
    document.refresh_from_db()
    assert document.collection == public
    assert "Rota for duty social workers" in client.get(library_page.url).content.decode()
    assert client.get(entry).status_code == 200


def test_an_editors_new_details_wait_and_the_public_keeps_the_approved_ones(
    client, editor, approver, library_page
):
    document = create_document("Escalation protocol", summary="When to escalate.")
    edit(
        editor,
        document,
        title="Escalation protocol (DRAFT)",
        summary="Call me on 07700 900000.",
        tags="zebrafish",
    )

    document.refresh_from_db()
    assert document.title == "Escalation protocol"
    assert document.summary == "When to escalate."
    library = client.get(library_page.url).content.decode()
    assert "Escalation protocol" in library
    assert "07700 900000" not in library and "DRAFT" not in library
    # Search finds the document by what was approved, not by what waits.
    entry = f'href="{library_page.document_url(document)}"'
    search = client.get("/search/", {"q": "escalation"}).content.decode()
    assert entry in search and "07700 900000" not in search
    for pending_word in ("07700", "zebrafish"):
        assert entry not in client.get("/search/", {"q": pending_word}).content.decode()
    assert not document.tags.exists()

    # The Editor sees and continues from their own changes awaiting approval.
    form = logged_in(editor).get(reverse("wagtaildocs:edit", args=[document.pk]))
    assert "Call me on 07700 900000." in form.content.decode()
    listing = logged_in(approver).get(WAITING).content.decode()
    assert "Call me on 07700 900000." in listing and "When to escalate." in listing

    decide(approver, document, "approve")
    document.refresh_from_db()
    assert document.summary == "Call me on 07700 900000."
    assert list(document.tags.names()) == ["zebrafish"]
    assert "07700 900000" in client.get(library_page.url).content.decode()
    for approved_word in ("07700", "zebrafish"):
        assert entry in client.get("/search/", {"q": approved_word}).content.decode()


def test_an_editor_who_changes_a_detail_back_leaves_nothing_waiting(editor):
    document = create_document("Escalation protocol", summary="When to escalate.")
    edit(editor, document, summary="Changed.")
    assert PendingDocumentChange.objects.filter(document=document).exists()
    edit(editor, document, summary="When to escalate.")
    assert not PendingDocumentChange.objects.filter(document=document).exists()


def test_an_approvers_own_changes_are_public_at_once(client):
    # Approvers who also edit documents: what they change needs no one else's approval.
    lead = staff_member("lead", EDITORS, APPROVERS)
    document = create_document("Escalation protocol", summary="When to escalate.")
    replace_file(logged_in(lead), document, "v2.pdf", make_pdf("Approver v2"), "Update.")
    edit(lead, document, summary="Approved at once.")
    document.refresh_from_db()
    assert document.summary == "Approved at once."
    assert b"Approver v2" in downloaded(client, document)
    assert not PendingDocumentChange.objects.filter(document=document).exists()


def test_a_brand_new_upload_by_an_editor_still_awaits_approval(client, editor, approver):
    document = create_document("Brand new guide", uploaded_by_user=editor)
    document.approval = "awaiting"
    document.save(update_fields=["approval"])
    edit(editor, document, summary="Still new.")
    document.refresh_from_db()
    assert document.summary == "Still new."
    assert not PendingDocumentChange.objects.filter(document=document).exists()
    assert client.get(document.url).status_code == 404
    assert "New document" in logged_in(approver).get(WAITING).content.decode()


def bulk_move(user, document, collection):
    url = reverse(
        "wagtail_bulk_action", args=["documents", "protocoldocument", "add_to_collection"]
    )
    return logged_in(user).post(f"{url}?id={document.pk}", {"collection": collection.pk})


def test_an_editors_bulk_move_out_of_a_restricted_collection_is_refused(client, editor):
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN
    )
    public = Collection.get_first_root_node().add_child(name="Public")
    document = create_document("Rota for duty social workers", collection=staff_only)

    response = bulk_move(editor, document, public)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.collection == staff_only
    assert client.get(document.url).status_code != 200

    # Back into the restricted collection, it can only hide: that goes through.
    other = create_document("Another public protocol", collection=public)
    bulk_move(editor, other, staff_only)
    other.refresh_from_db()
    assert other.collection == staff_only
