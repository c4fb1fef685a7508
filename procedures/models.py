"""The Southwest Child Protection Procedures as this site uses them: the consortium's
partnerships, the links into the shared procedures manual and the manual's twice-yearly
updates."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import get_text_list
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, ReferenceIndex, get_page_models

from documents.models import RETIRED_STATUSES, Approval, ProtocolDocument
from documents.privacy import collections_hidden_from
from documents.references import UsageCountedManyToManyField
from editorial.models import ApprovedSnippet, LiveQuerySet
from reviews.models import ReviewKind, ReviewSchedule, reviewed_models
from sitewide.blocks import OpeningPeriodBlock
from sitewide.opening_hours import OpeningHours

# Rows added outside the admin's reordering have no position yet: they go last.
EDITORS_ORDER = [F("sort_order").asc(nulls_last=True)]


class ConsortiumPartnershipQuerySet(LiveQuerySet):
    def front_doors(self):
        """The published partnerships as the "Child lives in another area?" page lists
        them: this site's partnership first, then the others in the editors' order."""
        return self.live().order_by("-is_this_partnership", *EDITORS_ORDER, "name")


class ConsortiumPartnership(ApprovedSnippet, Orderable):
    """One of the safeguarding children partnerships that share the Southwest Child
    Protection Procedures, and the front door of its children's social care.

    Partnership staff keep the list in the admin under Procedures → Partnerships; the
    procedures page lists them in this order with this site's own marked, so that a
    practitioner whose case crosses a border finds the neighbouring partnership's site.
    The "Child lives in another area?" page lists their front doors, with whether each is
    open now where its hours are given as opening periods.
    """

    name = models.CharField(
        max_length=120, unique=True, help_text="The partnership's area, e.g. 'North Somerset'."
    )
    website = models.URLField(max_length=500)
    is_this_partnership = models.BooleanField(
        "this site's partnership",
        default=False,
        help_text="Marked on the procedures page as this partnership.",
    )

    front_door_name = models.CharField(
        "front door",
        max_length=120,
        blank=True,
        help_text="The team that takes concerns about children who live there, "
        "e.g. 'Children's Services Front Door'.",
    )
    front_door_phone = models.CharField("children's social care phone", max_length=40, blank=True)
    front_door_hours = models.CharField(
        "opening hours",
        max_length=200,
        blank=True,
        help_text="As the partnership words them, e.g. 'Monday to Thursday 8:30am to 5pm, "
        "Friday 8:30am to 4:30pm'.",
    )
    front_door_opening_periods = StreamField(
        [("period", OpeningPeriodBlock())],
        blank=True,
        verbose_name="opening periods",
        help_text="The same hours as periods, so the site can say whether the line is open "
        "now. Leave empty if the hours are not known.",
    )
    front_door_closed_on_bank_holidays = models.BooleanField(
        "closed on bank holidays", default=True, help_text="Closed on bank holidays in England."
    )
    out_of_hours_phone = models.CharField("out-of-hours phone", max_length=40, blank=True)
    front_door_website = models.URLField(
        "front door web page",
        max_length=500,
        blank=True,
        help_text="Where the partnership explains how to raise a concern about a child.",
    )
    referral_route = models.TextField(
        blank=True, help_text="How practitioners refer, e.g. 'By phone, then the online form'."
    )

    objects = ConsortiumPartnershipQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("website"),
        FieldPanel("is_this_partnership"),
        MultiFieldPanel(
            [
                FieldPanel("front_door_name"),
                FieldPanel("front_door_phone"),
                FieldPanel("front_door_hours"),
                FieldPanel("front_door_opening_periods"),
                FieldPanel("front_door_closed_on_bank_holidays"),
                FieldPanel("out_of_hours_phone"),
                FieldPanel("front_door_website"),
                FieldPanel("referral_route"),
            ],
            heading="Children's social care front door",
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "consortium partnership"
        ordering = [*EDITORS_ORDER, "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_this_partnership"],
                condition=Q(is_this_partnership=True),
                name="only_one_partnership_is_this_sites",
                violation_error_message="Another partnership is already marked as this site's.",
            )
        ]

    def __str__(self):
        return self.name

    @cached_property
    def front_door_opening_hours(self):
        """The front door's hours as periods, or None if none are given."""
        if not self.front_door_opening_periods:
            return None
        return OpeningHours.from_blocks(
            self.front_door_opening_periods, self.front_door_closed_on_bank_holidays
        )

    def front_door_status(self):
        """Whether the front door is open now, and when that changes; None if not known."""
        hours = self.front_door_opening_hours
        return hours.status_at() if hours else None


class ProcedureChapter(ApprovedSnippet, Orderable):
    """A chapter of the shared procedures manual, e.g. "Strategy discussions": how procedure
    links are grouped on the procedures page, and what each recorded update amended."""

    title = models.CharField(max_length=150, unique=True)

    objects = LiveQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "procedures chapter"
        ordering = [*EDITORS_ORDER, "title"]

    def __str__(self):
        return self.title


@dataclass
class ChapterLinks:
    """A chapter and its links, as the procedures page lists them."""

    chapter: ProcedureChapter
    links: list


class ProcedureLinkQuerySet(LiveQuerySet):
    def live(self):
        """Published links in published chapters: the chapter's title heads them."""
        return super().live().filter(chapter__live=True)

    def by_chapter(self, request):
        """Chapters in the editors' order, each with its links in order and, on each link,
        `local_documents`: its related documents still in use that `request` may see.

        One query for all three, joined, because the procedures page shows every link and
        must stay within the site's query budget however many there are.
        """
        rows = self.order_by(
            F("chapter__sort_order").asc(nulls_last=True),
            "chapter__title",
            *EDITORS_ORDER,
            "title",
            "pk",
            "related_documents__title",
        ).values(
            "pk",
            "title",
            "url",
            "note",
            "chapter_id",
            "chapter__title",
            "related_documents__pk",
            "related_documents__title",
            "related_documents__file",
            "related_documents__file_size",
            "related_documents__status",
            "related_documents__approval",
            "related_documents__collection_id",
        )
        hidden_collections = collections_hidden_from(request)
        chapters = {}
        links = {}
        for row in rows:
            group = chapters.get(row["chapter_id"])
            if group is None:
                chapter = ProcedureChapter(pk=row["chapter_id"], title=row["chapter__title"])
                group = chapters[row["chapter_id"]] = ChapterLinks(chapter, [])
            link = links.get(row["pk"])
            if link is None:
                link = links[row["pk"]] = ProcedureLink(
                    pk=row["pk"],
                    title=row["title"],
                    url=row["url"],
                    note=row["note"],
                    chapter=group.chapter,
                )
                link.local_documents = []
                group.links.append(link)
            shown = (
                row["related_documents__status"] not in RETIRED_STATUSES
                and row["related_documents__approval"] == Approval.APPROVED
                and row["related_documents__collection_id"] not in hidden_collections
            )
            if row["related_documents__pk"] and shown:
                # Every field whose default would need a query is given.
                link.local_documents.append(
                    ProtocolDocument(
                        pk=row["related_documents__pk"],
                        title=row["related_documents__title"],
                        file=row["related_documents__file"],
                        file_size=row["related_documents__file_size"],
                        collection_id=row["related_documents__collection_id"],
                    )
                )
        return list(chapters.values())


class ProcedureLink(ApprovedSnippet, Orderable, ClusterableModel):
    """A link into the shared procedures manual, kept in one place so that when Tri.x moves a
    chapter, editors correct one snippet rather than every page that links to it.

    The procedures page lists every link by chapter; guidance pages place chosen links with
    the "Procedure links" block. Local documents related to a link are listed beside it, and
    are flagged for checking when an update amends its chapter.
    """

    title = models.CharField(max_length=200)
    url = models.URLField(
        "address",
        max_length=500,
        help_text="The page in the Southwest Child Protection Procedures.",
    )
    chapter = models.ForeignKey(ProcedureChapter, on_delete=models.PROTECT, related_name="links")
    note = models.CharField(
        "local note",
        max_length=300,
        blank=True,
        help_text="What practitioners here should know as well, e.g. whom to contact locally.",
    )
    # Parental, so that a draft's choice is kept in its revision and reaches the public
    # listing only when the draft is published; counted as uses of the documents.
    related_documents = UsageCountedManyToManyField(
        ProtocolDocument,
        blank=True,
        related_name="procedure_links",
        verbose_name="related local documents",
        help_text="Local protocols and guidance that go with this part of the procedures.",
    )

    objects = ProcedureLinkQuerySet.as_manager()

    class Meta(Orderable.Meta):
        verbose_name = "procedure link"
        ordering = [*EDITORS_ORDER, "title"]

    def __str__(self):
        return self.title


class ProcedureUpdateQuerySet(models.QuerySet):
    def review_checks(self):
        """Every live page and document in use that links to chapters amended since it was
        last reviewed, least recently reviewed first."""
        updates = self.with_amended_chapters()
        checks = [*_page_checks(updates), *_document_checks(updates)]
        return sorted(
            checks,
            key=lambda check: (check.last_reviewed_on or datetime.date.min, check.title.lower()),
        )

    def page_check(self, page_id):
        """The check due on one page, or None."""
        checks = _page_checks(self.with_amended_chapters(), page_ids=[page_id])
        return checks[0] if checks else None

    def with_amended_chapters(self):
        """The updates, newest first, each with `amended_chapters` (each chapter knowing
        whether any procedure link is in it: `has_links`), in one query: every page edit
        view asks."""
        rows = (
            ProcedureUpdate.chapters.through.objects.filter(procedureupdate__in=self)
            .select_related("procedureupdate", "procedurechapter")
            .annotate(
                chapter_has_links=Exists(
                    ProcedureLink.objects.filter(chapter=OuterRef("procedurechapter"))
                )
            )
            .order_by(
                "-procedureupdate__published_on",
                F("procedurechapter__sort_order").asc(nulls_last=True),
                "procedurechapter__title",
            )
        )
        updates = {}
        for row in rows:
            if row.procedureupdate_id not in updates:
                updates[row.procedureupdate_id] = row.procedureupdate
                row.procedureupdate.amended_chapters = []
            row.procedurechapter.has_links = row.chapter_has_links
            updates[row.procedureupdate_id].amended_chapters.append(row.procedurechapter)
        return list(updates.values())


class ProcedureUpdate(models.Model):
    """One of the twice-yearly updates of the shared procedures, recorded by partnership
    staff with the chapters it amended.

    Pages and documents that link to an amended chapter and were last reviewed before the
    update are flagged in the admin ("Checks after procedure updates", and a warning on the
    page's edit view), so local guidance is checked against the new procedures.
    """

    published_on = models.DateField("date of the update", unique=True)
    summary = models.TextField(
        "what changed", blank=True, help_text="For staff: the main changes, in a sentence or two."
    )
    chapters = models.ManyToManyField(
        ProcedureChapter, related_name="updates", verbose_name="chapters amended"
    )

    objects = ProcedureUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "procedures update"
        ordering = ["-published_on"]
        permissions = [
            (
                "view_procedure_checks",
                "Can see the pages and documents to check after procedure updates",
            )
        ]

    def __str__(self):
        return f"Update of {self.published_on:%-d %B %Y}"

    @admin.display(description="chapters amended")
    def chapter_titles(self):
        return ", ".join(chapter.title for chapter in self.chapters.all())

    def came_after_review_of(self, subject):
        # When it was last checked, by the review schedule's one rule. Pages come as Page
        # rows with their last review joined in (_page_checks): for a page that is the rule.
        if isinstance(subject, ReviewSchedule):
            reviewed_on = subject.review_basis()
        else:
            reviewed_on = subject.last_reviewed_on
        return reviewed_on is None or reviewed_on < self.published_on


@dataclass
class ReviewCheck:
    """A page or document linking to chapters of the procedures that were amended after it
    was last reviewed: someone should check that it still agrees with them."""

    subject: Page | ProtocolDocument
    last_reviewed_on: datetime.date | None
    updates: list
    chapters: list

    @property
    def is_page(self):
        return isinstance(self.subject, Page)

    @property
    def kind(self):
        return "Page" if self.is_page else "Document"

    @property
    def title(self):
        return self.subject.title

    @property
    def chapter_titles(self):
        return [chapter.title for chapter in self.chapters]

    @property
    def update_dates(self):
        return [update.published_on for update in self.updates]

    @property
    def explanation(self):
        """Why the check is due, for the editor of the page or document."""
        updated_on = get_text_list([date_format(day, "j F Y") for day in self.update_dates], "and")
        since = (
            f"was last reviewed on {date_format(self.last_reviewed_on, 'j F Y')}"
            if self.last_reviewed_on
            else "has no record of being reviewed"
        )
        return (
            f"The Southwest Child Protection Procedures were updated on {updated_on}, amending "
            f"{get_text_list(self.chapter_titles, 'and')}, which this {self.kind.lower()} links "
            f"to. The {self.kind.lower()} {since}: check it against the new procedures."
        )

    @classmethod
    def due(cls, subject, updates, linked_chapter_ids):
        """The check due on a subject linking to these chapters, or None if it has been
        reviewed since every update that amended one of them."""
        relevant = [
            update
            for update in updates
            if update.came_after_review_of(subject)
            and linked_chapter_ids & {chapter.pk for chapter in update.amended_chapters}
        ]
        if not relevant:
            return None
        chapters = {
            chapter.pk: chapter
            for update in relevant
            for chapter in update.amended_chapters
            if chapter.pk in linked_chapter_ids
        }
        in_manual_order = sorted(
            chapters.values(),
            key=lambda chapter: (
                chapter.sort_order is None,
                chapter.sort_order or 0,
                chapter.title,
            ),
        )
        # What staff read is the review recorded, if any: a publication date counts as a
        # check above, but is not a review.
        return cls(subject, subject.last_reviewed_on, relevant, in_manual_order)


def _amended_chapter_ids(updates, linked_only=False):
    return {
        chapter.pk
        for update in updates
        for chapter in update.amended_chapters
        if chapter.has_links or not linked_only
    }


def _page_checks(updates, page_ids=None):
    # A page can only link to an amended chapter that has links in it.
    linked_chapters = _amended_chapter_ids(updates, linked_only=True)
    if not linked_chapters:
        return []
    # Wagtail's reference index already knows which pages choose which procedure links in
    # their blocks, whatever block or field holds them. It keeps their ids as text.
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(ProcedureLink),
        to_object_id__in=ProcedureLink.objects.filter(chapter__in=linked_chapters)
        .annotate(id_text=Cast("pk", models.CharField()))
        .values("id_text"),
    ).annotate(
        chapter_id=Subquery(
            ProcedureLink.objects.filter(
                pk=Cast(OuterRef("to_object_id"), models.IntegerField())
            ).values("chapter_id")
        )
    )
    if page_ids is not None:
        references = references.filter(object_id__in=[str(page_id) for page_id in page_ids])
    chapters_by_page = defaultdict(set)
    for page_id, chapter_id in references.values_list("object_id", "chapter_id"):
        chapters_by_page[int(page_id)].add(chapter_id)

    listing_types = [
        ContentType.objects.get_for_model(model)
        for model in get_page_models()
        if getattr(model, "lists_every_procedure_link", False)
    ]
    pages = (
        Page.objects.live()
        .filter(Q(pk__in=list(chapters_by_page)) | Q(content_type__in=listing_types))
        .annotate(last_reviewed_on=_last_reviewed_on())
    )
    if page_ids is not None:
        pages = pages.filter(pk__in=page_ids)
    checks = (
        ReviewCheck.due(
            page,
            updates,
            linked_chapters
            if getattr(page.specific_class, "lists_every_procedure_link", False)
            else chapters_by_page[page.pk],
        )
        for page in pages
    )
    return [check for check in checks if check]


def _last_reviewed_on():
    """A page's review date, which each page type keeps in its own table: joined in, so that
    the pages come in one query whatever their types."""
    return Coalesce(
        *(
            F(f"{model._meta.model_name}__last_reviewed_on")
            for model in reviewed_models(ReviewKind.PAGE)
        )
    )


def _document_checks(updates):
    # One row for each procedure link a document is related to in an amended chapter.
    rows = (
        ProtocolDocument.objects.in_use()
        .annotate(linked_chapter_id=F("procedure_links__chapter"))
        .filter(linked_chapter_id__in=_amended_chapter_ids(updates))
    )
    documents = {}
    linked_chapters = defaultdict(set)
    for document in rows:
        documents.setdefault(document.pk, document)
        linked_chapters[document.pk].add(document.linked_chapter_id)
    checks = (
        ReviewCheck.due(document, updates, linked_chapters[document.pk])
        for document in documents.values()
    )
    return [check for check in checks if check]
