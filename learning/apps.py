from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning from case reviews"

    def ready(self):
        from sitewide.page_cache import invalidate_page_cache

        from .models import Agency, LearningTheme

        # Their names are shown in the case review library and on each review.
        for model in (Agency, LearningTheme):
            post_save.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
            post_delete.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
