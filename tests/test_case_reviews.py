"""The case review library, its filters and the 7-minute briefings: what a practitioner
reads, only once approved, within the query budget however many reviews there are."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from learning.models import Agency, LearningTheme
from tests.editorial import logged_in
from tests.factories import (
    create_agency,
    create_briefing,
    create_case_review,
    create_case_review_library,
    create_document,
    create_learning_theme,
    document_edit_data,
)
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_section")]


@pytest.fixture
def taxonomy(db):
    return (
        create_learning_theme("Unseen adults in the home"),
        create_learning_theme("Missed appointments"),
        create_agency("Harbourside health visiting"),
        create_agency("Harbourside police"),
    )


@pytest.fixture
def library(section):
    return create_case_review_library(
        "Review library", parent=section, search_description="What reviews taught us."
    )


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def listed_titles(client, library, query=""):
    soup = BeautifulSoup(get_page(client, library.url + query), "html.parser")
    return [h2.get_text(strip=True) for h2 in soup.select(".case-review h2")]


def test_readers_filter_reviews_by_theme_age_group_and_agency(client, library, taxonomy):
    unseen_adults, missed_appointments, health, police = taxonomy
    create_case_review(
        library, "Child A", themes=[unseen_adults], agencies=[health], age_group="under-5"
    )
    create_case_review(
        library,
        "Child B",
        themes=[missed_appointments],
        agencies=[police],
        age_group="12-plus",
        published_on=datetime.date(2026, 5, 1),
    )
    create_case_review(
        library,
        "Child C",
        themes=[unseen_adults, missed_appointments],
        agencies=[health, police],
        age_group="12-plus",
    )

    assert listed_titles(client, library) == ["Child B", "Child A", "Child C"]
    assert listed_titles(client, library, f"?theme={unseen_adults.pk}") == ["Child A", "Child C"]
    assert listed_titles(client, library, "?age=12-plus") == ["Child B", "Child C"]
    assert listed_titles(client, library, f"?agency={police.pk}&age=12-plus") == [
        "Child B",
        "Child C",
    ]
    assert listed_titles(
        client, library, f"?agency={health.pk}&theme={missed_appointments.pk}"
    ) == ["Child C"]
    # A mangled link still shows the whole library.
    assert len(listed_titles(client, library, "?theme=nonsense&age=old&agency=-1")) == 3


def test_library_links_older_reviews_to_the_national_repository(client, library):
    soup = BeautifulSoup(get_page(client, library.url), "html.parser")
    link = soup.find("a", string="NSPCC national case review repository")
    assert link["href"].startswith("https://learning.nspcc.org.uk/")


def test_only_approved_themes_and_agencies_are_shown_or_offered(client, library, taxonomy):
    unseen_adults, _missed_appointments, health, _police = taxonomy
    draft_theme = LearningTheme.objects.create(name="Unapproved theme", live=False)
    draft_agency = Agency.objects.create(name="Unapproved agency", live=False)
    review = create_case_review(
        library, "Child A", themes=[unseen_adults, draft_theme], agencies=[health, draft_agency]
    )
    for html in (get_page(client, library.url), get_page(client, review.url)):
        assert unseen_adults.name in html and health.name in html
        assert "Unapproved" not in html


def test_unpublished_reviews_are_not_listed(client, library):
    create_case_review(library, "Published review")
    create_case_review(
        library,
        "Draft review",
        live=False,
        search_description="Not yet approved.",
        review_type="rapid",
        published_on=datetime.date(2026, 1, 1),
        age_group="5-11",
        summary="<p>Draft.</p>",
    )
    assert listed_titles(client, library) == ["Published review"]


def test_review_links_its_report_and_briefing(client, library):
    briefing = create_briefing(
        library, "Seeing the child", search_description="Learning from Child A."
    )
    report = create_document(title="Child A: the report")
    review = create_case_review(library, "Child A", report=report, briefing=briefing)
    soup = BeautifulSoup(get_page(client, review.url), "html.parser")
    assert soup.find("a", href=report.url)
    assert soup.find("a", href=briefing.url)
    listing = BeautifulSoup(get_page(client, library.url), "html.parser")
    assert listing.find("a", href=briefing.url)


def test_an_unpublished_briefing_is_not_linked(client, library):
    briefing = create_briefing(library, "Draft briefing", live=False, search_description="Waiting.")
    review = create_case_review(library, "Child A", briefing=briefing)
    assert "Draft briefing" not in get_page(client, library.url)
    assert "Draft briefing" not in get_page(client, review.url)


def test_briefing_shows_its_seven_parts_in_order_and_its_sources(client, library, taxonomy):
    unseen_adults = taxonomy[0]
    briefing = create_briefing(
        library,
        "Seeing the child",
        search_description="Learning from Child A.",
        themes=[unseen_adults],
    )
    create_case_review(library, "Child A", briefing=briefing)

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
    assert sources.find("a", string="Child A") and unseen_adults.name in sources.get_text()


def test_library_stays_within_the_query_budget_as_reviews_grow(client, library, taxonomy):
    unseen_adults, missed_appointments, health, police = taxonomy
    report = create_document(title="A report")
    briefing = create_briefing(library, "A briefing", search_description="Learning.")
    create_case_review(
        library,
        "First",
        themes=[unseen_adults],
        agencies=[health],
        report=report,
        briefing=briefing,
    )
    query = f"?theme={unseen_adults.pk}&agency={health.pk}"
    before = {q: count_queries(client, library.url + q) for q in ("", query)}
    for number in range(8):
        create_case_review(
            library,
            f"Review {number}",
            themes=[unseen_adults, missed_appointments],
            agencies=[health, police],
            report=report,
            briefing=briefing,
        )
    after = {q: count_queries(client, library.url + q) for q in ("", query)}
    assert after == before
    assert max(after.values()) <= QUERY_BUDGET


def test_a_private_or_withdrawn_report_is_not_linked(client, library):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    private_review = create_case_review(
        library, "Child P", report=create_document(title="Walrus report", collection=private)
    )
    withdrawn_review = create_case_review(
        library, "Child W", report=create_document(title="Walrus withdrawn", status="withdrawn")
    )
    for url in (library.url, private_review.url, withdrawn_review.url):
        html = get_page(client, url)
        assert "Walrus" not in html
        assert "/documents/" not in html


def test_a_reports_retention_date_is_set_in_the_admin_and_shown_to_readers(
    client, library, library_page
):
    report = create_document(title="Child B: the report")
    review = create_case_review(library, "Child B", report=report)
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

    assert "Kept on this site until 1 March 2029" in get_page(client, review.url)
    entry = get_page(client, library_page.document_url(report))
    assert "Kept on this site until" in entry
    assert "1 March 2029" in entry
