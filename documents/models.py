from wagtail.documents.models import AbstractDocument, Document


class ProtocolDocument(AbstractDocument):
    """A local protocol or guidance file that partnership staff publish for practitioners."""

    admin_form_fields = Document.admin_form_fields
