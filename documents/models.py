import datetime

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import AbstractDocument, Document, DocumentQuerySet
from wagtail.log_actions import log
from wagtail.models import Collection, Revision
from wagtail.search import index
from wagtail.search.index import insert_or_update_object
from wagtail.utils.file import hash_filelike

from reviews.models import (
    ACTION_STATUSES,
    DocumentReview,
    ReviewKind,
    ReviewSchedule,
    ReviewStatus,
    review_status_expression,
)

from .privacy import collections_hidden_from, read_collection_restrictions
from .signals import protocol_version_published


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
FILE_REPLACED = "documents.file_replaced"


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
    retain_until = models.DateField(
        "keep on this site until",
        null=True,
        blank=True,
        help_text=(
            "For a document published for a set time, such as a case review report: after "
            "this date it is withdrawn from the site (older case reviews are kept in the "
            "national case review repository). Leave blank to keep it."
        ),
    )
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
        "retain_until",
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

    def keep_file_as_version(self, file, replaced_by, change_note):
        """Copy `file`, the one the document is about to lose, into its file history."""
        with file.storage.open(file.name, "rb") as content:
            version = DocumentFileVersion(
                document=self,
                filename=file.name.rsplit("/", 1)[-1],
                file_size=file.storage.size(file.name),
                replaced_by=replaced_by,
                change_note=change_note,
            )
            version.file.save(version.filename, File(content), save=False)
        version.save()
        return version

    def record_file_replacement(self, version, previous_url, user):
        """After the file was replaced (its former one kept as `version`): links to a former
        address with another extension still reach the document, and the audit log says
        what practitioners download changed, from which file and why."""
        if self.url != previous_url:
            self.redirect_former_address(previous_url)
        ProtocolVersion.objects.record_file_replacement(self, version)
        log(
            self,
            FILE_REPLACED,
            user=user,
            data={
                "previous_file": version.filename,
                "new_file": self.filename,
                "change_note": version.change_note,
            },
        )

    def redirect_former_address(self, previous_url):
        """The file now has another extension: links to the old address (in emails, on
        other sites) must still reach it, and so must older addresses."""
        Redirect.objects.filter(site=None, old_path=Redirect.normalise_path(self.url)).delete()
        Redirect.objects.filter(site=None, redirect_link=previous_url).update(
            redirect_link=self.url
        )
        Redirect.objects.update_or_create(
            old_path=Redirect.normalise_path(previous_url),
            site=None,
            defaults={"redirect_link": self.url, "is_permanent": True},
        )

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


def restrictions_covering(collection_id, restrictions):
    return {
        restriction.pk
        for restriction, collection_ids in restrictions
        if collection_id in collection_ids
    }


def move_only_hides(from_collection_id, to_collection_id):
    """Whether moving a document between these collections can only hide it: every view
    restriction that keeps it from someone now still does after the move. Read afresh from
    the database, not from what the site remembers, as it decides what may skip approval."""
    restrictions = read_collection_restrictions()
    return restrictions_covering(from_collection_id, restrictions) <= restrictions_covering(
        to_collection_id, restrictions
    )


# Tags are not a column: they are held as a list of names under this key.
HELD_TAGS = "tags"


class PendingDocumentChange(models.Model):
    """What an Editor has changed in an approved document, held until an Approver decides.

    The public keeps the approved document (its file at the same address, its collection,
    its title, summary and every other detail) while this waits. Approvers see it in
    Reports → Documents awaiting approval: approving applies it, keeping the replaced file
    in the document's history; rejecting discards it. An Editor who edits again adds to it.
    """

    document = models.OneToOneField(
        ProtocolDocument, on_delete=models.CASCADE, related_name="pending_change"
    )
    fields = models.JSONField(
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="The new value of each changed detail, by field name.",
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="documents/pending/", max_length=255, blank=True)
    filename = models.CharField(
        max_length=255, blank=True, help_text="The name the file takes in the public address."
    )
    file_size = models.PositiveBigIntegerField(null=True)
    file_hash = models.CharField(max_length=40, blank=True)
    page_count = models.PositiveIntegerField(null=True)
    accessibility_tagged = models.BooleanField(null=True)
    change_note = models.CharField("what changed", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Changes to {self.document} awaiting approval"

    @property
    def is_empty(self):
        return not (self.fields or self.collection_id or self.file)

    def hold_detail(self, name, value, approved_value):
        """Hold `value` for the detail `name`, or forget the held one if it is the approved
        value."""
        if value == approved_value:
            self.fields.pop(name, None)
        else:
            self.fields[name] = value

    def hold_file(self, uploaded, change_note, page_count=None, accessibility_tagged=None):
        self.discard_file()
        self.filename = uploaded.name.rsplit("/", 1)[-1]
        uploaded.seek(0)
        self.file_hash = hash_filelike(uploaded)
        uploaded.seek(0)
        self.file_size = uploaded.size
        self.page_count = page_count
        self.accessibility_tagged = accessibility_tagged
        self.change_note = change_note
        self.file.save(self.filename, uploaded, save=False)

    def discard_file(self):
        if self.file:
            self.file.storage.delete(self.file.name)
            self.file = None

    @property
    def format_label(self):
        extension = self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        return FORMAT_LABELS.get(extension, extension.upper())

    @property
    def file_size_label(self):
        size = self.file_size or 0
        if size < 1024 * 1024:
            return f"{max(1, round(size / 1024))} KB"
        return f"{size / (1024 * 1024):.1f} MB"

    def changed_details(self):
        """(label, approved value, new value) for each held detail, as Approvers read them."""
        document = self.document
        proposed = ProtocolDocument(pk=document.pk)
        self.apply_details_to(proposed)
        for name in self.fields:
            if name == HELD_TAGS:
                approved = ", ".join(sorted(document.tags.names()))
                yield "Tags", approved, ", ".join(self.fields[name])
                continue
            field = ProtocolDocument._meta.get_field(name)
            yield (
                field.verbose_name[:1].upper() + field.verbose_name[1:],
                display_value(document, field),
                display_value(proposed, field),
            )

    def apply_details_to(self, document):
        for name, value in self.fields.items():
            if name == HELD_TAGS:
                continue
            field = ProtocolDocument._meta.get_field(name)
            setattr(document, field.attname, field.to_python(value))

    @transaction.atomic
    def approve(self, approver):
        """Make the held changes public: the new details and collection, and the new file
        at the document's address, the replaced one kept in its history."""
        document = self.document
        self.apply_details_to(document)
        if self.collection_id:
            document.collection_id = self.collection_id
        replacement = None
        if self.file:
            replacement = self.swap_in_file(document)
        document.save()
        if HELD_TAGS in self.fields:
            document.tags.set(self.fields[HELD_TAGS], clear=True)
            insert_or_update_object(document)
        if replacement:
            version, previous_url = replacement
            document.record_file_replacement(version, previous_url, user=self.requested_by)
        self.discard_file()
        self.delete()
        return document

    def swap_in_file(self, document):
        previous = document.file
        previous_url = document.url
        version = document.keep_file_as_version(previous, self.requested_by, self.change_note)
        previous.storage.delete(previous.name)
        with self.file.open("rb") as content:
            document.file.save(self.filename, File(content), save=False)
        document.file_size = self.file_size
        document.file_hash = self.file_hash
        document.page_count = self.page_count
        document.accessibility_tagged = self.accessibility_tagged
        return version, previous_url

    @transaction.atomic
    def discard(self):
        """Rejected, or changed back by the Editor: nothing of it remains."""
        self.discard_file()
        self.delete()


def display_value(document, field):
    if field.choices:
        return getattr(document, f"get_{field.name}_display")()
    value = getattr(document, field.name)
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return "" if value is None else str(value)


# What the first version of a document that had no versions yet says it is.
FIRST_VERSION_NOTE = "First published on this site."


class ProtocolVersionQuerySet(models.QuerySet):
    def next_number_for(self, document):
        latest = self.filter(document=document).aggregate(latest=models.Max("number"))["latest"]
        return (latest or 0) + 1

    def publish(self, document, change_note, alert_subscribers, **what):
        """Add the next public version of `document` (`revision=` for an HTML protocol,
        `file_version=` for a file that has since been replaced, neither for the current
        file) and tell the apps above, once the transaction holding it is committed."""
        version = self.create(
            document=document,
            number=self.next_number_for(document),
            change_note=change_note,
            alert_subscribers=alert_subscribers,
            **what,
        )
        transaction.on_commit(
            lambda: protocol_version_published.send(sender=ProtocolVersion, version=version)
        )
        return version

    def record_file_replacement(self, document, replaced):
        """The approved file of `document` was replaced, the former one kept as `replaced`
        (a DocumentFileVersion): the version that was the current file now points to the
        kept copy, and the new file is the next version, with the replacement's note. A
        document with no versions yet gets its first: the file it was published with."""
        current = self.filter(document=document, revision=None, file_version=None)
        if not current.update(file_version=replaced) and not self.filter(document=document):
            self.create(
                document=document,
                number=1,
                published_at=document.created_at,
                change_note=FIRST_VERSION_NOTE,
                alert_subscribers=False,
                file_version=replaced,
            )
        return self.publish(document, replaced.change_note, alert_subscribers=True)


class ProtocolVersion(models.Model):
    """One public version of a protocol: each publication of an HTML protocol (its page's
    revision) and each approved replacement of its file (the file it had). Practitioners
    see the numbered list on the protocol's page and entry, open earlier versions and
    compare two HTML versions; the alerts app emails subscribers when one is added
    (`documents.signals.protocol_version_published`)."""

    document = models.ForeignKey(
        ProtocolDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    change_note = models.CharField("what changed", max_length=500)
    alert_subscribers = models.BooleanField(
        default=True, help_text="Whether subscribers were to be emailed about this version."
    )
    # An earlier version's content must outlive purge_revisions, which skips protected ones.
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_version = models.ForeignKey(
        DocumentFileVersion,
        null=True,
        blank=True,
        # Deleting the document deletes both; nothing else may take a version's file.
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="The file this version had, once replaced; blank for the current file.",
    )

    objects = ProtocolVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="one_protocol_version_per_number"
            )
        ]

    def __str__(self):
        return f"Version {self.number} of {self.document.title}"

    def get_absolute_url(self):
        """The version's own address: it shows this version for as long as the site keeps
        it (the current version leads to the protocol itself)."""
        if self.is_html and self.protocol_page:
            return self.protocol_page.version_url(self.number)
        LocalGuidancePage = apps.get_model("pages", "LocalGuidancePage")
        library = LocalGuidancePage.objects.live().order_by("path").first()
        if library is None:
            return ""
        return library.document_version_url(self.document, self.number)

    @property
    def is_html(self):
        return self.revision_id is not None

    @cached_property
    def protocol_page(self):
        """The live HTML protocol page of the document, if it has one."""
        ProtocolPage = apps.get_model("pages", "ProtocolPage")
        return ProtocolPage.objects.live().filter(document_id=self.document_id).first()

    @property
    def comparison_url(self):
        """Where readers see what this version changed from the one before: only when both
        are HTML versions (blank for a first version or a file)."""
        if not self.is_html or not self.protocol_page:
            return ""
        previous_is_html = ProtocolVersion.objects.filter(
            document_id=self.document_id, number=self.number - 1, revision__isnull=False
        ).exists()
        if not previous_is_html:
            return ""
        return self.protocol_page.comparison_url(self.number - 1, self.number)
