from datetime import timedelta

from django.conf import settings
from django.contrib.admin import display
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReportReason(models.TextChoices):
    WRONG = "wrong", "Something is wrong or out of date"
    BROKEN_LINK = "broken_link", "A link or download does not work"
    HARD_TO_UNDERSTAND = "hard_to_understand", "It is hard to understand"
    NOT_USEFUL = "not_useful", "It did not have what I was looking for"
    OTHER = "other", "Something else"


class ReaderReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(dealt_with_at__isnull=True)

    def with_expired_details(self, now=None):
        """Reports whose free text has been kept for FEEDBACK_RETENTION_DAYS."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
        return self.filter(received_at__lt=cutoff).exclude(details="")


class ReaderReport(models.Model):
    """A reader's report, from "Report a problem with this page", that something is wrong
    with a public page or a protocol document's entry.

    It goes to the owner of that page or document: reviewers see the open reports of each
    item in Reports → Review dates, owners in their review reminder digest, and staff in
    Reader reports, where they mark a report dealt with. The reader's free text is deleted
    FEEDBACK_RETENTION_DAYS after it arrived (delete_expired_report_details); the reason and
    dates stay, for the counts."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reader_reports",
    )
    document = models.ForeignKey(
        "documents.ProtocolDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reader_reports",
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReaderReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=False, document__isnull=True)
                | Q(page__isnull=True, document__isnull=False),
                name="reader_report_about_a_page_or_a_document",
            )
        ]
        # Reports come only from readers and are kept for the record: staff view them
        # and mark them dealt with, nothing else.
        default_permissions = ("view",)
        permissions = [("deal_with_readerreport", "Can mark reader reports as dealt with")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.subject_title}"

    @property
    def subject(self):
        return self.page if self.page_id else self.document

    @property
    @display(description="About")
    def subject_title(self):
        return self.subject.title

    @property
    def subject_kind(self):
        return "Page" if self.page_id else "Document"

    @property
    def is_open(self):
        return self.dealt_with_at is None

    @property
    def status_label(self):
        return "Open" if self.is_open else "Dealt with"

    def mark_dealt_with(self, user):
        self.dealt_with_at = timezone.now()
        self.dealt_with_by = user
        self.save(update_fields=["dealt_with_at", "dealt_with_by"])
