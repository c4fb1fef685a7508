from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Protocol documents"

    def ready(self):
        from wagtail.models import Collection, CollectionViewRestriction

        from sitewide.page_cache import invalidate_page_cache

        # Who may see a collection's documents: its restriction, the groups it admits
        # (set after the restriction is saved) and where the collection sits, since an
        # ancestor's restriction covers it. Wagtail's admin moves a collection in the same
        # transaction as it saves it, so the move is committed when the version moves
        # again on commit.
        for model in (Collection, CollectionViewRestriction):
            post_save.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
            post_delete.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
        m2m_changed.connect(
            invalidate_page_cache,
            sender=CollectionViewRestriction.groups.through,
            dispatch_uid="page-cache",
        )
