import datetime

from django.urls import path
from django.utils.formats import date_format
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from editorial.admin_reports import register_report

from .components import ReviewDuePanel
from .models import REVIEW_PERMISSION, ReviewOutcome
from .views import (
    PAGE_REVIEW_RECORDED,
    REVIEW_RECORDED,
    MarkDocumentReviewed,
    MarkPageReviewed,
    ReviewDatesReport,
)

register_report(
    ReviewDatesReport,
    url="review-dates",
    namespace="review_dates",
    name="review-dates",
    order=1050,
    permission=REVIEW_PERMISSION,
    extra_urls=[
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
    ],
)


@hooks.register("construct_homepage_panels")
def add_review_due_panel(request, panels):
    if request.user.has_perm(REVIEW_PERMISSION):
        panels.append(ReviewDuePanel())


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
