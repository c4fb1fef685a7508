"""The PDF of an HTML protocol (ProtocolPage), made with WeasyPrint from what an Approver
published, so that the web page and the PDF practitioners download never disagree. It is
tagged (PDF/UA-1) and carries the protocol's title and language (from the print
template's <title> and <html lang>)."""

import io
import logging

from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader

logger = logging.getLogger(__name__)


def refuse_to_fetch(url, *args, **kwargs):
    # The print template holds everything the PDF needs: nothing is fetched, from
    # anywhere, while it is made.
    raise ValueError(f"The protocol PDF fetches nothing ({url}).")


def render_pdf(page):
    """The PDF of `page` (bytes) and its number of pages."""
    from weasyprint import HTML

    html = render_to_string(
        "pages/protocol_print.html",
        {"page": page, "protocol": page, "document": page.document},
    )
    content = HTML(
        string=html, base_url=settings.WAGTAILADMIN_BASE_URL, url_fetcher=refuse_to_fetch
    ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return content, len(PdfReader(io.BytesIO(content)).pages)


def publish_pdf(page, version):
    """Make `page`'s PDF the document's file. If WeasyPrint fails, publishing still
    succeeds: the failure is logged and the previous PDF stays."""
    try:
        content, page_count = render_pdf(page)
    except Exception:
        logger.exception(
            "The PDF of protocol page %s (version %s) could not be made; the document "
            "keeps its previous file.",
            page.pk,
            version.number,
        )
        return False
    page.document.put_in_generated_pdf(
        content,
        page_count,
        f"PDF of version {version.number} of the web page: {version.change_note}"[:500],
    )
    return True
