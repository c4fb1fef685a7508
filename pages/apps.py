from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages"

    def ready(self):
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published

        from documents.models import ProtocolDocument
        from sitewide.page_cache import invalidate_page_cache

        from .models import LocalGuidancePage, ProtocolPage, list_saved_document_in_the_libraries

        # The groups a restriction admits decide who sees the page in listings and menus;
        # they are set after the restriction itself is saved.
        m2m_changed.connect(
            invalidate_page_cache,
            sender=PageViewRestriction.groups.through,
            dispatch_uid="page-cache",
        )
        post_save.connect(
            list_saved_document_in_the_libraries,
            sender=ProtocolDocument,
            dispatch_uid="library-listing",
        )
        post_save.connect(
            LocalGuidancePage.list_documents_when_created,
            sender=LocalGuidancePage,
            dispatch_uid="new-library-listing",
        )
        page_published.connect(
            ProtocolPage.record_publication,
            sender=ProtocolPage,
            dispatch_uid="protocol-versions",
        )
