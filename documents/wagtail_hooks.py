from django.apps import apps
from django.urls import path, reverse
from wagtail import hooks
from wagtail.documents import get_document_model_string
from wagtail.images import get_image_model_string
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from editorial.admin_reports import PermissionMenuItem

from . import approval, file_history, serving
from .models import APPROVE_PERMISSION, FILE_REPLACED
from .permissions import GuardedDeletionPolicy

# Registered first, as Wagtail asks, before anything looks a policy up.
for model_string, auth_model in (
    (get_document_model_string(), "wagtaildocs.Document"),
    (get_image_model_string(), "wagtailimages.Image"),
):
    register_permission_policy(
        apps.get_model(model_string),
        GuardedDeletionPolicy(
            model_string, auth_model=auth_model, owner_field_name="uploaded_by_user"
        ),
        exact_class=True,
    )


@hooks.register("register_log_actions")
def register_document_log_actions(actions):
    @actions.register_action(FILE_REPLACED)
    class FileReplaced(LogFormatter):
        label = "Replace document file"

        def format_message(self, log_entry):
            # Site history shows only the message: the reason goes in it.
            data = log_entry.data
            return (
                f"Replaced the file {data['previous_file']} with {data['new_file']}: "
                f"{data['change_note']}"
            )


@hooks.register("register_admin_urls")
def register_file_history_urls():
    return [
        path(
            "documents/<int:document_id>/file-history/",
            file_history.file_history,
            name="documents_file_history",
        ),
        path(
            "documents/previous-files/<int:version_id>/",
            file_history.previous_file,
            name="documents_previous_file",
        ),
    ]


@hooks.register("register_admin_urls")
def register_approval_urls():
    return [
        path(
            "documents/awaiting-approval/",
            approval.awaiting_approval,
            name="documents_awaiting_approval",
        ),
        path(
            "documents/<int:document_id>/approval/",
            approval.decide,
            name="documents_approval_decision",
        ),
        path(
            "documents/<int:document_id>/pending-file/",
            approval.pending_file,
            name="documents_pending_file",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_awaiting_approval_menu_item():
    return PermissionMenuItem(
        "Documents awaiting approval",
        reverse("documents_awaiting_approval"),
        name="documents-awaiting-approval",
        icon_name="doc-full-inverse",
        order=1040,
        permission=APPROVE_PERMISSION,
    )


@hooks.register("register_log_actions")
def register_approval_log_actions(actions):
    actions.register_action(
        approval.DOCUMENT_APPROVED, "Approve document", "Approved for the public"
    )
    actions.register_action(approval.DOCUMENT_REJECTED, "Reject document", "Rejected")


hooks.register("before_bulk_action", approval.refuse_editors_bulk_changes_to_public_documents)
hooks.register("before_serve_document", serving.serve_only_approved_documents)
hooks.register("before_serve_document", serving.send_readers_of_retired_documents_to_the_entry)
