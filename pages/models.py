from operator import attrgetter

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction, Site
from wagtail.search import index

from documents.models import (
    FIRST_VERSION_NOTE,
    RETIRED_STATUSES,
    Approval,
    ProtocolDocument,
    ProtocolVersion,
)
from documents.privacy import collections_hidden_from
from documents.references import UsageCountedListing
from learning.models import Agency, LearningTheme
from procedures.models import ConsortiumPartnership, ProcedureLink
from reviews.models import PageReview, ReviewKind, ReviewSchedule
from sitewide.blocks import LINKED_PAGE_FIELDS
from sitewide.http_caching import expire_cached_page_by
from sitewide.models import PartnershipSettings
from sitewide.page_cache import content_version, remember

from .blocks import (
    RICH_TEXT_FEATURES,
    AgeGroup,
    ContinuumLevelBlock,
    GuidanceBodyBlock,
    ProtocolFootnotesBlock,
    ProtocolSectionsBlock,
)
from .continuum import Continuum
from .forms import ContentPageForm, LibraryFilterForm, ProtocolPageForm, VersionComparisonForm
from .privacy import is_hidden, paths_hidden_from, restricted_paths, visible_pages
from .protocol_pdf import publish_pdf
from .protocol_text import compare_sections, compare_text, with_footnote_links
from .training_calendar import calendar_response
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

    # The editor's choice for one publication (alerts.receivers reads it from the published
    # revision); the page form starts unticked and empty again once it is published.
    alert_subscribers = models.BooleanField(
        "Email subscribers about this change",
        default=False,
        help_text="For a change practitioners need to know about, not for small corrections.",
    )
    change_note = models.TextField(
        "What changed",
        blank=True,
        help_text="The email subscribers get: say what changed and what it means for them.",
    )

    base_form_class = ContentPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("search_description"),
        MultiFieldPanel(
            [FieldPanel("alert_subscribers"), FieldPanel("change_note")], heading="Email alerts"
        ),
    ]
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

    review_kind = ReviewKind.PAGE

    class Meta:
        abstract = True

    @classmethod
    def scheduled_for_review(cls):
        # Only published pages: a draft or unpublished page is not read by practitioners.
        return cls.objects.live()

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
        "pages.TrainingPage",
        "pages.CaseReviewLibraryPage",
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
        "pages.TrainingPage",
        "pages.CaseReviewLibraryPage",
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
    subpage_types = ["pages.ProtocolPage"]

    listed_documents = UsageCountedListing(
        ProtocolDocument,
        blank=True,
        editable=False,
        related_name="listed_by_libraries",
        verbose_name="library listing",
        help_text="The documents the library lists, kept so that they count as used.",
    )

    documents_per_page = 100
    cache_query_parameters = (*LibraryFilterForm.base_fields, "page")

    @classmethod
    def list_documents_when_created(cls, sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            instance.listed_documents.set(ProtocolDocument.objects.approved().in_use())

    @classmethod
    def update_listing_of(cls, document):
        """List `document` in every library page if it is approved and in use, else in
        none, so that "Used N times" counts the library. Only a change reaches the
        reference index."""
        listed = document.is_approved and not document.is_retired
        for library in cls.objects.all():
            if listed:
                library.listed_documents.add(document)
            else:
                library.listed_documents.remove(document)

    @path("")
    def library(self, request):
        """The documents are read only when the template's cached fragment of the list
        (kept per content version, filters, page number, day, and set of document
        collections the request may not see) has to be drawn again: drawing a hundred
        documents' entries is most of an uncached library page's time."""
        form = LibraryFilterForm(request.GET)
        choices = form.valid_choices()
        # Read here, as the fragment's key: whatever int() refuses (letters, "²", a number
        # of thousands of digits) is the first page, as Django's paginator has it.
        try:
            page_number = int(request.GET.get("page", 1))
        except ValueError:
            page_number = 1
        return self.render(
            request,
            context_overrides={
                "filter_form": form,
                "documents": SimpleLazyObject(
                    lambda: self.documents_page(request, choices, page_number)
                ),
                "listing": (*choices.values(), page_number),
                "hidden_collections": sorted(collections_hidden_from(request)),
                # A document's review falls overdue as the date moves, not the content.
                "today": timezone.localdate(),
                "grouped": self.grouping == LibraryGrouping.BY_TYPE and not choices["sort"],
                "filtered": any(choices.values()),
                "query_without_page": form.query_string(),
            },
        )

    def documents_page(self, request, choices, page_number):
        """Page `page_number` of the documents the library lists to `request` with the
        filters `choices`, each with its `entry_url`."""
        documents = ProtocolDocument.objects.for_library(request, **choices)
        if not choices["sort"]:
            documents = (
                documents.in_type_order()
                if self.grouping == LibraryGrouping.BY_TYPE
                else documents.order_by("library_order", "title", "pk")
            )
        documents_page = Paginator(documents, self.documents_per_page).get_page(page_number)
        # Built here from the page's address, found once: the template tag would look it
        # up again for each document.
        for document in documents_page:
            document.entry_url = self.document_url(document, request)
        return documents_page

    @path("<int:document_id>/", name="document")
    def document_entry(self, request, document_id):
        document = get_object_or_404(
            ProtocolDocument.objects.approved().select_related("superseded_by"), pk=document_id
        )
        if not document.is_visible_to(request):
            return refuse_document(document, request)
        # A document published as an HTML protocol is read there: older links follow it.
        protocol = ProtocolPage.objects.live().filter(document=document).first()
        if protocol is not None:
            return HttpResponsePermanentRedirect(protocol.get_url(request))
        return self.render(
            request,
            template="pages/document_entry.html",
            context_overrides={
                "document": document,
                "file_versions": document.file_versions.all(),
                "versions": self.versions_of(document, request),
                "meta_title": document.title,
                "meta_description": document.summary,
            },
        )

    def versions_of(self, document, request):
        """The versions of a document without an HTML page (all files), each with its
        `url`."""
        versions = list(document.versions.all())
        for version in versions:
            version.url = self.document_version_url(document, version.number, request)
        return versions

    def public_version(self, request, document_id, number):
        """Version `number` of a document the public may see, or "not found"."""
        version = get_object_or_404(
            ProtocolVersion.objects.filter(
                document__approval=Approval.APPROVED, document_id=document_id
            ).select_related("document", "file_version"),
            number=number,
        )
        if not version.document.is_visible_to(request):
            raise Http404
        return version

    @path("<int:document_id>/versions/<int:number>/", name="document_version")
    def document_version(self, request, document_id, number):
        """An earlier version of a document's file, marked as superseded (the current one
        leads to the document itself)."""
        version = self.public_version(request, document_id, number)
        if version.is_html:
            return redirect(version.get_absolute_url())
        if version.file_version is None:
            return redirect(self.document_url(version.document, request))
        return self.render(
            request,
            template="pages/document_version.html",
            context_overrides={
                "document": version.document,
                "version": version,
                "meta_title": f"Version {version.number} of {version.document.title}",
            },
        )

    @path("<int:document_id>/versions/<int:number>/file/", name="document_version_file")
    def document_version_file(self, request, document_id, number):
        version = self.public_version(request, document_id, number)
        if version.file_version is None:
            raise Http404
        kept = version.file_version
        return FileResponse(kept.file.open("rb"), as_attachment=True, filename=kept.filename)

    def document_version_url(self, document, number, request=None):
        return self.get_url(request) + self.reverse_subpage(
            "document_version", args=[document.pk, number]
        ).lstrip("/")

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
                # An HTML protocol's entry leads to its page, which is listed itself.
                .exclude(protocol_page__live=True)
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
        """The site's library page, which holds every document's public entry, for its
        address: search results, "What's new" and retired documents link to entries in it.
        Remembered for the content version (callers only read it), as finding it is a
        tenth of the search page's cost."""
        site = Site.find_for_request(request)
        return remember(
            ("library-page", site.pk if site else None),
            content_version(request),
            lambda: cls.first_in(site),
        )

    @classmethod
    def first_in(cls, site):
        pages = cls.objects.live().defer_streamfields()
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


class ProtocolPageManager(PageManager):
    def get_queryset(self):
        # The page always shows its register entry's details: fetch it with the page.
        return super().get_queryset().select_related("document")


class ProtocolPage(RoutablePageMixin, BasePage):
    """A protocol or guidance document published as a web page, as GOV.UK publishes HTML
    documents: numbered sections with a contents list, footnotes, and a PDF made from the
    same content on each publication. It is the HTML of one `ProtocolDocument` of the
    library (its register entry: type, owner, audience, review dates), which keeps its
    address and its history. Each publication adds a numbered public version, with what
    changed; practitioners open earlier versions and compare any two.

    Its review dates are the document's, so it is not a ContentPage with dates of its own.
    """

    document = models.OneToOneField(
        ProtocolDocument,
        on_delete=models.PROTECT,
        related_name="protocol_page",
        help_text=(
            "The library's document this page publishes: a new one, or an uploaded one to "
            "turn into a web page (it keeps its address, history and review dates; its file "
            "becomes the PDF of this page)."
        ),
    )
    sections = StreamField(ProtocolSectionsBlock())
    footnotes = StreamField(ProtocolFootnotesBlock(), blank=True)
    change_note = models.CharField(
        "what changed",
        max_length=500,
        blank=True,
        help_text=(
            "Readers see this beside the new version, and subscribers are emailed it. "
            "Needed to publish a change."
        ),
    )
    alert_subscribers = models.BooleanField(
        "email subscribers about this change",
        default=True,
        help_text="Untick for a correction that changes nothing practitioners do.",
    )

    base_form_class = ProtocolPageForm
    objects = ProtocolPageManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("search_description"),
        FieldPanel("document"),
        FieldPanel("sections"),
        FieldPanel("footnotes"),
        MultiFieldPanel(
            [FieldPanel("change_note"), FieldPanel("alert_subscribers")],
            heading="This publication",
        ),
    ]
    promote_panels = ContentPage.promote_panels
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_description"),
        index.SearchField("sections"),
    ]

    parent_page_types = ["pages.LocalGuidancePage"]
    subpage_types = []

    @classmethod
    def record_publication(cls, sender, instance, revision, **kwargs):
        """`page_published`: the publication is the protocol's next public version, and
        its PDF is made from what was approved."""
        page = instance
        document = page.document
        note = page.change_note.strip()
        if not note:
            note = "Updated." if document.versions.exists() else FIRST_VERSION_NOTE
        version = ProtocolVersion.objects.publish(
            document, note, page.alert_subscribers, revision=revision
        )
        publish_pdf(page, version)

    def numbered_sections(self):
        """(number, section, body with its footnote references linked) of each section."""
        count = len(self.footnotes)
        return [
            (number, block, with_footnote_links(block.value["body"], count))
            for number, block in enumerate(self.sections, start=1)
        ]

    def version_url(self, number, request=None):
        return self.get_url(request) + self.reverse_subpage("version", args=[number]).lstrip("/")

    def comparison_url(self, earlier, later, request=None):
        return (
            self.get_url(request)
            + self.reverse_subpage("compare").lstrip("/")
            + f"?from={earlier}&to={later}"
        )

    def public_versions(self, request=None):
        """The document's versions, newest first, each with its `url`: in two queries, or
        three when some are files (their pages are in the library)."""
        versions = list(self.document.versions.select_related("revision"))
        library = None
        if any(not version.is_html for version in versions):
            library = LocalGuidancePage.objects.parent_of(self).first()
        for version in versions:
            if version.is_html:
                version.url = self.version_url(version.number, request)
            elif library is not None:
                version.url = library.document_version_url(self.document, version.number, request)
        return versions

    @path("")
    def current(self, request):
        return self.render(
            request,
            context_overrides={
                "protocol": self,
                "document": self.document,
                "versions": self.public_versions(request),
            },
        )

    @path("versions/<int:number>/", name="version")
    def version(self, request, number):
        """An earlier version, as it was published and marked as superseded."""
        versions = self.public_versions(request)
        version = next((version for version in versions if version.number == number), None)
        if version is None:
            raise Http404
        if version is versions[0]:
            return redirect(self.get_url(request))
        if not version.is_html:
            return redirect(version.get_absolute_url())
        earlier = self.content_of(version)
        return self.render(
            request,
            template="pages/protocol_version.html",
            context_overrides={
                "protocol": earlier,
                "document": self.document,
                "version": version,
                "versions": versions,
                "meta_title": f"Version {version.number} of {earlier.title}",
            },
        )

    # What readers read of a version: its text, not its place in the tree or its settings.
    text_fields = ("title", "search_description", "sections", "footnotes")

    @classmethod
    def content_of(cls, version):
        """The text of the protocol as it was published as `version`, to read (never to
        save): built from its revision's content alone, so it costs no query."""
        content = version.revision.content
        return cls(**{name: content.get(name) for name in cls.text_fields})

    @path("compare/", name="compare")
    def compare(self, request):
        """Two HTML versions side by side in the text: what was added and removed, section
        by section."""
        versions = [version for version in self.public_versions(request) if version.is_html]
        form = VersionComparisonForm(request.GET or None, versions=versions)
        context = {"document": self.document, "form": form, "versions": versions}
        if form.is_valid():
            earlier, later = form.chosen()
            earlier_page, later_page = self.content_of(earlier), self.content_of(later)
            context.update(
                earlier=earlier,
                later=later,
                title=compare_text(earlier_page.title, later_page.title),
                sections=compare_sections(earlier_page, later_page),
            )
        return self.render(
            request, template="pages/protocol_comparison.html", context_overrides=context
        )


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
        """The chapters are read only when the template's cached fragment of them (kept
        per content version and per set of document collections the request may not see)
        has to be drawn again: with every link and its documents, drawing them is most of
        an uncached page's time."""
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = SimpleLazyObject(
            lambda: ProcedureLink.objects.live().by_chapter(request)
        )
        context["partnerships"] = ConsortiumPartnership.objects.live()
        context["hidden_collections"] = sorted(collections_hidden_from(request))
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


def list_saved_document_in_the_libraries(sender, instance, raw=False, **kwargs):
    if not raw:
        LocalGuidancePage.update_listing_of(instance)


class CourseLevel(models.TextChoices):
    """How far a course goes: single-agency or multi-agency, or for health staff the
    intercollegiate levels (Safeguarding children and young people: roles and
    competencies for healthcare staff)."""

    SINGLE_AGENCY = "single-agency", "Single-agency"
    MULTI_AGENCY = "multi-agency", "Multi-agency"
    LEVEL_1 = "level-1", "Intercollegiate level 1"
    LEVEL_2 = "level-2", "Intercollegiate level 2"
    LEVEL_3 = "level-3", "Intercollegiate level 3"
    LEVEL_4 = "level-4", "Intercollegiate level 4"


class TrainingPage(RoutablePageMixin, ContentPage):
    """The partnership's training and events: every course's coming sessions, which
    practitioners filter by audience and level, "What training do I need?" for their
    role or sector, and an iCalendar feed of the sessions. Editors keep the audiences and
    the level each is expected to reach here, and the courses as pages below it, so every
    change is approved like any page."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    booking_system = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            'The booking system courses are booked through, if not this site, e.g. "the '
            "council's learning portal\". Readers are told they leave the site to book."
        ),
    )

    # Every query parameter the page reads: the anonymous page cache keys on these alone.
    cache_query_parameters = ("audience", "level", "role")

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("booking_system"),
        InlinePanel("audiences", heading="Audiences and the training they need", min_num=1),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = ["pages.CoursePage"]
    max_count = 1

    def upcoming_sessions(self, request):
        """The sessions of this page's published, public courses that have not started,
        soonest first. The page leaves the cache when the first of them starts."""
        sessions = CourseSession.objects.upcoming().filter(
            course__in=visible_pages(CoursePage.objects.live().public().child_of(self), request)
        )
        first_start = sessions.values_list("starts_at", flat=True).first()
        if first_start:
            expire_cached_page_by(request, first_start)
        return sessions.select_related("course").prefetch_related("course__audiences")

    @path("")
    def training(self, request):
        audiences = list(self.audiences.all())
        audience = chosen(audiences, request.GET.get("audience"))
        role = chosen(audiences, request.GET.get("role"))
        level = request.GET.get("level", "")
        if level not in CourseLevel.values:
            level = ""
        sessions = self.upcoming_sessions(request)
        if audience:
            sessions = sessions.filter(course__audiences=audience)
        if level:
            sessions = sessions.filter(course__level=level)
        needed = None
        if role:
            needed = (
                visible_pages(CoursePage.objects.live().public().child_of(self), request)
                .filter(audiences=role, level=role.expected_level)
                .order_by("title")
            )
        return self.render(
            request,
            context_overrides={
                "audiences": audiences,
                "levels": CourseLevel.choices,
                "audience": audience,
                "level": level,
                "role": role,
                "needed_courses": needed,
                "sessions": sessions,
                "filtered": bool(audience or level),
            },
        )

    @path("calendar/", name="calendar")
    def calendar(self, request):
        return calendar_response(
            self.upcoming_sessions(request), request, f"{self.slug}.ics", self.title
        )


def chosen(audiences, audience_id):
    """The audience of `audiences` whose id the query string gives, or None."""
    return next((audience for audience in audiences if str(audience.pk) == audience_id), None)


class TrainingAudience(Orderable):
    """A role or sector practitioners pick on the training page, and the level of
    training it is expected to reach: "What training do I need?" shows the courses at
    that level for it."""

    page = ParentalKey(TrainingPage, on_delete=models.CASCADE, related_name="audiences")
    name = models.CharField(max_length=100, help_text='A role or sector, e.g. "GP practice staff".')
    expected_level = models.CharField(
        max_length=20,
        choices=CourseLevel.choices,
        help_text="The level of safeguarding training this role or sector is expected to have.",
    )

    panels = [FieldPanel("name"), FieldPanel("expected_level")]

    def __str__(self):
        return self.name


class CoursePage(RoutablePageMixin, ContentPage):
    """A course or event of the partnership's training, with its sessions. Practitioners
    find it on the training page while a session is to come; its page stays when the
    sessions are past."""

    level = models.CharField(max_length=20, choices=CourseLevel.choices)
    audiences = ParentalManyToManyField(
        TrainingAudience,
        blank=True,
        related_name="courses",
        help_text="Whom the course is for. Audiences are kept on the training page.",
    )
    length = models.CharField(
        max_length=100, help_text='How long the course takes, e.g. "Half a day (3 hours)".'
    )
    description = RichTextField(features=RICH_TEXT_FEATURES)
    booking_url = models.URLField(
        "booking link",
        blank=True,
        help_text="Where practitioners book a place. Leave empty if they cannot book yet.",
    )

    content_panels = [
        *ContentPage.content_panels,
        FieldPanel("level"),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("length"),
        FieldPanel("description"),
        FieldPanel("booking_url"),
        InlinePanel("sessions", heading="Sessions"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("description")]

    parent_page_types = ["pages.TrainingPage"]
    subpage_types = []

    @path("")
    def course(self, request):
        # From the page's own sessions, not a query: a preview shows the unsaved ones.
        now = timezone.now()
        sessions = sorted(
            (session for session in self.sessions.all() if session.starts_at > now),
            key=attrgetter("starts_at"),
        )
        if sessions:
            expire_cached_page_by(request, sessions[0].starts_at)
        return self.render(
            request,
            context_overrides={
                "sessions": sessions,
                "booking_system": TrainingPage.objects.ancestor_of(self)
                .values_list("booking_system", flat=True)
                .first(),
            },
        )

    @path("sessions/<int:session_id>/calendar/", name="session_calendar")
    def session_calendar(self, request, session_id):
        sessions = self.sessions.filter(pk=session_id).select_related("course")
        if not sessions:
            raise Http404
        return calendar_response(sessions, request, f"{self.slug}-{session_id}.ics", self.title)


class CourseSessionQuerySet(models.QuerySet):
    def upcoming(self):
        """Sessions that have not started: a started session drops out of listings."""
        return self.filter(starts_at__gt=timezone.now()).order_by("starts_at", "pk")


class CourseSession(Orderable):
    """One date of a course: when and where it runs, and how many places it has."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(
        max_length=255, blank=True, help_text="The address, or leave empty for an online session."
    )
    online = models.BooleanField(
        default=False, help_text="Held online: the booking confirmation gives the joining link."
    )
    capacity = models.PositiveIntegerField(
        "places", null=True, blank=True, help_text="How many can attend, where known."
    )

    objects = CourseSessionQuerySet.as_manager()

    panels = [
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("venue"),
        FieldPanel("online"),
        FieldPanel("capacity"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["starts_at", "pk"]

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "A session must end after it starts."
        if not self.venue and not self.online:
            errors["venue"] = "Give the venue, or tick Online."
        if errors:
            raise ValidationError(errors)

    @property
    def where(self):
        if self.online and self.venue:
            return f"{self.venue}, or online"
        return "Online" if self.online else self.venue


class CaseReviewType(models.TextChoices):
    CSPR = "cspr", "Child Safeguarding Practice Review"
    RAPID = "rapid", "Rapid review"
    LOCAL = "local", "Other local review"


NSPCC_REPOSITORY_URL = "https://learning.nspcc.org.uk/case-reviews/national-case-review-repository"


class CaseReviewLibraryPage(ContentPage):
    """The partnership's case reviews, newest first, for practitioners to filter by theme,
    the child's age group and the agencies involved. Each review (CaseReviewPage) and each
    7-minute briefing is a page below it, so both go through the page approval workflow.
    The filters are a plain GET form: the page is cached like any other."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    # Every query parameter the page reads: the anonymous page cache keys on these alone.
    cache_query_parameters = ("theme", "age", "agency")

    content_panels = [*ContentPage.content_panels, FieldPanel("intro")]
    search_fields = [*ContentPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = ["pages.CaseReviewPage", "pages.SevenMinuteBriefingPage"]

    def reviews(self, request, theme_id=None, age_group="", agency_id=None):
        """The published reviews below this page that `request` may open, newest first,
        with their approved themes and agencies, report and briefing in a fixed number of
        queries."""
        reviews = visible_pages(CaseReviewPage.objects.child_of(self).live(), request)
        if theme_id:
            reviews = reviews.filter(themes=theme_id)
        if age_group:
            reviews = reviews.filter(age_group=age_group)
        if agency_id:
            reviews = reviews.filter(agencies=agency_id)
        return (
            reviews.select_related("report", "briefing")
            .prefetch_related(
                Prefetch("themes", queryset=LearningTheme.objects.live()),
                Prefetch("agencies", queryset=Agency.objects.live()),
            )
            .order_by("-published_on", "path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        themes = list(LearningTheme.objects.live())
        agencies = list(Agency.objects.live())
        # A value that is not one of the choices is ignored, not refused: a mangled link
        # still shows the library.
        theme = next((t for t in themes if str(t.pk) == request.GET.get("theme")), None)
        agency = next((a for a in agencies if str(a.pk) == request.GET.get("agency")), None)
        age_group = request.GET.get("age", "")
        if age_group not in AgeGroup.values:
            age_group = ""
        reviews = list(
            self.reviews(
                request,
                theme_id=theme and theme.pk,
                age_group=age_group,
                agency_id=agency and agency.pk,
            )
        )
        hidden_paths = paths_hidden_from(request)
        hidden_collections = collections_hidden_from(request)
        for review in reviews:
            review.shown_report = review.report_shown_to(hidden_collections)
            review.shown_briefing = review.briefing_shown_to(hidden_paths)
        context.update(
            reviews=reviews,
            themes=themes,
            agencies=agencies,
            age_groups=AgeGroup.choices,
            chosen_theme=theme,
            chosen_agency=agency,
            chosen_age_group=age_group,
            filtered=bool(theme or agency or age_group),
            repository_url=NSPCC_REPOSITORY_URL,
        )
        return context


class CaseReviewPage(ContentPage):
    """One case review the partnership published: a Child Safeguarding Practice Review, a
    rapid review or another local review, with its report (a protocol document, with its
    own review dates) and the 7-minute briefing that carries its learning."""

    review_type = models.CharField("type of review", max_length=10, choices=CaseReviewType.choices)
    published_on = models.DateField("published on")
    age_group = models.CharField("the child's age group", max_length=10, choices=AgeGroup.choices)
    themes = ParentalManyToManyField(LearningTheme, related_name="case_reviews", blank=True)
    agencies = ParentalManyToManyField(
        Agency, related_name="case_reviews", blank=True, verbose_name="agencies involved"
    )
    summary = RichTextField(features=RICH_TEXT_FEATURES)
    report = models.ForeignKey(
        ProtocolDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published report, from the documents library.",
    )
    briefing = models.ForeignKey(
        "pages.SevenMinuteBriefingPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_reviews",
        help_text="The 7-minute briefing on this review's learning.",
    )

    content_panels = [
        *ContentPage.content_panels,
        MultiFieldPanel(
            [FieldPanel("review_type"), FieldPanel("published_on"), FieldPanel("age_group")],
            heading="The review",
        ),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("agencies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("summary"),
        FieldPanel("report"),
        PageChooserPanel("briefing", "pages.SevenMinuteBriefingPage"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("summary")]

    parent_page_types = ["pages.CaseReviewLibraryPage"]
    subpage_types = []

    def report_shown_to(self, hidden_collections):
        """The report, unless it is retired or in a collection hidden from the reader."""
        report = self.report
        if report is None or report.collection_id in hidden_collections:
            return None
        return None if report.status in RETIRED_STATUSES else report

    def briefing_shown_to(self, hidden_paths):
        briefing = self.briefing
        if briefing is None or not briefing.live or is_hidden(briefing, hidden_paths):
            return None
        return briefing

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            shown_themes=self.themes.live(),
            shown_agencies=self.agencies.live(),
            shown_report=self.report_shown_to(collections_hidden_from(request)),
            shown_briefing=self.briefing_shown_to(paths_hidden_from(request)),
        )
        return context


class SevenMinuteBriefingPage(ContentPage):
    """A 7-minute briefing: the learning of one or more case reviews in the seven parts
    practitioners know, short enough to discuss at a team meeting and printed on one sheet.
    Teams that discussed it say so on its "We used this" form (learning.views)."""

    background = RichTextField(features=RICH_TEXT_FEATURES)
    why_it_matters = RichTextField("why it matters", features=RICH_TEXT_FEATURES)
    information = RichTextField(features=RICH_TEXT_FEATURES)
    research = RichTextField(features=RICH_TEXT_FEATURES)
    what_to_do = RichTextField("what you should do", features=RICH_TEXT_FEATURES)
    reflection_questions = RichTextField("questions for reflection", features=RICH_TEXT_FEATURES)
    further_reading = RichTextField("further reading", features=RICH_TEXT_FEATURES)
    themes = ParentalManyToManyField(LearningTheme, related_name="briefings", blank=True)

    PARTS = (
        "background",
        "why_it_matters",
        "information",
        "research",
        "what_to_do",
        "reflection_questions",
        "further_reading",
    )

    content_panels = [
        *ContentPage.content_panels,
        *(FieldPanel(part) for part in PARTS),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [*ContentPage.search_fields, *(index.SearchField(part) for part in PARTS)]

    parent_page_types = ["pages.CaseReviewLibraryPage"]
    subpage_types = []

    def parts(self):
        """The seven parts in order, as (number, heading, text)."""
        return [
            (number, self._meta.get_field(part).verbose_name.capitalize(), getattr(self, part))
            for number, part in enumerate(self.PARTS, start=1)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            source_reviews=visible_pages(
                CaseReviewPage.objects.live().filter(briefing=self).order_by("-published_on"),
                request,
            ),
            shown_themes=self.themes.live(),
        )
        return context
