"""Documents reach practitioners only once an Approver approves them, as pages do; an
Approver's own uploads are public at once; Editors cannot delete what the public sees or
pages use."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, ModelLogEntry

from documents.approval import DOCUMENT_APPROVED, DOCUMENT_REJECTED
from documents.models import Approval, PendingDocumentChange, ProtocolDocument
from documents.sample_files import make_pdf
from pages.blocks import GuidanceBodyBlock
from search.models import PromotedResult
from tests.editorial import logged_in
from tests.factories import create_document, document_edit_data

pytestmark = pytest.mark.django_db

TITLE = "Zebrafish escalation protocol"


def upload(client, title=TITLE):
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "summary": "When to escalate a zebrafish concern.",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("zebrafish.pdf", make_pdf(title)),
        },
    )


@pytest.fixture
def seen_by_the_public(client, library_page, whats_new_page):
    """Where a visitor could come across a document, and whether it is there."""

    def seen(document):
        PromotedResult.objects.get_or_create(terms="stripes", document=document)
        entry = f"{library_page.url}{document.pk}/"
        return {
            "library": document.title in client.get(library_page.url).content.decode(),
            "entry": client.get(entry).status_code == 200,
            "search": document.title in client.get("/search/", {"q": "zebrafish"}).content.decode(),
            "promoted": document.title in client.get("/search/", {"q": "stripes"}).content.decode(),
            "whats new": document.title in client.get(whats_new_page.url).content.decode(),
            "sitemap": entry in client.get("/sitemap.xml").content.decode(),
            "download": client.get(document.url).status_code == 200,
        }

    return seen


NOWHERE = dict.fromkeys(
    ["library", "entry", "search", "promoted", "whats new", "sitemap", "download"], False
)
EVERYWHERE = dict.fromkeys(NOWHERE, True)


def test_an_editors_upload_waits_for_an_approver_then_is_public(
    seen_by_the_public, editor, approver
):
    # Anything else awaiting a decision would keep the list from emptying.
    ProtocolDocument.objects.filter(approval=Approval.AWAITING).update(approval=Approval.APPROVED)
    PendingDocumentChange.objects.all().delete()
    assert upload(logged_in(editor)).status_code == 302
    document = ProtocolDocument.objects.get(title=TITLE)
    assert document.approval == Approval.AWAITING
    assert seen_by_the_public(document) == NOWHERE
    # The editor can still open what they uploaded, to check it.
    assert logged_in(editor).get(document.url).status_code == 200

    approver_client = logged_in(approver)
    waiting = approver_client.get(reverse("documents_awaiting_approval"))
    assert TITLE in waiting.content.decode()
    assert approver_client.get(document.url).status_code == 200
    response = approver_client.post(
        reverse("documents_approval_decision", args=[document.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302

    document.refresh_from_db()
    assert document.approval == Approval.APPROVED
    assert seen_by_the_public(document) == EVERYWHERE
    entry = ModelLogEntry.objects.get(object_id=str(document.pk), action=DOCUMENT_APPROVED)
    assert entry.user == approver
    waiting = approver_client.get(reverse("documents_awaiting_approval")).content.decode()
    assert "No documents are awaiting approval." in waiting


def test_a_rejected_upload_stays_out_of_public_view(seen_by_the_public, editor, approver):
    upload(logged_in(editor))
    document = ProtocolDocument.objects.get(title=TITLE)
    logged_in(approver).post(
        reverse("documents_approval_decision", args=[document.pk]), {"decision": "reject"}
    )
    document.refresh_from_db()
    assert document.approval == Approval.REJECTED
    assert seen_by_the_public(document) == NOWHERE
    assert ModelLogEntry.objects.filter(
        object_id=str(document.pk), action=DOCUMENT_REJECTED, user=approver
    ).exists()


def test_only_approvers_see_and_decide_what_awaits_approval(editor):
    upload(logged_in(editor))
    document = ProtocolDocument.objects.get(title=TITLE)
    editor_client = logged_in(editor)
    # Wagtail's admin answers a refusal by sending staff to the dashboard with a message.
    waiting = editor_client.get(reverse("documents_awaiting_approval"))
    assert waiting.status_code == 302
    assert TITLE not in editor_client.get(waiting["Location"]).content.decode()
    decision = reverse("documents_approval_decision", args=[document.pk])
    assert editor_client.post(decision, {"decision": "approve"}).status_code == 302
    document.refresh_from_db()
    assert document.approval == Approval.AWAITING


def test_an_administrators_upload_is_public_at_once(seen_by_the_public, django_user_model):
    admin = django_user_model.objects.create_superuser("chief", "c@example.org", "pw")
    upload(logged_in(admin))
    document = ProtocolDocument.objects.get(title=TITLE)
    assert document.approval == Approval.APPROVED
    assert seen_by_the_public(document) == EVERYWHERE


def test_a_dropped_upload_is_not_listed_until_its_details_are_saved(
    client, django_user_model, library_page
):
    admin_client = logged_in(django_user_model.objects.create_superuser("chief", "c@x.org", "pw"))
    response = admin_client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "collection": Collection.get_first_root_node().pk,
            "files[]": SimpleUploadedFile("zebrafish-dropped.pdf", make_pdf("Dropped")),
        },
    )
    assert response.status_code == 200
    document = ProtocolDocument.objects.get(file__endswith="zebrafish-dropped.pdf")
    assert document.approval == Approval.AWAITING
    assert document.title not in client.get(library_page.url).content.decode()

    # The uploader's own form for the dropped file, as the page posts it.
    details = document_edit_data(document, summary="Filled in after the upload.")
    admin_client.post(
        reverse("wagtaildocs:edit_multiple", args=[document.pk]),
        {f"doc-{document.pk}-{name}": value for name, value in details.items()},
    )
    document.refresh_from_db()
    assert document.approval == Approval.APPROVED
    assert document.title in client.get(library_page.url).content.decode()


def test_an_editors_move_of_a_public_document_into_a_restricted_collection_hides_it_at_once(
    seen_by_the_public, editor
):
    document = create_document(TITLE)
    assert seen_by_the_public(document) == EVERYWHERE
    restricted = Collection.get_first_root_node().add_child(name="Partners only")
    CollectionViewRestriction.objects.create(
        collection=restricted, restriction_type=CollectionViewRestriction.LOGIN
    )
    logged_in(editor).post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, collection=restricted.pk),
    )
    document.refresh_from_db()
    assert document.collection == restricted
    assert not PendingDocumentChange.objects.filter(document=document).exists()
    assert seen_by_the_public(document) == NOWHERE


def test_editors_cannot_delete_a_public_document(editor):
    document = create_document(TITLE, uploaded_by_user=editor)
    editor_client = logged_in(editor)
    response = editor_client.post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert response.status_code in (302, 403)
    assert ProtocolDocument.objects.filter(pk=document.pk).exists()
    edit_page = editor_client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert reverse("wagtaildocs:delete", args=[document.pk]) not in edit_page


def test_editors_may_delete_their_own_unapproved_unused_upload(editor):
    editor_client = logged_in(editor)
    upload(editor_client)
    document = ProtocolDocument.objects.get(title=TITLE)
    editor_client.post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert not ProtocolDocument.objects.filter(pk=document.pk).exists()


def test_administrators_may_delete_a_public_document(django_user_model):
    document = create_document(TITLE)
    admin = django_user_model.objects.create_superuser("chief", "c@example.org", "pw")
    logged_in(admin).post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert not ProtocolDocument.objects.filter(pk=document.pk).exists()


def test_editors_cannot_delete_an_image_a_page_uses(editor, guidance_page):
    image = get_image_model().objects.create(
        title="Team photo", file=get_test_image_file(), uploaded_by_user=editor
    )
    figure = {"image": {"image": image.pk, "alt_text": "The team", "decorative": False}}
    guidance_page.body = GuidanceBodyBlock().to_python([{"type": "figure", "value": figure}])
    guidance_page.save_revision().publish()
    assert image.get_usage().count()

    logged_in(editor).post(reverse("wagtailimages:delete", args=[image.pk]))
    assert get_image_model().objects.filter(pk=image.pk).exists()


def test_editors_may_delete_an_image_nothing_uses(editor):
    image = get_image_model().objects.create(
        title="Wrong photo", file=get_test_image_file(), uploaded_by_user=editor
    )
    logged_in(editor).post(reverse("wagtailimages:delete", args=[image.pk]))
    assert not get_image_model().objects.filter(pk=image.pk).exists()
