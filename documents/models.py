from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.documents.models import AbstractDocument, Document, DocumentQuerySet
from wagtail.search import index
from wagtail.utils.file import hash_filelike

from reviews.models import (
    ACTION_STATUSES,
    DocumentReview,
    ReviewKind,
    ReviewSchedule,
    ReviewStatus,
    review_status_expression,
)

from .privacy import collections_hidden_from


def file_size_label(size):
    """'245 KB', '1.2 MB': sizes as GOV.UK writes them, wherever a file's size is shown."""
    size = size or 0
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def default_review_interval():
    return settings.DOCUMENT_REVIEW_INTERVAL_MONTHS


class DocumentType(models.TextChoices):
    PROTOCOL = "protocol", "Protocol"
    PRACTICE_GUIDANCE = "practice_guidance", "Practice guidance"
    TOOLKIT = "toolkit", "Toolkit"
    ONE_MINUTE_GUIDE = "one_minute_guide", "One minute guide"
    QUICK_GUIDE = "quick_guide", "Quick guide"
    FORM = "form", "Form or template"
    OTHER = "other", "Other"


class Audience(models.TextChoices):
    ALL = "all", "All practitioners"
    EDUCATION = "education", "Education and early years"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    VOLUNTARY = "voluntary", "Voluntary and community sector"


class DatedEvent(models.TextChoices):
    PUBLISHED = "published", "Published"
    UPDATED = "updated", "Updated"
    REVIEWED = "reviewed", "Reviewed"


class DocumentStatus(models.TextChoices):
    CURRENT = "current", "Current"
    UNDER_REVIEW = "under_review", "Under review"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Approval(models.TextChoices):
    APPROVED = "approved", "Approved"
    AWAITING = "awaiting", "Awaiting approval"
    REJECTED = "rejected", "Rejected"


APPROVE_PERMISSION = "documents.approve_document"


RETIRED_STATUSES = (DocumentStatus.SUPERSEDED, DocumentStatus.WITHDRAWN)


class LibrarySort(models.TextChoices):
    TITLE = "title", "Title (A to Z)"
    NEWEST = "newest", "Date (newest first)"


class ProtocolDocumentQuerySet(DocumentQuerySet):
    def visible_to(self, request):
        """The documents `request` may see: none from a collection that a view restriction
        (the collection's own or an ancestor's) keeps from it. Every list of documents the
        public sees starts here."""
        hidden = collections_hidden_from(request)
        return self.exclude(collection_id__in=hidden) if hidden else self

    def approved(self):
        """Documents an Approver has let the public see: every public list, entry, search
        and download reads this."""
        return self.filter(approval=Approval.APPROVED)

    def in_use(self):
        """Documents practitioners should find: current ones and those under review."""
        return self.exclude(status__in=RETIRED_STATUSES)

    def with_review_status(self, today=None):
        """Annotate `review_status`, so the report can filter and count in the database."""
        return self.annotate(
            review_status=review_status_expression(
                today, retired=models.Q(status__in=RETIRED_STATUSES)
            )
        )

    def for_library(self, request, document_type="", audience="", sort=""):
        """What the public library lists to `request`: documents in use that it may see,
        optionally of one type or for one audience (documents for all practitioners are
        for every audience)."""
        documents = self.visible_to(request).approved().in_use()
        if document_type:
            documents = documents.filter(document_type=document_type)
        if audience:
            documents = documents.filter(audience__in=[audience, Audience.ALL])
        if sort == LibrarySort.TITLE:
            return documents.order_by("title", "pk")
        if sort == LibrarySort.NEWEST:
            return documents.order_by(
                models.F("dated_event_on").desc(nulls_last=True), "title", "pk"
            )
        return documents

    def in_type_order(self):
        # The order of DocumentType's choices, as SQL: building the same CASE from When()
        # clauses took Django over a millisecond on every library request. Only the model's
        # table name and integers are written into it; the choices are parameters.
        type_order = RawSQL(  # noqa: S611
            f'CASE "{self.model._meta.db_table}"."document_type" '
            + " ".join(f"WHEN %s THEN {index}" for index in range(len(DocumentType.values)))
            + " END",
            DocumentType.values,
            output_field=models.IntegerField(),
        )
        return self.order_by(type_order, "library_order", "title", "pk")

    def needing_review(self, today=None):
        """Flagged at a review, overdue or due soon, soonest first: what reviewers should
        act on."""
        return (
            self.with_review_status(today)
            .filter(review_status__in=ACTION_STATUSES)
            .order_by("review_due", "title")
        )


class ProtocolDocument(AbstractDocument, ReviewSchedule):
    """A local protocol or guidance file the partnership publishes for practitioners.

    Partnership staff upload and edit it in the Wagtail admin; practitioners find it in the
    "Local protocols and guidance" library; reviewers use its review dates to see what is
    overdue and who owns it, and record reviews against it.
    """

    summary = models.TextField(
        blank=True, help_text="What the document is for, in a sentence or two."
    )
    document_type = models.CharField(
        "type", max_length=30, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    audience = models.CharField(max_length=30, choices=Audience.choices, default=Audience.ALL)
    dated_event = models.CharField(
        "shown to readers as",
        max_length=20,
        choices=DatedEvent.choices,
        default=DatedEvent.PUBLISHED,
        help_text=(
            "Readers see 'Published March 2021' or 'Last revised April 2021'; a review is "
            "shown as the partnership's last check."
        ),
    )
    dated_event_on = models.DateField("date", null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=default_review_interval,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    owner_email = models.EmailField("owner's email", blank=True)
    former_titles = models.TextField(
        "previously known as", blank=True, help_text="Earlier titles, one per line."
    )
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.CURRENT, db_index=True
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text="The document that replaces this one, if it is superseded.",
    )
    library_order = models.PositiveIntegerField(
        "position in the library",
        default=0,
        help_text="Lower numbers come first when the library lists documents in editors' order.",
    )
    approval = models.CharField(
        max_length=20,
        choices=Approval.choices,
        default=Approval.APPROVED,
        editable=False,
        db_index=True,
        help_text="Set by the admin form: what an Editor saves awaits an Approver.",
    )
    page_count = models.PositiveIntegerField(null=True, editable=False)
    accessibility_tagged = models.BooleanField(
        null=True, editable=False, help_text="For PDFs: whether the file has accessibility tags."
    )

    objects = ProtocolDocumentQuerySet.as_manager()

    review_kind = ReviewKind.DOCUMENT

    admin_form_fields = (
        *Document.admin_form_fields,
        "summary",
        "document_type",
        "audience",
        "dated_event",
        "dated_event_on",
        "former_titles",
        "status",
        "superseded_by",
        "library_order",
        "owner_team",
        "owner_name",
        "owner_email",
        "last_reviewed_on",
        "review_interval_months",
        "review_due_override",
    )

    search_fields = [
        *AbstractDocument.search_fields,
        index.SearchField("summary"),
        index.SearchField("former_titles"),
        index.FilterField("status"),
        index.FilterField("approval"),
        index.FilterField("document_type"),
        index.FilterField("audience"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        permissions = [
            ("review_document", "Can see document review dates and record reviews"),
            ("approve_document", "Can approve documents for the public"),
        ]

    def save(self, *args, **kwargs):
        self.review_due = self.compute_review_due()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "review_due"}
        super().save(*args, **kwargs)

    @classmethod
    def retired_condition(cls):
        return models.Q(status__in=RETIRED_STATUSES)

    @classmethod
    def review_item_type(cls):
        return models.F("document_type")

    @classmethod
    def review_item_type_choices(cls):
        return DocumentType.choices

    def review_basis(self):
        # A publication or update is also a check of the content.
        return self.last_reviewed_on or self.dated_event_on

    def review_status_on(self, today=None):
        if self.status in RETIRED_STATUSES:
            return ReviewStatus.RETIRED
        return super().review_status_on(today)

    def is_visible_to(self, request):
        """Whether `request` may see the document at all (see `visible_to`)."""
        return self.collection_id not in collections_hidden_from(request)

    @property
    def is_review_overdue(self):
        return self.review_status_on() == ReviewStatus.OVERDUE

    @property
    def is_approved(self):
        return self.approval == Approval.APPROVED

    @property
    def is_retired(self):
        return self.status in RETIRED_STATUSES

    @cached_property
    def former_title_list(self):
        return [line.strip() for line in self.former_titles.splitlines() if line.strip()]

    @property
    def format_label(self):
        """'PDF', 'Word', …: what readers need to know before they download."""
        return FORMAT_LABELS.get(self.file_extension.lower(), self.file_extension.upper())

    @property
    def file_size_label(self):
        return file_size_label(self.file_size)

    @property
    def issued_label(self):
        """'Published' or 'Last revised' when the register dates the document itself; blank
        when its dated event is a review, which readers see as the partnership's last check."""
        if not self.dated_event_on or self.dated_event == DatedEvent.REVIEWED:
            return ""
        return "Published" if self.dated_event == DatedEvent.PUBLISHED else "Last revised"

    @property
    def last_checked_on(self):
        """When the partnership last found the document current: the later of the last
        recorded review and a review the register dates."""
        dates = [self.last_reviewed_on]
        if self.dated_event == DatedEvent.REVIEWED:
            dates.append(self.dated_event_on)
        return max((date for date in dates if date), default=None)

    def describe_file(self):
        """Record the size and hash of the file just given to the document, for code that
        adds documents without the admin form (the demo-content loader, tests): the hash
        is how an identical upload is recognised."""
        self.file.open("rb")
        try:
            self.file_size = self.file.size
            self.file_hash = hash_filelike(self.file)
        finally:
            self.file.seek(0)

    @transaction.atomic
    def record_review(self, reviewer, reviewed_on, outcome, note=""):
        """Record a review of the document: found current, it is due again an interval
        later; found to need rewriting or withdrawing, it is flagged (see apply_review)."""
        review = DocumentReview.objects.create(
            document=self, reviewer=reviewer, reviewed_on=reviewed_on, outcome=outcome, note=note
        )
        self.save(update_fields=self.apply_review(reviewed_on, outcome))
        return review


FORMAT_LABELS = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "odp": "OpenDocument presentation",
    "csv": "CSV",
}


class DocumentFileVersion(models.Model):
    """A file that a protocol document used to have, kept when staff replace it so that
    nothing is lost: staff can retrieve it from the admin, readers see what changed."""

    document = models.ForeignKey(
        ProtocolDocument, on_delete=models.CASCADE, related_name="file_versions"
    )
    file = models.FileField(upload_to="documents/previous/", max_length=255)
    filename = models.CharField(max_length=255, help_text="The name it had in the public address.")
    file_size = models.PositiveBigIntegerField(null=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField("what changed", max_length=500)

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"{self.filename}, replaced {self.replaced_at:%-d %B %Y}"

    @property
    def file_size_label(self):
        return file_size_label(self.file_size)
