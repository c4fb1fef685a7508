from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages"

    def ready(self):
        from wagtail.models import PageViewRestriction

        from sitewide.page_cache import invalidate_page_cache

        # The groups a restriction admits decide who sees the page in listings and menus;
        # they are set after the restriction itself is saved.
        m2m_changed.connect(
            invalidate_page_cache,
            sender=PageViewRestriction.groups.through,
            dispatch_uid="page-cache",
        )
