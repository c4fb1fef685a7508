from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Southwest Child Protection Procedures"

    def ready(self):
        from sitewide.page_cache import invalidate_page_cache

        from .models import ConsortiumPartnership, ProcedureChapter, ProcedureLink

        # What the procedures page and the procedure link blocks show. Related documents are
        # saved after their link, so changing only them sends no post_save.
        for model in (ConsortiumPartnership, ProcedureChapter, ProcedureLink):
            post_save.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
            post_delete.connect(invalidate_page_cache, sender=model, dispatch_uid="page-cache")
        m2m_changed.connect(
            invalidate_page_cache,
            sender=ProcedureLink.related_documents.through,
            dispatch_uid="page-cache",
        )
