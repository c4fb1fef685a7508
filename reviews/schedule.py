"""The review schedule: every published content page and every protocol document, with its
review dates and owner, as one list.

Reviewers read it in Reports → Review dates and on their dashboard; owners get the items due
from send_review_reminders. Pages and documents live in different tables (each page type in
its own), so the schedule is one query: a UNION of one values() query per table, with the same
columns, each filtered alike before they are combined.
"""

import functools
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from .models import (
    ACTION_STATUSES,
    ReviewKind,
    ReviewStatus,
    review_status_expression,
    reviewed_models,
)

COLUMNS = [
    "kind",
    "item_id",
    "title",
    "item_type",
    "review_status",
    "owner_team",
    "owner_name",
    "owner_email",
    "last_reviewed_on",
    "review_due",
    "open_reports",
]


def open_report_count(kind):
    """The number of open reader reports about the row's page or document (`kind` is "page"
    or "document"), as a subquery: the schedule counts them in its own query. The reports
    are found through the app registry, since the feedback app builds on pages and
    documents, which build on this one."""
    counts = (
        apps.get_model("feedback", "ReaderReport")
        .objects.open()
        .filter(**{kind: OuterRef("pk")})
        .order_by()
        .values(kind)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


def item_type_choices():
    return [choice for model in reviewed_models() for choice in model.review_item_type_choices()]


@functools.cache
def item_type_labels():
    """{type: label} for every row of the schedule: each row of a report or export asks."""
    return dict(item_type_choices())


def schedule_parts(today=None):
    """One values() query per table, with the same columns in the same order, ready to be
    filtered alike and combined with `combine`. Each call gets querysets of its own."""
    return [part.all() for part in parts_built_for(today or timezone.localdate())]


@functools.lru_cache(maxsize=8)
def parts_built_for(today):
    """The schedule's querysets as they stand on `today`, built once a day by each process.
    Building them (a query for each page type and the documents, each with its status and
    report-count expressions) took 30 ms, a sixth of the review report's time, and only the
    date changes them. Never evaluated: callers get copies (schedule_parts)."""
    parts = [
        model.scheduled_for_review().annotate(
            kind=Value(model.review_kind.value),
            item_id=F("pk"),
            item_type=model.review_item_type(),
            review_status=review_status_expression(today, retired=model.retired_condition()),
            open_reports=open_report_count(model.review_kind.value),
        )
        for model in reviewed_models()
    ]
    return tuple(queryset.values(*COLUMNS).order_by() for queryset in parts)


def owning_teams():
    """The teams that own pages or documents, A to Z: what reviewers filter the report by.
    Read from what is scheduled for review alone: building the schedule's status and
    report-count expressions for this was a quarter of the report's time."""
    parts = [
        model.scheduled_for_review()
        .exclude(owner_team="")
        .values_list("owner_team", flat=True)
        .order_by()
        for model in reviewed_models()
    ]
    first, *others = parts
    # UNION, not UNION ALL: each team once.
    return sorted(first.union(*others), key=str.casefold)


def combine(parts):
    first, *others = parts
    # The kind and id tell rows apart: UNION ALL spares the database removing duplicates.
    return first.union(*others, all=True)


def needing_review(today=None):
    """What owners' reminder digests list, soonest due first: pages and documents flagged at
    a review, overdue or due soon, and those readers have reported a problem with that
    nobody has dealt with yet."""
    parts = [
        part.filter(Q(review_status__in=ACTION_STATUSES) | Q(open_reports__gt=0))
        for part in schedule_parts(today)
    ]
    rows = combine(parts).order_by(F("review_due").asc(nulls_last=True), "title", "kind")
    return [ReviewItem(**row) for row in rows]


def next_due(count, today=None):
    """The pages and documents in use next due for review."""
    parts = [
        part.filter(review_due__isnull=False).exclude(review_status=ReviewStatus.RETIRED)
        for part in schedule_parts(today)
    ]
    rows = combine(parts).order_by("review_due", "title", "kind", "item_id")[:count]
    return [ReviewItem(**row) for row in rows]


def count_by_status(today=None):
    """{review status: number of pages and documents}, in one query."""
    parts = [
        part.values("review_status")
        .annotate(count=Count("item_id"))
        .values("review_status", "count")
        for part in schedule_parts(today)
    ]
    counts = dict.fromkeys(ReviewStatus.values, 0)
    for row in combine(parts):
        counts[row["review_status"]] += row["count"]
    return counts


@dataclass
class ReviewItem:
    """A page or document on the review schedule: one row of the combined query."""

    kind: str
    item_id: int
    title: str
    item_type: str
    review_status: str
    owner_team: str
    owner_name: str
    owner_email: str
    last_reviewed_on: date | None
    review_due: date | None
    open_reports: int = 0

    @property
    def is_page(self):
        return self.kind == ReviewKind.PAGE

    @property
    def type_label(self):
        return item_type_labels().get(self.item_type, self.item_type)

    @property
    def review_status_label(self):
        return ReviewStatus(self.review_status).label

    @property
    def is_due(self):
        return self.review_status in (ReviewStatus.OVERDUE, ReviewStatus.DUE_SOON)

    @property
    def is_overdue(self):
        return self.review_status == ReviewStatus.OVERDUE

    @property
    def is_retired(self):
        return self.review_status == ReviewStatus.RETIRED

    @property
    def mark_reviewed_url(self):
        name = "mark_page_reviewed" if self.is_page else "mark_document_reviewed"
        return reverse(f"review_dates:{name}", args=[self.item_id])

    @property
    def edit_url(self):
        name = "wagtailadmin_pages:edit" if self.is_page else "wagtaildocs:edit"
        return reverse(name, args=[self.item_id])


def backlog_by_owner(today=None, months=12):
    """How many pages and documents each owner has overdue, and due in each of the next
    `months` calendar months (this one first), in one query: the reviewers' dashboard chart.

    Returns the month columns (first days of months) and, per owner, the overdue count and
    one count per month, owners with most to review first."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    month_columns = [this_month + relativedelta(months=n) for n in range(months)]
    parts = [
        part.filter(review_due__lt=month_columns[-1] + relativedelta(months=1))
        .exclude(review_status=ReviewStatus.RETIRED)
        .values("owner_name", "owner_team", "review_status", month=TruncMonth("review_due"))
        .annotate(count=Count("item_id"))
        .values("owner_name", "owner_team", "review_status", "month", "count")
        for part in schedule_parts(today)
    ]
    owners = {}
    for row in combine(parts):
        owner = row["owner_name"] or row["owner_team"] or "No owner"
        overdue, by_month = owners.setdefault(owner, [0, dict.fromkeys(month_columns, 0)])
        if row["review_status"] == ReviewStatus.OVERDUE:
            owners[owner][0] = overdue + row["count"]
        else:
            by_month[row["month"]] += row["count"]
    rows = [
        OwnerBacklog(owner, overdue, list(by_month.values()))
        for owner, (overdue, by_month) in owners.items()
    ]
    rows.sort(key=lambda row: (-row.overdue, -row.total, row.owner))
    return month_columns, rows


@dataclass
class OwnerBacklog:
    owner: str
    overdue: int
    due_by_month: list[int]

    @property
    def total(self):
        return self.overdue + sum(self.due_by_month)
