"""Reviews of the partnership's local guidance: the one rule for when a page or document is
due, the reviews reviewers record, and the reminders owners get.

Pages and documents inherit `ReviewSchedule` for their review fields; this app finds them
through the app registry (every concrete subclass), so it imports neither `pages` nor
`documents`.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone

REVIEW_PERMISSION = "documents.review_document"
# The group the documents 0003 migration created; its members hold REVIEW_PERMISSION.
REVIEWERS_GROUP = "Reviewers"


class ReviewKind(models.TextChoices):
    PAGE = "page", "Page"
    DOCUMENT = "document", "Document"


class ReviewOutcome(models.TextChoices):
    NO_CHANGES = "no_changes", "Still current: no changes needed"
    UPDATED = "updated", "Updated"
    NEEDS_REWRITE = "needs_rewrite", "Needs rewriting"
    TO_WITHDRAW = "to_withdraw", "Should be withdrawn"


# Outcomes that find something wrong: the item keeps its review dates (it was not found
# current) and stays on the reviewers' list, flagged, until a later review finds it current.
FLAGGING_OUTCOMES = (ReviewOutcome.NEEDS_REWRITE, ReviewOutcome.TO_WITHDRAW)


class ReviewStatus(models.TextChoices):
    NEEDS_REWRITE = "needs_rewrite", "Needs rewriting"
    TO_WITHDRAW = "to_withdraw", "To be withdrawn"
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    CURRENT = "current", "Current"
    NO_REVIEW_DATE = "no_review_date", "No review date"
    RETIRED = "retired", "Not reviewed: superseded or withdrawn"


# What reviewers and owners are asked to act on.
ACTION_STATUSES = (
    ReviewStatus.NEEDS_REWRITE,
    ReviewStatus.TO_WITHDRAW,
    ReviewStatus.OVERDUE,
    ReviewStatus.DUE_SOON,
)


def review_status_expression(today=None, retired=None):
    """The review status of whatever has a `review_due` date (documents and content pages),
    worked out in the database so that reports filter and count there. `retired` is the
    condition for items no longer reviewed."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.DOCUMENT_REVIEW_DUE_SOON_DAYS)
    return Case(
        *([When(retired, then=Value(ReviewStatus.RETIRED))] if retired else []),
        When(review_finding=ReviewOutcome.NEEDS_REWRITE, then=Value(ReviewStatus.NEEDS_REWRITE)),
        When(review_finding=ReviewOutcome.TO_WITHDRAW, then=Value(ReviewStatus.TO_WITHDRAW)),
        When(review_due__isnull=True, then=Value(ReviewStatus.NO_REVIEW_DATE)),
        When(review_due__lt=today, then=Value(ReviewStatus.OVERDUE)),
        When(review_due__lte=soon, then=Value(ReviewStatus.DUE_SOON)),
        default=Value(ReviewStatus.CURRENT),
        output_field=models.CharField(),
    )


def review_status_on(review_due, today=None):
    """The same, for one item in use."""
    today = today or timezone.localdate()
    if review_due is None:
        return ReviewStatus.NO_REVIEW_DATE
    if review_due < today:
        return ReviewStatus.OVERDUE
    if review_due <= today + datetime.timedelta(days=settings.DOCUMENT_REVIEW_DUE_SOON_DAYS):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT


class ReviewSchedule(models.Model):
    """When a piece of local guidance was last reviewed, when it is next due, and who owns
    it. Protocol documents and content pages share it, so reviewers see both in one report
    and owners get one digest. Each model declares `review_interval_months` with its own
    default interval, and says how it joins the review schedule: its `review_kind` and the
    class methods below."""

    review_kind = None

    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    review_due_override = models.DateField(
        "next review due (set by hand)",
        null=True,
        blank=True,
        help_text="Leave blank to work it out from the last review and the interval.",
    )
    review_due = models.DateField("next review due", null=True, editable=False, db_index=True)
    owner_team = models.CharField("owning team", max_length=120, blank=True)
    owner_name = models.CharField("owner", max_length=120, blank=True)
    owner_email = models.EmailField(
        "owner's email", blank=True, help_text="Review reminders are sent here."
    )
    review_finding = models.CharField(
        "found at the last review",
        max_length=20,
        choices=[(outcome.value, outcome.label) for outcome in FLAGGING_OUTCOMES],
        blank=True,
        editable=False,
    )
    review_finding_on = models.DateField("found on", null=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def scheduled_for_review(cls):
        """The rows of this model on the review schedule."""
        return cls._default_manager.all()

    @classmethod
    def retired_condition(cls):
        """The condition for rows no longer reviewed (listed as retired), or None."""
        return None

    @classmethod
    def review_item_type(cls):
        """The expression for a row's type on the schedule."""
        return Value(cls._meta.model_name)

    @classmethod
    def review_item_type_choices(cls):
        """The types `review_item_type` gives, with their labels."""
        return [(cls._meta.model_name, cls._meta.verbose_name.capitalize())]

    def review_basis(self):
        """The date the review interval counts from: when the item was last checked."""
        return self.last_reviewed_on

    def compute_review_due(self):
        """The override if set; otherwise the interval after the review basis."""
        if self.review_due_override:
            return self.review_due_override
        basis = self.review_basis()
        if basis is None:
            return None
        # 31 January + 1 month is the last day of February, as reviewers expect.
        return basis + relativedelta(months=self.review_interval_months)

    def review_status_on(self, today=None):
        if self.review_finding:
            return ReviewStatus(self.review_finding)
        return review_status_on(self.review_due, today)

    def apply_review(self, reviewed_on, outcome):
        """Take a recorded review into the dates readers see; returns the fields changed.

        A review that finds the content current moves the next review on and clears any
        earlier finding. One that finds it needs rewriting or withdrawing changes no date,
        so that it never reads as freshly reviewed, and flags it until a review finds it
        current (once rewritten) or it is withdrawn."""
        if outcome in FLAGGING_OUTCOMES:
            self.review_finding = outcome
            self.review_finding_on = reviewed_on
            return ["review_finding", "review_finding_on"]
        self.review_finding = ""
        self.review_finding_on = None
        self.last_reviewed_on = reviewed_on
        self.review_due_override = None
        return ["review_finding", "review_finding_on", "last_reviewed_on", "review_due_override"]


# Documents' types are listed before pages', as reviewers have always seen them.
SCHEDULE_ORDER = (ReviewKind.DOCUMENT, ReviewKind.PAGE)


def reviewed_models(kind=None):
    """Every model on the review schedule (optionally of one kind): documents first, then
    page types A to Z."""
    models_on_schedule = [
        model
        for model in apps.get_models()
        if issubclass(model, ReviewSchedule) and (kind is None or model.review_kind == kind)
    ]
    return sorted(
        models_on_schedule,
        key=lambda model: (SCHEDULE_ORDER.index(model.review_kind), model._meta.verbose_name),
    )


class RecordedReview(models.Model):
    """What a reviewer records when they have checked a document or a page."""

    reviewed_on = models.DateField(default=timezone.localdate)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-reviewed_on", "-recorded_at"]


class DocumentReview(RecordedReview):
    """One review of a protocol document, recorded by a reviewer. The history of these is
    what shows the partnership checks its local guidance."""

    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )

    class Meta(RecordedReview.Meta):
        # Its table from when it lived in the documents app.
        db_table = "documents_documentreview"

    def __str__(self):
        return f"{self.document} reviewed on {self.reviewed_on:%-d %B %Y}"


class PageReview(RecordedReview):
    """One review of a content page, recorded by a reviewer from Reports → Review dates.
    Reviewers see the page's earlier reviews when they record the next one."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="reviews")

    class Meta(RecordedReview.Meta):
        # Its table from when it lived in the pages app.
        db_table = "pages_pagereview"

    def __str__(self):
        return f"{self.page} reviewed on {self.reviewed_on:%-d %B %Y}"


class ReviewReminder(models.Model):
    """One day's digest of documents due for review, emailed to one owner.

    `send_review_reminders`, run daily from cron, records each digest it sends, so that
    running it again on the same day sends nothing new.
    """

    owner_email = models.EmailField()
    sent_on = models.DateField()

    class Meta:
        # Its table from when it lived in the documents app.
        db_table = "documents_reviewreminder"
        constraints = [
            models.UniqueConstraint(
                fields=["owner_email", "sent_on"], name="one_review_reminder_per_owner_per_day"
            )
        ]

    def __str__(self):
        return f"Review reminder to {self.owner_email} on {self.sent_on:%-d %B %Y}"
