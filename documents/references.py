"""Links to documents that Wagtail's reference index does not see by itself.

The index records foreign keys, rich text and StreamField links, not many-to-many fields,
so a document that procedure links list, or that the library page lists, would read "Used
0 times" and look safe to delete. These fields yield their related objects the way
Wagtail's own fields yield their links (`extract_references`), and the index is brought up
to date when the relation changes, which happens after the object itself is saved."""

from django.db import models, transaction
from django.db.models.signals import m2m_changed
from modelcluster.fields import ParentalManyToManyField
from wagtail.models import ReferenceIndex


class CountsRelatedAsUses:
    def extract_references(self, value):
        for related in value:
            yield self.related_model, str(related.pk), "", ""

    def contribute_to_related_class(self, cls, related):
        super().contribute_to_related_class(cls, related)
        m2m_changed.connect(
            reindex_after_change, sender=self.remote_field.through, dispatch_uid=str(self)
        )


class UsageCountedManyToManyField(CountsRelatedAsUses, ParentalManyToManyField):
    """A parental many-to-many relation (kept in revisions, written when its object is saved)
    whose related objects count as uses in Wagtail's reference index."""


class UsageCountedListing(CountsRelatedAsUses, models.ManyToManyField):
    """A many-to-many relation the site keeps up to date itself (not edited, not kept in
    revisions), whose related objects count as uses in Wagtail's reference index."""


def reindex_after_change(sender, instance, action, reverse, pk_set=None, **kwargs):
    # The admin changes the relation from the side that declares the field (reverse is
    # False); that object's references are re-read, unless nothing was added or removed.
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return
    with transaction.atomic():
        ReferenceIndex.create_or_update_for_object(instance)
