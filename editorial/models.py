from django.db import models
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin


class LiveQuerySet(models.QuerySet):
    def live(self):
        """What practitioners may see: published, and not unpublished or expired since."""
        return self.filter(live=True)


class ApprovedSnippet(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A snippet whose changes reach practitioners only once an Approver approves them, as
    page changes do: procedure links, chapters and partnerships, and promoted results.

    Editors save drafts and submit them to the "Partnership approval" workflow (editorial
    0002). The database row keeps the published values while a draft waits in the object's
    revisions; publishing writes the draft to the row. Public queries read `live()` rows.
    """

    class Meta:
        abstract = True
