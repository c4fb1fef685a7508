"""The case review library, its filters and the 7-minute briefings: what a practitioner
reads, only once approved, within the query budget however many reviews there are."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from learning.models import Agency, LearningTheme
from pages.models import (
    CaseReviewLibraryPage,
    CaseReviewPage,
    LocalGuidancePage,
    SevenMinuteBriefingPage,
)
from tests.editorial import logged_in
from tests.factories import create_document, document_edit_data
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

LIBRARY = "/people-working-with-children/review-library/"


def briefing_parts(**changes):
    parts = {
        part: f"<p>The {part.replace('_', ' ')} part.</p>" for part in SevenMinuteBriefingPage.PARTS
    }
    return {**parts, **changes}


@pytest.fixture
def taxonomy():
    # The demo content has these already.
    neglect, _ = LearningTheme.objects.get_or_create(name="Neglect")
    curiosity, _ = LearningTheme.objects.get_or_create(name="Professional curiosity")
    health, _ = Agency.objects.get_or_create(name="Health")
    police, _ = Agency.objects.get_or_create(name="Police")
    return neglect, curiosity, health, police


@pytest.fixture
def library(section):
    library = CaseReviewLibraryPage(
        title="Review library", slug="review-library", search_description="What reviews taught us."
    )
    section.add_child(instance=library)
    return library


def add_review(library, title, themes=(), agencies=(), **fields):
    review = CaseReviewPage(
        title=title,
        search_description=f"Summary of {title}.",
        review_type=fields.pop("review_type", "cspr"),
        published_on=fields.pop("published_on", datetime.date(2026, 3, 1)),
        age_group=fields.pop("age_group", "under-5"),
        summary="<p>What happened and what we learned.</p>",
        **fields,
    )
    library.add_child(instance=review)
    review.themes.set(themes)
    review.agencies.set(agencies)
    review.save_revision().publish()
    return review


def listed_titles(client, query=""):
    response = client.get(LIBRARY + query)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h2.get_text(strip=True) for h2 in soup.select(".case-review h2")]


def test_readers_filter_reviews_by_theme_age_group_and_agency(client, library, taxonomy):
    neglect, curiosity, health, police = taxonomy
    add_review(library, "Child A", [neglect], [health], age_group="under-5")
    add_review(
        library,
        "Child B",
        [curiosity],
        [police],
        age_group="12-plus",
        published_on=datetime.date(2026, 5, 1),
    )
    add_review(library, "Child C", [neglect, curiosity], [health, police], age_group="12-plus")

    assert listed_titles(client) == ["Child B", "Child A", "Child C"]
    assert listed_titles(client, f"?theme={neglect.pk}") == ["Child A", "Child C"]
    assert listed_titles(client, "?age=12-plus") == ["Child B", "Child C"]
    assert listed_titles(client, f"?agency={police.pk}&age=12-plus") == ["Child B", "Child C"]
    assert listed_titles(client, f"?agency={health.pk}&theme={curiosity.pk}") == ["Child C"]
    # A mangled link still shows the whole library.
    assert len(listed_titles(client, "?theme=nonsense&age=old&agency=-1")) == 3


def test_library_links_older_reviews_to_the_national_repository(client, library):
    soup = BeautifulSoup(client.get(LIBRARY).content, "html.parser")
    link = soup.find("a", string="NSPCC national case review repository")
    assert link["href"].startswith("https://learning.nspcc.org.uk/")


def test_only_approved_themes_and_agencies_are_shown_or_offered(client, library, taxonomy):
    neglect, _curiosity, health, _police = taxonomy
    draft_theme = LearningTheme.objects.create(name="Unapproved theme", live=False)
    draft_agency = Agency.objects.create(name="Unapproved agency", live=False)
    add_review(library, "Child A", [neglect, draft_theme], [health, draft_agency])
    page = client.get(LIBRARY).content.decode()
    review = client.get(LIBRARY + "child-a/").content.decode()
    for html in (page, review):
        assert "Neglect" in html and "Health" in html
        assert "Unapproved" not in html


def test_unpublished_reviews_are_not_listed(client, library):
    add_review(library, "Published review")
    draft = CaseReviewPage(
        title="Draft review",
        search_description="Not yet approved.",
        review_type="rapid",
        published_on=datetime.date(2026, 1, 1),
        age_group="5-11",
        summary="<p>Draft.</p>",
        live=False,
    )
    library.add_child(instance=draft)
    assert listed_titles(client) == ["Published review"]


def test_review_links_its_report_and_briefing(client, library):
    briefing = SevenMinuteBriefingPage(
        title="Seeing the child", search_description="Learning from Child A.", **briefing_parts()
    )
    library.add_child(instance=briefing)
    report = create_document(title="Child A: the report")
    add_review(library, "Child A", report=report, briefing=briefing)
    soup = BeautifulSoup(client.get(LIBRARY + "child-a/").content, "html.parser")
    assert soup.find("a", href=report.url)
    assert soup.find("a", href=briefing.url)
    listing = BeautifulSoup(client.get(LIBRARY).content, "html.parser")
    assert listing.find("a", href=briefing.url)


def test_an_unpublished_briefing_is_not_linked(client, library):
    briefing = SevenMinuteBriefingPage(
        title="Draft briefing", search_description="Waiting.", live=False, **briefing_parts()
    )
    library.add_child(instance=briefing)
    add_review(library, "Child A", briefing=briefing)
    assert "Draft briefing" not in client.get(LIBRARY).content.decode()
    assert "Draft briefing" not in client.get(LIBRARY + "child-a/").content.decode()


def test_briefing_shows_its_seven_parts_in_order_and_its_sources(client, library, taxonomy):
    neglect = taxonomy[0]
    briefing = SevenMinuteBriefingPage(
        title="Seeing the child", search_description="Learning from Child A.", **briefing_parts()
    )
    library.add_child(instance=briefing)
    briefing.themes.set([neglect])
    briefing.save_revision().publish()
    add_review(library, "Child A", briefing=briefing)

    response = client.get(briefing.url)
    assert "Set-Cookie" not in response.headers
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [h2.get_text(" ", strip=True) for h2 in soup.select(".briefing__part h2")]
    assert headings == [
        "1 Background",
        "2 Why it matters",
        "3 Information",
        "4 Research",
        "5 What you should do",
        "6 Questions for reflection",
        "7 Further reading",
    ]
    sources = soup.select_one(".briefing__sources")
    assert sources.find("a", string="Child A") and "Neglect" in sources.get_text()


def test_library_stays_within_the_query_budget_as_reviews_grow(client, library, taxonomy):
    neglect, curiosity, health, police = taxonomy
    report = create_document(title="A report")
    briefing = SevenMinuteBriefingPage(
        title="A briefing", search_description="Learning.", **briefing_parts()
    )
    library.add_child(instance=briefing)
    add_review(library, "First", [neglect], [health], report=report, briefing=briefing)
    query = f"?theme={neglect.pk}&agency={health.pk}"
    before = {q: count_queries(client, LIBRARY + q) for q in ("", query)}
    for number in range(8):
        add_review(
            library,
            f"Review {number}",
            [neglect, curiosity],
            [health, police],
            report=report,
            briefing=briefing,
        )
    after = {q: count_queries(client, LIBRARY + q) for q in ("", query)}
    assert after == before
    assert max(after.values()) <= QUERY_BUDGET


def test_a_private_or_withdrawn_report_is_not_linked(client, library):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    add_review(
        library, "Child P", report=create_document(title="Walrus report", collection=private)
    )
    add_review(
        library, "Child W", report=create_document(title="Walrus withdrawn", status="withdrawn")
    )
    for path in (LIBRARY, LIBRARY + "child-p/", LIBRARY + "child-w/"):
        html = client.get(path).content.decode()
        assert "Walrus" not in html
        assert "/documents/" not in html


def test_a_reports_retention_date_is_set_in_the_admin_and_shown_to_readers(client, library):
    report = create_document(title="Child B: the report")
    add_review(library, "Child B", report=report)
    administrator = logged_in(
        get_user_model().objects.create_superuser("retention", "r@example.org", "pw")
    )
    response = administrator.post(
        reverse("wagtaildocs:edit", args=[report.pk]),
        document_edit_data(report, retain_until="2029-03-01"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.retain_until == datetime.date(2029, 3, 1)

    review_page = client.get(LIBRARY + "child-b/").content.decode()
    assert "Kept on this site until 1 March 2029" in review_page
    entry_url = LocalGuidancePage.objects.get().document_url(report)
    entry = client.get(entry_url).content.decode()
    assert "Kept on this site until" in entry
    assert "1 March 2029" in entry
