import datetime

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.formats import date_format
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from .components import ReviewDuePanel
from .models import REVIEW_PERMISSION, ReviewOutcome
from .views import (
    PAGE_REVIEW_RECORDED,
    REVIEW_RECORDED,
    MarkDocumentReviewed,
    MarkPageReviewed,
    ReviewDatesReport,
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
def register_review_log_actions(actions):
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
