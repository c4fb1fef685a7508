from django.shortcuts import get_object_or_404, redirect
from wagtail.documents.views.serve import serve as wagtail_serve

from pages.models import LocalGuidancePage

from .models import ProtocolDocument


def serve(request, document_id, document_filename):
    """Download a document, sending readers of a retired one to its entry first.

    An address a document had before its file was replaced still works: Wagtail's own
    view answers 404 when the name in the address is not the current file's, but links in
    emails and on other sites must reach the new file. A withdrawn or superseded document
    is not served straight from an old link: its entry says why and what replaces it, and
    offers the file for reference.
    """
    document = get_object_or_404(ProtocolDocument, pk=document_id)
    if document.filename != document_filename and (
        document.file_versions.filter(filename=document_filename).exists()
    ):
        return redirect(document.url, permanent=True)
    if document.is_retired and "retired" not in request.GET:
        library = LocalGuidancePage.find_for(request)
        if library is not None:
            return redirect(library.document_url(document))
    return wagtail_serve(request, document_id, document_filename)
