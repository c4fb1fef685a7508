from django.db import models
from django.db.models import Q
from django.http import Http404
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, GuidanceBodyBlock
from .forms import ContentPageForm


class BasePage(Page):
    """What every page of the site shares."""

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        # Wagtail checks restrictions on every request in two queries (ancestors, then
        # restrictions); one query does it. An alias uses its source page's restrictions.
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page__aliases__path__in=paths)
        ).distinct()


class ContentPage(BasePage):
    """Every page below the home page. Its summary is Wagtail's own meta description
    field, moved to the content tab and required: listings and search results can then
    show it without loading each page's own table."""

    base_form_class = ContentPageForm

    content_panels = [*Page.content_panels, FieldPanel("search_description")]
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title")], heading="For search engines"
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading="For site menus"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("search_description")]

    class Meta:
        abstract = True


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
    subpage_types = ["pages.SectionPage", "pages.GuidancePage"]

    def route(self, request, path_components):
        # Wagtail's default walks down the tree with two queries per path segment.
        # Every page's url_path is stored, so the deepest page on the requested path
        # is found in one query at any depth; it routes whatever is left (a routable
        # page's sub-path, or nothing).
        if not path_components:
            return super().route(request, path_components)
        candidate_paths = [
            f"{self.url_path}{'/'.join(path_components[:length])}/"
            for length in range(1, len(path_components) + 1)
        ]
        page = Page.objects.filter(url_path__in=candidate_paths).order_by("-depth").first()
        if page is None:
            raise Http404
        return page.specific.route(request, path_components[page.depth - self.depth :])

    def featured_pages(self):
        """The published featured pages in the editor's order, each with its description."""
        return [
            (featured.page, featured.description or featured.page.search_description)
            for featured in self.featured_sections.filter(page__live=True).select_related("page")
        ]


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
    subpage_types = ["pages.SectionPage", "pages.GuidancePage"]

    def listed_pages(self):
        return self.get_children().live().public()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listed_pages"] = self.listed_pages()
        return context


class GuidancePage(ContentPage):
    """The standard content page: statutory guidance, local arrangements, contact routes."""

    body = StreamField(GuidanceBodyBlock(), blank=True)

    content_panels = [*ContentPage.content_panels, FieldPanel("body")]
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]

    parent_page_types = ["pages.HomePage", "pages.SectionPage"]
    subpage_types = []
