from django.db.models import Count, Q
from django.urls import reverse
from wagtail.admin.ui.components import Component

from .models import ProtocolDocument, ReviewStatus

COUNTED_STATUSES = [
    ReviewStatus.OVERDUE,
    ReviewStatus.DUE_SOON,
    ReviewStatus.CURRENT,
    ReviewStatus.NO_REVIEW_DATE,
]


class ReviewDuePanel(Component):
    """The dashboard panel reviewers see first: how many documents are overdue, due soon,
    current or without a review date, and the next five due."""

    name = "document_review_dates"
    template_name = "documents/admin/review_due_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        counts = ProtocolDocument.objects.with_review_status().aggregate(
            **{
                status.value: Count("pk", filter=Q(review_status=status))
                for status in COUNTED_STATUSES
            }
        )
        report_url = reverse("document_reviews:report")
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
            "next_due": ProtocolDocument.objects.in_use()
            .filter(review_due__isnull=False)
            .order_by("review_due", "title", "pk")[:5],
        }
