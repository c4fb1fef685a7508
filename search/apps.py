from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SearchConfig(AppConfig):
    name = "search"
    label = "site_search"

    def ready(self):
        from sitewide.page_cache import invalidate_page_cache

        from .models import PromotedResult

        # Search results pages are cached like any other page.
        post_save.connect(invalidate_page_cache, sender=PromotedResult, dispatch_uid="page-cache")
        post_delete.connect(invalidate_page_cache, sender=PromotedResult, dispatch_uid="page-cache")
