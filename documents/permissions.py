"""Who may delete documents and images: Wagtail's collection ownership policy with one rule
added, registered for both models in wagtail_hooks.py.

Wagtail's policy treats "delete" as "change", so an Editor (who may change documents and
images to keep them up to date) could delete a document practitioners download or a
picture a page shows. A public or used document or image is deleted only by an
administrator; an Editor may still delete an unapproved upload nothing uses, such as a
wrong file they have just added."""

from wagtail.models import ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy


class GuardedDeletionPolicy(CollectionOwnershipPermissionPolicy):
    def user_has_any_permission_for_instance(self, user, actions, instance):
        if "delete" in actions and not self.may_delete(user, instance):
            actions = [action for action in actions if action != "delete"]
            if not actions:
                return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def may_delete(self, user, instance):
        if user.is_active and user.is_superuser:
            return True
        public = getattr(instance, "is_approved", False)
        return not (public or ReferenceIndex.get_references_to(instance).exists())
