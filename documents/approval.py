"""Reports → Documents awaiting approval: where Approvers see the documents Editors have
added, and the changes Editors have made to public documents (a new file, a move to a
less restricted collection, new details), open them, and approve them for the public or
reject them. Each decision is in the audit log."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.log_actions import log

from .file_history import check_can_change
from .models import (
    APPROVE_PERMISSION,
    Approval,
    PendingDocumentChange,
    ProtocolDocument,
    move_only_hides,
)

DOCUMENT_APPROVED = "documents.approved"
DOCUMENT_REJECTED = "documents.rejected"


def check_can_approve(request):
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied


def awaiting_decision():
    return ProtocolDocument.objects.filter(
        Q(approval=Approval.AWAITING) | Q(pending_change__isnull=False)
    )


def awaiting_approval(request):
    check_can_approve(request)
    documents = awaiting_decision().select_related(
        "collection",
        "uploaded_by_user",
        "pending_change__collection",
        "pending_change__requested_by",
    )
    return TemplateResponse(
        request,
        "documents/admin/awaiting_approval.html",
        {
            "documents": documents.order_by("created_at", "pk"),
            "page_title": "Documents awaiting approval",
        },
    )


def pending_change_of(document):
    try:
        return document.pending_change
    except PendingDocumentChange.DoesNotExist:
        return None


@require_POST
def decide(request, document_id):
    check_can_approve(request)
    document = get_object_or_404(
        awaiting_decision().select_related("pending_change"), pk=document_id
    )
    approve = request.POST.get("decision") == "approve"
    pending = pending_change_of(document)
    if pending:
        data = {"changes": describe(pending)}
        if approve:
            pending.approve(request.user)
            document.refresh_from_db()
            action = DOCUMENT_APPROVED
            message = f"The changes to '{document.title}' are approved and public now."
        else:
            pending.discard()
            action = DOCUMENT_REJECTED
            message = (
                f"The changes to '{document.title}' are rejected: "
                "the public keeps the approved document."
            )
    else:
        data = None
        document.approval = Approval.APPROVED if approve else Approval.REJECTED
        document.save(update_fields=["approval"])
        action = DOCUMENT_APPROVED if approve else DOCUMENT_REJECTED
        if approve:
            message = f"'{document.title}' is approved and public now."
        else:
            message = f"'{document.title}' is rejected: it stays out of public view."
    log(document, action, user=request.user, data=data)
    messages.success(request, message)
    return redirect("documents_awaiting_approval")


def describe(pending):
    """What the audit log keeps of a decided change."""
    changes = [f"{label}: {new}" for label, _approved, new in pending.changed_details()]
    if pending.collection_id:
        changes.append(f"Collection: {pending.collection.name}")
    if pending.file:
        changes.append(f"File: {pending.filename} ({pending.change_note})")
    return changes


def pending_file(request, document_id):
    """The new file an Editor sent, for the Approver (or an Editor) to check before it is
    approved: never at a public address."""
    document = get_object_or_404(
        ProtocolDocument.objects.select_related("pending_change"), pk=document_id
    )
    pending = pending_change_of(document)
    if pending is None or not pending.file:
        raise Http404("No new file awaits approval for this document.")
    if not request.user.has_perm(APPROVE_PERMISSION):
        check_can_change(request, document)
    return FileResponse(pending.file.open("rb"), as_attachment=True, filename=pending.filename)


HELD_BULK_ACTIONS = ("add_to_collection", "add_tags")


def refuse_editors_bulk_changes_to_public_documents(request, action_type, objects, action):
    """Wagtail's bulk "Add to collection" and "Add tags" change documents without the edit
    form, so nothing would wait for an Approver: an Editor's is refused if it changes a
    public document, other than a move that can only hide it."""
    if action_type not in HELD_BULK_ACTIONS or request.user.has_perm(APPROVE_PERMISSION):
        return None
    public = [obj for obj in objects if isinstance(obj, ProtocolDocument) and obj.is_approved]
    if action_type == "add_to_collection":
        collection = action.cleaned_form.cleaned_data["collection"]
        public = [obj for obj in public if not move_only_hides(obj.collection_id, collection.pk)]
    if not public:
        return None
    messages.error(
        request,
        f"Nothing was changed: '{public[0].title}' is public, and changes to public "
        "documents wait for an Approver. Edit each one from its own page.",
    )
    return redirect(action.next_url)
