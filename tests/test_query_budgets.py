"""Public pages render in a bounded number of queries, however big the site grows."""

import datetime

import pytest
from django.utils import timezone

from documents.models import ProtocolDocument
from pages.models import CoursePage, CourseSession, GuidancePage, TrainingPage
from procedures.models import ConsortiumPartnership, ProcedureChapter, ProcedureLink
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/people-working-with-children/",
    "/people-working-with-children/working-together-to-safeguard-children/",
    "/people-working-with-children/contextual-safeguarding/",
    "/people-working-with-children/local-protocols-and-guidance/",
    "/people-working-with-children/southwest-child-protection-procedures/",
    "/people-working-with-children/continuum-of-support/",
    "/people-working-with-children/training-and-events/",
    "/people-working-with-children/training-and-events/?audience=1&level=multi-agency&role=2",
    "/people-working-with-children/training-and-events/calendar/",
    "/people-working-with-children/training-and-events/working-together-to-safeguard-children/",
    "/people-working-with-children/case-reviews/",
    "/people-working-with-children/case-reviews/?age=12-plus&theme=1&agency=1",
    "/people-working-with-children/case-reviews/child-safeguarding-practice-review-sam/",
    "/people-working-with-children/case-reviews/seven-minute-briefing-hidden-men/",
    "/concerned-about-a-child/",
    "/accessibility-statement/",
    "/child-lives-in-another-area/",
    "/whats-new/",
    "/whats-new/feed/atom/",
    "/people-working-with-children/local-protocols-and-guidance/3/",
    "/people-working-with-children/local-protocols-and-guidance/resolving-professional-differences/",
    "/people-working-with-children/local-protocols-and-guidance/resolving-professional-differences/"
    "versions/1/",
    "/people-working-with-children/local-protocols-and-guidance/resolving-professional-differences/"
    "compare/?from=1&to=2",
    "/search/?q=escalation",
    "/search/?q=safeguarding",
    "/alerts/",
    "/alerts/check-your-email/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_stays_within_the_query_budget(client, url):
    assert count_queries(client, url) <= QUERY_BUDGET


def test_unknown_address_stays_within_the_query_budget(client):
    assert count_queries(client, "/no-such-page/", status=404) <= QUERY_BUDGET


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/people-working-with-children/",
        "/people-working-with-children/contextual-safeguarding/",
    ],
)
def test_menu_and_listings_cost_the_same_with_more_pages(client, home, section, url):
    before = count_queries(client, url)
    for number in range(8):
        home.add_child(
            instance=GuidancePage(
                title=f"Menu page {number}", search_description="In the menu.", show_in_menus=True
            )
        )
        section.add_child(
            instance=GuidancePage(title=f"Listed page {number}", search_description="Listed.")
        )
    after = count_queries(client, url)
    assert "Menu page 7" in client.get(url).content.decode()
    assert after == before


def test_procedure_links_cost_the_same_however_many_there_are(client):
    procedures = "/people-working-with-children/southwest-child-protection-procedures/"
    guidance = "/concerned-about-a-child/"
    before = {url: count_queries(client, url) for url in (procedures, guidance)}

    chapter = ProcedureChapter.objects.create(title="Allegations against staff and volunteers")
    documents = list(ProtocolDocument.objects.in_use())
    links = []
    for number in range(25):
        link = ProcedureLink.objects.create(
            title=f"Procedure {number}",
            url=f"https://www.proceduresonline.com/swcpp/p_{number}.html",
            chapter=chapter,
        )
        link.related_documents.set(documents[: number % 4])
        link.save()
        links.append(link)
    for number in range(10):
        ConsortiumPartnership.objects.create(
            name=f"Partnership {number}", website=f"https://partnership{number}.example.org/"
        )
    page = GuidancePage.objects.get(slug="concerned-about-a-child")
    page.body.append(("procedure_links", {"heading": "More procedures", "links": links}))
    page.save_revision().publish()

    after = {url: count_queries(client, url) for url in (procedures, guidance)}
    assert "Procedure 24" in client.get(guidance).content.decode()
    html = client.get(procedures).content.decode()
    assert "Procedure 24" in html and "Partnership 9" in html
    assert after == before
    assert max(after.values()) <= QUERY_BUDGET


def test_training_costs_the_same_however_many_courses_and_sessions(client):
    training = TrainingPage.objects.get()
    audiences = list(training.audiences.all())
    role = audiences[0]
    urls = [
        training.url,
        f"{training.url}?role={role.pk}",
        f"{training.url}calendar/",
    ]
    before = {url: count_queries(client, url) for url in urls}
    starts = timezone.now() + datetime.timedelta(days=3)
    for number in range(8):
        course = CoursePage(
            title=f"Course {number}",
            search_description="A course.",
            level=role.expected_level,
            length="2 hours",
            description="<p>A course.</p>",
        )
        course.audiences = audiences[: number % 4 + 1]
        course.sessions = [
            CourseSession(
                starts_at=starts + datetime.timedelta(days=day),
                ends_at=starts + datetime.timedelta(days=day, hours=2),
                online=True,
            )
            for day in range(3)
        ]
        training.add_child(instance=course)
        course.save_revision().publish()
    after = {url: count_queries(client, url) for url in urls}
    assert "Course 7" in client.get(f"{training.url}?role={role.pk}").content.decode()
    assert after == before
