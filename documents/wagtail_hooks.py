import datetime

from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.formats import date_format
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.documents import get_document_model_string
from wagtail.images import get_image_model_string
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from . import approval, file_history, serving
from .components import ReviewDuePanel
from .models import APPROVE_PERMISSION, FILE_REPLACED, ReviewOutcome
from .permissions import GuardedDeletionPolicy
from .views import (
    PAGE_REVIEW_RECORDED,
    REVIEW_PERMISSION,
    REVIEW_RECORDED,
    MarkDocumentReviewed,
    MarkPageReviewed,
    ReviewDatesReport,
)

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


class ReviewersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)


@hooks.register("register_admin_urls")
def register_review_urls():
    review_urls = [
        path("", ReviewDatesReport.as_view(), name="report"),
        path("results/", ReviewDatesReport.as_view(results_only=True), name="report_results"),
        path(
            "documents/<int:document_id>/mark-reviewed/",
            MarkDocumentReviewed.as_view(),
            name="mark_document_reviewed",
        ),
        path(
            "pages/<int:page_id>/mark-reviewed/",
            MarkPageReviewed.as_view(),
            name="mark_page_reviewed",
        ),
    ]
    return [
        path(
            "reports/review-dates/",
            include((review_urls, "review_dates"), namespace="review_dates"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_review_dates_menu_item():
    return ReviewersMenuItem(
        ReviewDatesReport.page_title,
        reverse("review_dates:report"),
        name="review-dates",
        icon_name="date",
        order=1050,
    )


@hooks.register("construct_homepage_panels")
def add_review_due_panel(request, panels):
    if request.user.has_perm(REVIEW_PERMISSION):
        panels.append(ReviewDuePanel())


@hooks.register("register_permissions")
def register_review_permission():
    # Lets administrators give the permission to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label="documents", codename="review_document"
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

    class ReviewRecorded(LogFormatter):
        def format_message(self, log_entry):
            reviewed_on = datetime.date.fromisoformat(log_entry.data["reviewed_on"])
            outcome = ReviewOutcome(log_entry.data["outcome"]).label
            return f"Reviewed on {date_format(reviewed_on, 'j F Y')}: {outcome}"

        def format_comment(self, log_entry):
            return log_entry.data["note"]

    @actions.register_action(REVIEW_RECORDED)
    class DocumentReviewRecorded(ReviewRecorded):
        label = "Record document review"

    @actions.register_action(PAGE_REVIEW_RECORDED)
    class PageReviewRecorded(ReviewRecorded):
        label = "Record page review"


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


class ApproversMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(APPROVE_PERMISSION)


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
    return ApproversMenuItem(
        "Documents awaiting approval",
        reverse("documents_awaiting_approval"),
        name="documents-awaiting-approval",
        icon_name="doc-full-inverse",
        order=1040,
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
