"""Reports → Documents awaiting approval: where Approvers see the documents Editors have
added or changed, open them, and approve them for the public or reject them. Each decision
is in the audit log."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.log_actions import log

from .models import APPROVE_PERMISSION, Approval, ProtocolDocument

DOCUMENT_APPROVED = "documents.approved"
DOCUMENT_REJECTED = "documents.rejected"


def check_can_approve(request):
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied


def awaiting_approval(request):
    check_can_approve(request)
    documents = (
        ProtocolDocument.objects.filter(approval=Approval.AWAITING)
        .select_related("collection", "uploaded_by_user")
        .order_by("created_at", "pk")
    )
    return TemplateResponse(
        request,
        "documents/admin/awaiting_approval.html",
        {"documents": documents, "page_title": "Documents awaiting approval"},
    )


@require_POST
def decide(request, document_id):
    check_can_approve(request)
    document = get_object_or_404(ProtocolDocument, pk=document_id, approval=Approval.AWAITING)
    if request.POST.get("decision") == "approve":
        document.approval = Approval.APPROVED
        action, message = DOCUMENT_APPROVED, f"'{document.title}' is approved and public now."
    else:
        document.approval = Approval.REJECTED
        action = DOCUMENT_REJECTED
        message = f"'{document.title}' is rejected: it stays out of public view."
    document.save(update_fields=["approval"])
    log(document, action, user=request.user)
    messages.success(request, message)
    return redirect("documents_awaiting_approval")
