"""How protocol documents are downloaded: Wagtail's own serve view, with what the
partnership adds through Wagtail's `before_serve_document` hook and Django middleware.

An address a document had before its file was replaced in another format still works:
replacing the file adds a Wagtail redirect from the old address (see
`ProtocolDocumentForm`), which Wagtail's redirect middleware follows when the serve view
answers 404."""

from django.apps import apps
from django.http import Http404, HttpResponseRedirect
from wagtail.permissions import policy_registry

from .models import APPROVE_PERMISSION


def serve_only_approved_documents(document, request):
    """A document an Approver has not approved is downloaded only by Approvers and by
    staff who may change it, to check it before it is approved."""
    if document.is_approved or request.user.has_perm(APPROVE_PERMISSION):
        return None
    policy = policy_registry.get_by_type(type(document))
    if not policy.user_has_permission_for_instance(request.user, "change", document):
        raise Http404("No document is public at this address.")
    return None


def send_readers_of_retired_documents_to_the_entry(document, request):
    """A withdrawn or superseded document is not served straight from an old link: its
    entry in the library says why and what replaces it, and offers the file for reference
    (with `?retired`)."""
    if document.is_retired and "retired" not in request.GET:
        # The library is a page type, and pages depend on documents, not the reverse.
        library = apps.get_model("pages", "LocalGuidancePage").find_for(request)
        if library is not None:
            return HttpResponseRedirect(library.document_url(document))
    return None


class DownloadHeadersMiddleware:
    """Wagtail's serve view (through its copy of django-sendfile) always sets
    Content-Encoding to the encoding guessed from the file name, so a PDF goes out with
    `Content-Encoding: None`, which is no content coding. Only a real one is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Encoding") == "None":
            del response["Content-Encoding"]
        return response
