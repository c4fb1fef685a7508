"""Admin views of a document's previous files, for partnership staff who need an old
version back (nothing uploaded is ever lost)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from wagtail.permissions import policy_registry

from .models import DocumentFileVersion, ProtocolDocument


def check_can_change(request, document):
    policy = policy_registry.get_by_type(ProtocolDocument)
    if not policy.user_has_permission_for_instance(request.user, "change", document):
        raise PermissionDenied


def file_history(request, document_id):
    document = get_object_or_404(ProtocolDocument, pk=document_id)
    check_can_change(request, document)
    return TemplateResponse(
        request,
        "documents/admin/file_history.html",
        {
            "document": document,
            "versions": document.file_versions.select_related("replaced_by"),
            "page_title": f"File history: {document.title}",
        },
    )


def previous_file(request, version_id):
    version = get_object_or_404(
        DocumentFileVersion.objects.select_related("document"), pk=version_id
    )
    check_can_change(request, version.document)
    return FileResponse(version.file.open("rb"), as_attachment=True, filename=version.filename)
