from django.db.models import Count, Max, Q
from django.urls import reverse
from wagtail.admin.ui.components import Component

from .models import LinkCheck


class BrokenLinksPanel(Component):
    """The dashboard panel for staff who look after the site's links: how many external
    links failed at the last check, and when that was."""

    name = "broken_links"
    template_name = "linkhealth/admin/broken_links_panel.html"
    order = 160

    def get_context_data(self, parent_context):
        return {
            **LinkCheck.objects.aggregate(
                failing=Count("pk", filter=Q(first_failed_at__isnull=False)),
                last_checked=Max("checked_at"),
            ),
            "report_url": reverse("broken_links:report"),
        }
