from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def invalidate_on_page_save(sender, instance, **kwargs):
    # Each page type sends post_save as itself, not as Page: menus and listings read the
    # shared page row (title, menu flag, order), which any save can change.
    from wagtail.models import Page

    from .page_cache import invalidate_page_cache

    if isinstance(instance, Page):
        invalidate_page_cache()


class SitewideConfig(AppConfig):
    name = "sitewide"
    verbose_name = "Site-wide settings"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import PartnershipSettings
        from .page_cache import invalidate_page_cache

        # Whatever a public page shows: pages (deleting one sends post_delete for the
        # shared Page row), documents listed in the library, images (a replaced file gets
        # new rendition addresses), the settings behind every contact panel and footer,
        # and who may see a page: a page made private must leave the cache at once.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(invalidate_page_cache, dispatch_uid="page-cache")
        post_delete.connect(invalidate_page_cache, sender=Page, dispatch_uid="page-cache")
        post_save.connect(invalidate_on_page_save, dispatch_uid="page-cache-page-save")
        for model in (
            get_document_model(),
            get_image_model(),
            PartnershipSettings,
            Site,
            PageViewRestriction,
        ):
            post_save.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
            post_delete.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
