from django.urls import reverse
from wagtail.admin.ui.components import Component

from .models import ReviewStatus
from .schedule import backlog_by_owner, count_by_status, next_due

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
    template_name = "reviews/admin/review_due_panel.html"
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
            "backlog": BacklogChart(*backlog_by_owner()),
        }


class BacklogChart:
    """The review backlog as a grid drawn in SVG on the server: one row per owner, a column for
    what is overdue and one for each of the next twelve months, each cell showing its count
    (so nothing depends on colour) and shaded by it. The same numbers follow as a table."""

    LABEL_WIDTH = 180
    CELL_WIDTH = 46
    CELL_HEIGHT = 30
    HEADER_HEIGHT = 34
    # Light fills only, so the counts' dark text keeps well above AA contrast on every one.
    SHADES = ["#ffffff", "#dce9f5", "#b9d3eb", "#94bce0"]
    OVERDUE_FILL = "#f9d6d1"

    def __init__(self, months, rows):
        self.months = months
        self.rows = rows
        self.column_labels = ["Overdue", *(self.month_label(month) for month in months)]
        self.width = self.LABEL_WIDTH + self.CELL_WIDTH * len(self.column_labels)
        self.height = self.HEADER_HEIGHT + self.CELL_HEIGHT * len(rows)

    def month_label(self, month):
        return month.strftime("%b %Y" if month.month == 1 or month == self.months[0] else "%b")

    @property
    def overdue_total(self):
        return sum(row.overdue for row in self.rows)

    @property
    def due_total(self):
        return sum(row.total - row.overdue for row in self.rows)

    def header(self):
        return [
            {"x": self.LABEL_WIDTH + self.CELL_WIDTH * (index + 0.5), "label": label}
            for index, label in enumerate(self.column_labels)
        ]

    def grid(self):
        for row_index, row in enumerate(self.rows):
            y = self.HEADER_HEIGHT + self.CELL_HEIGHT * row_index
            cells = []
            for column, count in enumerate([row.overdue, *row.due_by_month]):
                if column == 0 and count:
                    fill = self.OVERDUE_FILL
                else:
                    fill = self.SHADES[min(count, len(self.SHADES) - 1)]
                x = self.LABEL_WIDTH + self.CELL_WIDTH * column
                cells.append(
                    {"x": x, "text_x": x + self.CELL_WIDTH / 2, "count": count, "fill": fill}
                )
            yield {"owner": row.owner, "y": y, "text_y": y + self.CELL_HEIGHT / 2, "cells": cells}
