"""Pictures on public pages, served by the site itself from wherever uploads are stored.

Pages show pictures as Wagtail renditions (images/…). Serving them from the site's own
address keeps its promise that visitors' browsers ask nothing of other sites, and lets the
rest of the uploads stay private: documents are only ever served by their own view, after
its checks, and original images not at all.
"""

import posixpath

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe
from wagtail.images.models import get_rendition_storage

RENDITIONS = "images/"


@require_safe
def rendition(request, path):
    name = RENDITIONS + path
    if posixpath.normpath(name) != name or not name.startswith(RENDITIONS):
        raise Http404
    storage = get_rendition_storage()
    if not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name))
    # A replaced picture gets new renditions at the same address: not kept for long.
    response["Cache-Control"] = "public, max-age=3600"
    return response
