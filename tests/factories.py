"""Protocol documents with real files, for tests."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Collection

from documents.models import ProtocolDocument
from documents.sample_files import make_pdf
from documents.uploads import safe_file_name


def create_document(title="Test protocol", pages=1, tagged=True, collection=None, **fields):
    document = ProtocolDocument(
        title=title,
        collection=collection or Collection.get_first_root_node(),
        file=ContentFile(make_pdf(title, pages, tagged), name=safe_file_name(f"{title}.pdf")),
        page_count=pages,
        accessibility_tagged=tagged,
        **fields,
    )
    document.describe_file()
    document.save()
    return document


def bulk_create_documents(count, collection=None, **fields):
    """Many documents cheaply (no files written), for query-count tests."""
    collection = collection or Collection.get_first_root_node()
    documents = [
        ProtocolDocument(
            title=f"Bulk document {number:04d}",
            collection=collection,
            file=f"documents/bulk-{number:04d}.pdf",
            file_size=1024 * (number + 1),
            **fields,
        )
        for number in range(count)
    ]
    for document in documents:
        document.review_due = document.compute_review_due()
    return ProtocolDocument.objects.bulk_create(documents)


def document_edit_data(document, **changes):
    """The admin edit form's fields for a document as it stands, with `changes`."""
    data = {
        "title": document.title,
        "collection": document.collection_id,
        "summary": document.summary,
        "document_type": document.document_type,
        "audience": document.audience,
        "dated_event": document.dated_event,
        "status": document.status,
        "review_interval_months": document.review_interval_months,
        "library_order": document.library_order,
        "change_note": "",
    }
    data.update(changes)
    return data


def replace_file(client, document, name, content, note):
    """Replace a document's file through the admin edit form, as staff do."""
    return client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, file=SimpleUploadedFile(name, content), change_note=note),
    )


def publish_protocol(document, sections, title=None, change_note="", footnotes=None, page=None):
    """Publish `document` as an HTML protocol in the library (or `page` again, changed):
    `sections` are (heading, body HTML), as an Approver publishes them. Returns the page."""
    from pages.models import LocalGuidancePage, ProtocolPage

    if page is None:
        library = LocalGuidancePage.objects.order_by("path").first()
        page = library.add_child(
            instance=ProtocolPage(
                title=title or document.title,
                search_description=f"How to use the {document.title}.",
                document=document,
                sections=[],
            )
        )
        page = ProtocolPage.objects.get(pk=page.pk)
    elif title:
        page.title = title
    existing = {block.value["heading"]: block.id for block in page.sections}
    # Raw stream data: a section keeps its block id through edits, as in the editor.
    page.sections = [
        {
            "type": "section",
            "value": {"heading": heading, "body": body},
            "id": existing.get(heading) or str(uuid.uuid4()),
        }
        for heading, body in sections
    ]
    if footnotes is not None:
        page.footnotes = [{"type": "footnote", "value": text} for text in footnotes]
    page.change_note = change_note
    page.save_revision().publish()
    return ProtocolPage.objects.get(pk=page.pk)
