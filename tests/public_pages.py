"""The public pages of the site, as the accessibility and privacy tests visit them."""

from urllib.parse import urlsplit

from django.urls import reverse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap

from alerts.models import Subscriber
from documents.models import ProtocolDocument
from learning.models import Agency, LearningTheme
from pages.models import (
    CaseReviewLibraryPage,
    ContinuumOfSupportPage,
    GuidancePage,
    ProtocolPage,
    SevenMinuteBriefingPage,
    TrainingPage,
)

NOT_FOUND_PATH = "/no-such-page/"

# Reachable by every visitor but not in the page tree.
OTHER_PUBLIC_PATHS = [
    "/search/",
    "/search/?q=children",
    "/search/?q=zyzzogeton",  # no results
    NOT_FOUND_PATH,
]


def public_paths():
    """Every published, public page of the default site as its sitemap lists it, then the
    search and "not found" pages.

    Read from the database, so a new page type is covered as soon as the demo content
    has one, and so is every sub-page a routable page lists in the sitemap."""
    return sitemap_paths() + paths_outside_the_sitemap()


def one_path_per_template():
    """The first page of each page type (and the first of the sub-pages a page type lists
    in the sitemap, such as a library's document entries), then the pages outside the
    sitemap: one page drawn by each template, for checks of what the templates and styles
    decide, which would take minutes over every page."""
    return sitemap_paths(one_per_template=True) + paths_outside_the_sitemap()


def sitemap_paths(one_per_template=False):
    paths = []
    templates = set()
    for page in Sitemap().items():
        for number, entry in enumerate(page.get_sitemap_urls()):
            template = (type(page), number > 0)
            if one_per_template and template in templates:
                continue
            templates.add(template)
            url = urlsplit(entry["location"])
            paths.append(f"{url.path}?{url.query}" if url.query else url.path)
    return paths


def paths_outside_the_sitemap():
    return (
        guide_answer_paths()
        + training_answer_paths()
        + report_form_paths()
        + case_review_paths()
        + protocol_version_paths()
        + alert_paths()
        + OTHER_PUBLIC_PATHS
    )


def guide_answer_paths():
    """Each Continuum of Support guide as it answers, which the sitemap does not list: an
    age group and indicators from the lowest and the highest levels, so the answer says
    they span levels."""
    paths = []
    for page in ContinuumOfSupportPage.objects.live().public().order_by("path"):
        indicators = list(page.continuum().indicators)
        if indicators:
            chosen = "".join(f"&indicator={id}" for id in (indicators[0], indicators[-1]))
            paths.append(f"{page.get_url()}?age=under-5{chosen}")
    return paths


def training_answer_paths():
    """Each training page filtered and answering "What training do I need?" for its first
    audience, which the sitemap does not list."""
    paths = []
    for page in TrainingPage.objects.live().public().order_by("path"):
        audience = page.audiences.first()
        if audience:
            paths.append(f"{page.get_url()}?role={audience.pk}&audience={audience.pk}")
            paths.append(f"{page.get_url()}?level={audience.expected_level}")
    return paths


def report_form_paths():
    """ "Report a problem" for a guidance page and for a document, and its thank-you page:
    the form is the same for every page and document, so one of each stands for them all."""
    paths = []
    page = GuidancePage.objects.live().public().order_by("path").first()
    if page is not None:
        paths += [f"/feedback/?page={page.pk}", f"/feedback/sent/?page={page.pk}"]
    document = ProtocolDocument.objects.in_use().order_by("pk").first()
    if document is not None:
        paths.append(f"/feedback/?document={document.pk}")
    return paths


def case_review_paths():
    """Each case review library filtered by its first theme and agency and an age group,
    and each 7-minute briefing's "We used this" form: the sitemap lists neither."""
    theme = LearningTheme.objects.live().first()
    agency = Agency.objects.live().first()
    paths = [
        f"{library.get_url()}?theme={theme.pk}&age=12-plus&agency={agency.pk}"
        for library in CaseReviewLibraryPage.objects.live().public().order_by("path")
        if theme and agency
    ]
    for briefing in SevenMinuteBriefingPage.objects.live().public().order_by("path"):
        paths.append(reverse("learning:we_used_this", args=[briefing.pk]))
    return paths


def protocol_version_paths():
    """Each HTML protocol's first version (superseded) and the comparison of its first and
    latest versions, which the sitemap does not list (they are not for search engines)."""
    paths = []
    for page in ProtocolPage.objects.live().public().order_by("path"):
        numbers = list(page.document.versions.values_list("number", flat=True))
        if len(numbers) > 1:
            paths += [page.version_url(min(numbers)), page.comparison_url(1, max(numbers))]
    return paths


def alert_paths():
    """The email alerts pages: subscribing (to everything, and from a page's link), and the
    pages the links in a subscriber's emails open, for a subscriber made for the purpose."""
    subscriber, _created = Subscriber.objects.get_or_create(email="page-check@example.org")
    paths = ["/alerts/", reverse("alerts:check_email")]
    page = GuidancePage.objects.live().public().order_by("path").first()
    if page is not None:
        paths.append(f"/alerts/?page={page.pk}")
    for name in ("confirm", "manage", "unsubscribe"):
        paths.append(reverse(f"alerts:{name}", args=[subscriber.token(name)]))
    return paths
