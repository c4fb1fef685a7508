from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction, Site
from wagtail.search import index

from documents.models import ProtocolDocument, RecordedReview, ReviewSchedule
from procedures.models import ConsortiumPartnership, ProcedureLink
from sitewide.blocks import LINKED_PAGE_FIELDS
from sitewide.http_caching import expire_cached_page_by
from sitewide.models import PartnershipSettings
from sitewide.page_cache import content_version, remember

from .blocks import (
    RICH_TEXT_FEATURES,
    AgeGroup,
    ContinuumLevelBlock,
    GuidanceBodyBlock,
)
from .continuum import Continuum
from .forms import ContentPageForm, LibraryFilterForm
from .privacy import is_hidden, paths_hidden_from, restricted_paths, visible_pages
from .whats_new import WhatsNewAtomFeed, WhatsNewFeed, recent_changes


class BasePage(Page):
    """What every page of the site shares."""

    # The query parameters the page reads: the anonymous page cache keys the page on them
    # and ignores the rest (sitewide/page_cache.py).
    cache_query_parameters = ()

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        # Most pages have none: no query unless the page, an ancestor, or the source of one
        # of them if it is an alias, is restricted (restricted_paths holds the paths of
        # restricted pages and of their aliases). Otherwise Wagtail decides, aliases and all.
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        if restricted_paths().isdisjoint(paths):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def default_page_review_interval():
    return settings.PAGE_REVIEW_INTERVAL_MONTHS


# What a reviewer records on the published page itself, outside its revisions.
RECORDED_REVIEW_FIELDS = ("last_reviewed_on", "review_due_override")
# What the last review found: only reviewers set it, so the live page's always holds.
REVIEW_FINDING_FIELDS = ("review_finding", "review_finding_on")


class ContentPage(BasePage, ReviewSchedule):
    """Every page below the home page. Its summary is Wagtail's own meta description
    field, moved to the content tab and required: listings and search results can then
    show it without loading each page's own table.

    Like the NHS website, each page tells readers when it was last reviewed and when its
    next review is due. Reviewers see the due dates beside the documents' in Reports →
    Review dates, record reviews there, and owners get reminders (send_review_reminders).
    """

    review_interval_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=default_page_review_interval,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    base_form_class = ContentPageForm

    content_panels = [*Page.content_panels, FieldPanel("search_description")]
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title")], heading="For search engines"
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading="For site menus"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("owner_team"),
                FieldPanel("owner_name"),
                FieldPanel("owner_email"),
                FieldPanel("last_reviewed_on"),
                FieldPanel("review_interval_months"),
                FieldPanel("review_due_override"),
            ],
            heading="Review",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("search_description")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Saving a draft writes only Wagtail's own fields to the live row: the review date
        # is worked out again only when what it depends on is written.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {*RECORDED_REVIEW_FIELDS, "review_interval_months"} & set(
            update_fields
        ):
            self.review_due = self.compute_review_due()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "review_due"}
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        # A review recorded after a draft was saved must survive the draft's publication.
        page = super().with_content_json(content)
        if self.last_reviewed_on and (
            page.last_reviewed_on is None or page.last_reviewed_on < self.last_reviewed_on
        ):
            for field in RECORDED_REVIEW_FIELDS:
                setattr(page, field, getattr(self, field))
        for field in REVIEW_FINDING_FIELDS:
            setattr(page, field, getattr(self, field))
        return page

    @transaction.atomic
    def record_review(self, reviewer, reviewed_on, outcome, note=""):
        """Record a review of the published page: readers see the new dates, or the flag
        (see apply_review), at once, without the page being published again."""
        review = PageReview.objects.create(
            page=self, reviewer=reviewer, reviewed_on=reviewed_on, outcome=outcome, note=note
        )
        self.save(update_fields=self.apply_review(reviewed_on, outcome), clean=False)
        return review


class PageReview(RecordedReview):
    """One review of a content page, recorded by a reviewer from Reports → Review dates.
    Reviewers see the page's earlier reviews when they record the next one."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="reviews")

    def __str__(self):
        return f"{self.page} reviewed on {self.reviewed_on:%-d %B %Y}"


class HomePage(BasePage):
    """The front page: what the partnership is, whom to call about a child, and the way in
    to each main section. Practitioners land here in a hurry, so the contact panel comes first."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_sections", heading="Featured sections", label="Featured section"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "pages.SectionPage",
        "pages.GuidancePage",
        "pages.LocalGuidancePage",
        "pages.ProceduresPage",
        "pages.WhatsNewPage",
        "pages.OtherAreasPage",
        "pages.ContinuumOfSupportPage",
    ]

    def route(self, request, path_components):
        # Wagtail's default walks down the tree with two queries per path segment. Every
        # page's address (url_path) is stored, and the addresses below the home page are
        # remembered for the content version: the page the path leads to is found without a
        # query, loaded as its own type in one, and routes whatever is left (a routable
        # page's sub-path, or nothing). A page type with a route() of its own decides what
        # lies below it, as in Wagtail's walk: routing is handed to it there.
        if not path_components:
            return super().route(request, path_components)
        addresses = remember(
            ("page-addresses", self.pk), content_version(request), self.addresses_below
        )
        match = None
        for length in range(1, len(path_components) + 1):
            found = addresses.get(f"{self.url_path}{'/'.join(path_components[:length])}/")
            if found is None:
                break
            match = (length, *found)
            if self.routes_below_itself(found[1]):
                break
        if match is None:
            raise Http404
        length, pk, content_type_id = match
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            raise Http404
        try:
            page = model._default_manager.get(pk=pk)
        except model.DoesNotExist as error:
            # Deleted or moved since the addresses were read.
            raise Http404 from error
        return page.route(request, path_components[length:])

    @staticmethod
    def routes_below_itself(content_type_id):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        return model is not None and model.route is not Page.route

    def addresses_below(self):
        """Each page below this one by its url_path: (id, content type id)."""
        return {
            url_path: (pk, content_type_id)
            for url_path, pk, content_type_id in Page.objects.descendant_of(self).values_list(
                "url_path", "pk", "content_type_id"
            )
        }

    def featured_pages(self, request):
        """The published featured pages that `request` may open, in the editor's order,
        each with its description."""
        hidden = paths_hidden_from(request)
        return [
            (featured.page, featured.description or featured.page.search_description)
            for featured in self.featured_sections.filter(page__live=True)
            .select_related("page")
            .only(
                "home_page",
                "description",
                *(f"page__{field}" for field in LINKED_PAGE_FIELDS),
                "page__search_description",
                "page__path",
            )
            if not is_hidden(featured.page, hidden)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured_pages(request)
        return context


class FeaturedSection(Orderable):
    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_sections")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    description = models.CharField(
        max_length=300, blank=True, help_text="Leave blank to use the page's summary."
    )

    panels = [PageChooserPanel("page"), FieldPanel("description")]


class SectionPage(ContentPage):
    """An index of one area of the site, e.g. "People working with children": an introduction,
    then each published child page with its summary."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = [
        "pages.SectionPage",
        "pages.GuidancePage",
        "pages.LocalGuidancePage",
        "pages.ProceduresPage",
        "pages.WhatsNewPage",
        "pages.OtherAreasPage",
        "pages.ContinuumOfSupportPage",
    ]

    def listed_pages(self, request):
        return visible_pages(self.get_children().live(), request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listed_pages"] = self.listed_pages(request)
        return context


class GuidancePage(ContentPage):
    """The standard content page: statutory guidance, local arrangements, contact routes."""

    body = StreamField(GuidanceBodyBlock(), blank=True)

    content_panels = [*ContentPage.content_panels, FieldPanel("body")]
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []

    @property
    def shows_concern_contact(self):
        """Whether practitioners come here to find whom to call: such a page puts the
        number to call now at the top of a phone's first screen."""
        return self.body.first_block_by_name("concerned_contact") is not None


class LibraryGrouping(models.TextChoices):
    BY_TYPE = "type", "Grouped by type of document"
    EDITORS_ORDER = "editors_order", "One list, in the documents' library positions"


class LocalGuidancePage(RoutablePageMixin, ContentPage):
    """The "Local protocols and guidance" library: every document in use, for practitioners
    to filter by type and audience, with an entry per document (its history, status and
    how to ask for an accessible format)."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    grouping = models.CharField(
        max_length=20, choices=LibraryGrouping.choices, default=LibraryGrouping.BY_TYPE
    )

    content_panels = [*ContentPage.content_panels, FieldPanel("intro"), FieldPanel("grouping")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []

    documents_per_page = 100
    cache_query_parameters = (*LibraryFilterForm.base_fields, "page")

    @path("")
    def library(self, request):
        form = LibraryFilterForm(request.GET)
        choices = form.valid_choices()
        documents = ProtocolDocument.objects.for_library(request, **choices)
        if not choices["sort"]:
            documents = (
                documents.in_type_order()
                if self.grouping == LibraryGrouping.BY_TYPE
                else documents.order_by("library_order", "title", "pk")
            )
        paginator = Paginator(documents, self.documents_per_page)
        documents_page = paginator.get_page(request.GET.get("page"))
        # Built here from the page's address, found once: the template tag would look it
        # up again for each document.
        for document in documents_page:
            document.entry_url = self.document_url(document, request)
        return self.render(
            request,
            context_overrides={
                "filter_form": form,
                "documents": documents_page,
                "grouped": self.grouping == LibraryGrouping.BY_TYPE and not choices["sort"],
                "filtered": any(choices.values()),
                "query_without_page": form.query_string(),
            },
        )

    @path("<int:document_id>/", name="document")
    def document_entry(self, request, document_id):
        document = get_object_or_404(
            ProtocolDocument.objects.approved().select_related("superseded_by"), pk=document_id
        )
        if not document.is_visible_to(request):
            return refuse_document(document, request)
        return self.render(
            request,
            template="pages/document_entry.html",
            context_overrides={
                "document": document,
                "file_versions": document.file_versions.all(),
                "meta_title": document.title,
                "meta_description": document.summary,
            },
        )

    def get_sitemap_urls(self, request=None):
        # Each document's entry is a page of its own for search engines and for the
        # accessibility checks that walk the sitemap.
        library_url = self.get_full_url(request)
        return [
            *super().get_sitemap_urls(request),
            *(
                {"location": f"{library_url}{document.pk}/", "lastmod": document.created_at}
                for document in ProtocolDocument.objects.visible_to(request)
                .approved()
                .in_use()
                .only("pk", "created_at")
            ),
        ]

    def document_url(self, document, request=None):
        """The address of a document's entry: its history and accessible formats."""
        return self.get_url(request) + self.reverse_subpage("document", args=[document.pk]).lstrip(
            "/"
        )

    @classmethod
    def find_for(cls, request):
        """The site's library page, which holds every document's public entry."""
        site = Site.find_for_request(request)
        pages = cls.objects.live()
        if site is not None:
            pages = pages.descendant_of(site.root_page)
        return pages.order_by("path").first()


def refuse_document(document, request):
    """What the document's file would answer `request`, from Wagtail's own checks for the
    restriction of its collection: the sign-in page, or a form for the password."""
    for check in hooks.get_hooks("before_serve_document"):
        response = check(document, request)
        if isinstance(response, HttpResponse):
            return response
    raise Http404


class WhatsNewPage(RoutablePageMixin, ContentPage):
    """Recent changes to the site's guidance and documents, with RSS and Atom feeds, so
    practitioners and partner agencies can keep up without checking every page."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []

    changes_shown = 30

    def changes(self, request):
        return recent_changes(request, LocalGuidancePage.find_for(request), self.changes_shown)

    @path("")
    def changes_page(self, request):
        return self.render(request, context_overrides={"changes": self.changes(request)})

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        return WhatsNewFeed(self, request)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        return WhatsNewAtomFeed(self, request)(request)


class ProceduresPageManager(PageManager):
    def get_queryset(self):
        # The page always links the library of local guidance: fetch it with the page.
        return super().get_queryset().select_related("local_guidance_page")


class ProceduresPage(ContentPage):
    """The gateway to the Southwest Child Protection Procedures, which the twelve
    partnerships of the South West consortium share: what they are, links into them chapter
    by chapter with this partnership's local notes and documents, the partnerships, when the
    procedures were last updated and the next update is due, and the local guidance that
    complements them. Practitioners come here in the middle of a case to find the procedure
    to follow."""

    intro = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="The consortium and the shared procedures, and how local guidance fits in.",
    )
    procedures_updated_on = models.DateField(
        "procedures last updated",
        null=True,
        blank=True,
        help_text="The date of the latest update of the shared procedures.",
    )
    next_update_due = models.DateField(
        null=True,
        blank=True,
        help_text="Readers see the month and year. The procedures are updated twice a year.",
    )
    local_guidance_page = models.ForeignKey(
        "pages.LocalGuidancePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The library of local protocols and guidance that complement the procedures.",
    )

    objects = ProceduresPageManager()

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("procedures_updated_on"), FieldPanel("next_update_due")],
            heading="Updates of the procedures",
        ),
        FieldPanel("local_guidance_page"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []

    # It shows every procedure link, so an update amending any chapter calls for a check.
    lists_every_procedure_link = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = ProcedureLink.objects.live().by_chapter(request)
        context["partnerships"] = ConsortiumPartnership.objects.live()
        return context


class OtherAreasPage(ContentPage):
    """ "Child lives in another area?": the children's social care front door of each
    partnership of the South West consortium, this partnership first, with whether each is
    open now where its hours are known. A practitioner here may work with a child who lives
    across the border; every contact panel links to this page (`other_areas_url`)."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []
    max_count = 1

    def front_doors(self, request):
        """(partnership, open-now status or None) for each published partnership. The page
        leaves the cache when the first of those statuses changes."""
        front_doors = [
            (partnership, partnership.front_door_status())
            for partnership in ConsortiumPartnership.objects.front_doors()
        ]
        changes = [status.changes_at for _, status in front_doors if status and status.changes_at]
        if changes:
            expire_cached_page_by(request, min(changes))
        return front_doors

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["front_doors"] = self.front_doors(request)
        return context

    @classmethod
    def url_for(cls, request):
        """The address of the site's page, or None: remembered for the content version,
        since every contact panel links to it."""
        site = Site.find_for_request(request)
        if site is None:
            return None
        return remember(
            ("other-areas-page", site.pk),
            content_version(request),
            lambda: cls.find_url(site),
        )

    @classmethod
    def find_url(cls, site):
        page = (
            cls.objects.live()
            .public()
            .descendant_of(site.root_page)
            .only(*LINKED_PAGE_FIELDS)
            .order_by("path")
            .first()
        )
        return page.get_url() if page else None


class ContinuumOfSupportPage(ContentPage):
    """The partnership's Continuum of Support (its levels of need) and the guide built on
    it: a practitioner worried about a child ticks the indicators they see and is told the
    level these usually point to, what to do and whom to contact now. Editors keep the
    levels and their indicators here, so a change is approved, reviewed and versioned like
    any page. The guide is a plain GET form: the answer depends only on the query string
    and the opening hours, so it is cached like any page and records nothing."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    levels = StreamField(
        [("level", ContinuumLevelBlock())],
        min_num=1,
        help_text="The levels of need, lowest first. Readers see them numbered in this order.",
    )

    # Every query parameter the page reads: the anonymous page cache keys on these alone.
    cache_query_parameters = ("indicator", "age")

    content_panels = [*ContentPage.content_panels, FieldPanel("intro"), FieldPanel("levels")]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("levels"),
    ]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []

    def continuum(self):
        return Continuum(self.levels)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        continuum = self.continuum()
        age_group = request.GET.get("age", "")
        if age_group not in AgeGroup.values:
            age_group = ""
        chosen_ids = request.GET.getlist("indicator")
        reading = continuum.read(chosen_ids)
        context.update(
            continuum=continuum,
            age_group=age_group,
            age_groups=AgeGroup.choices,
            checkboxes=continuum.checkboxes(age_group, set(chosen_ids)),
            reading=reading,
            contact_status=PartnershipSettings.for_request(request).contact_status(),
        )
        return context
