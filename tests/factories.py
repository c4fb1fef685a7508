"""Protocol documents with real files, for tests."""

from django.core.files.base import ContentFile
from wagtail.models import Collection

from documents.models import ProtocolDocument
from documents.sample_files import make_pdf
from documents.uploads import safe_file_name


def create_document(title="Test protocol", pages=1, tagged=True, **fields):
    document = ProtocolDocument(
        title=title,
        collection=Collection.get_first_root_node(),
        file=ContentFile(make_pdf(title, pages, tagged), name=safe_file_name(f"{title}.pdf")),
        page_count=pages,
        accessibility_tagged=tagged,
        **fields,
    )
    document._set_document_file_metadata()
    document.save()
    return document


def bulk_create_documents(count, **fields):
    """Many documents cheaply (no files written), for query-count tests."""
    root = Collection.get_first_root_node()
    documents = [
        ProtocolDocument(
            title=f"Bulk document {number:04d}",
            collection=root,
            file=f"documents/bulk-{number:04d}.pdf",
            file_size=1024 * (number + 1),
            **fields,
        )
        for number in range(count)
    ]
    for document in documents:
        document.review_due = document.compute_review_due()
    return ProtocolDocument.objects.bulk_create(documents)
