from django.urls import reverse
from wagtail.admin.ui.components import Component

from editorial.review_schedule import count_by_status, next_due

from .models import ReviewStatus

COUNTED_STATUSES = [
    ReviewStatus.NEEDS_REWRITE,
    ReviewStatus.TO_WITHDRAW,
    ReviewStatus.OVERDUE,
    ReviewStatus.DUE_SOON,
    ReviewStatus.CURRENT,
    ReviewStatus.NO_REVIEW_DATE,
]


class ReviewDuePanel(Component):
    """The dashboard panel reviewers see first: how many pages and documents are overdue,
    due soon, current or without a review date, and the next five due."""

    name = "review_dates"
    template_name = "documents/admin/review_due_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        counts = count_by_status()
        report_url = reverse("review_dates:report")
        return {
            "report_url": report_url,
            "counts": [
                {
                    "label": status.label,
                    "count": counts[status.value],
                    "url": f"{report_url}?review_status={status.value}",
                }
                for status in COUNTED_STATUSES
            ],
            "next_due": next_due(5),
        }
