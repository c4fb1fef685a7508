"""What each outcome of Reports → Review dates → Mark as reviewed means to readers and
reviewers: found current, a document is due again an interval later; found to need
rewriting or withdrawing, it keeps its dates, is flagged on its entry and in the library,
and stays on the reviewers' list until a review finds it current again."""

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents.models import ProtocolDocument
from reviews.models import ReviewStatus
from reviews.schedule import needing_review
from tests.admin_reports import report_rows
from tests.factories import create_document

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/review-dates/"
TODAY = timezone.localdate()
LAST_REVIEWED = TODAY - datetime.timedelta(days=300)
TEAM = "Review outcomes test team"
OWNER_EMAIL = "outcomes-owner@example.org"


@pytest.fixture
def reviewer_client(client, django_user_model):
    user = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    user.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(user)
    return client


@pytest.fixture
def document():
    return create_document(
        "Outcome test protocol",
        last_reviewed_on=LAST_REVIEWED,
        owner_team=TEAM,
        owner_email=OWNER_EMAIL,
    )


def on_the_list(pages=False):
    """Ids of the documents (or pages) owners are reminded of."""
    return [item.item_id for item in needing_review() if item.is_page == pages]


def record(client, document, outcome):
    return client.post(
        reverse("review_dates:mark_document_reviewed", args=[document.pk]),
        {"reviewed_on": TODAY.isoformat(), "outcome": outcome},
        follow=True,
    )


def entry(client, library, document):
    return client.get(f"{library.url}{document.pk}/").content.decode()


def library_item(client, library, document):
    html = client.get(library.url).content.decode()
    start = html.index(f">{document.title} <span")
    return html[start : html.index("</li>", start)]


@pytest.mark.parametrize("outcome", ["no_changes", "updated"])
def test_a_document_found_current_is_due_again_an_interval_later(
    reviewer_client, client, document, outcome, library_page
):
    record(reviewer_client, document, outcome)
    document.refresh_from_db()
    assert document.last_reviewed_on == TODAY
    assert document.review_due == TODAY + relativedelta(months=document.review_interval_months)
    assert document.review_status_on() == ReviewStatus.CURRENT
    assert "Needs rewriting" not in entry(client, library_page, document)


@pytest.mark.parametrize(
    ("outcome", "status", "notice"),
    [
        ("needs_rewrite", ReviewStatus.NEEDS_REWRITE, "<strong>Needs rewriting.</strong>"),
        ("to_withdraw", ReviewStatus.TO_WITHDRAW, "<strong>To be withdrawn.</strong>"),
    ],
)
def test_a_document_found_wanting_is_flagged_and_never_reads_as_freshly_reviewed(
    reviewer_client, client, document, outcome, status, notice, library_page
):
    due_before = document.review_due
    response = record(reviewer_client, document, outcome)
    assert "stays on this list" in response.content.decode()

    document.refresh_from_db()
    assert (document.last_reviewed_on, document.review_due) == (LAST_REVIEWED, due_before)

    page = entry(client, library_page, document)
    assert notice in page
    assert f"{TODAY:%B %Y}" not in page.split("<h2>Accessible formats</h2>")[0].replace(
        f"on {TODAY.day} {TODAY:%B %Y}", ""
    )
    assert notice in library_item(client, library_page, document)

    rows = {row[0]: row[1] for row in report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))}
    assert rows[document.title] == status.label
    assert document.pk in on_the_list()
    call_command("send_review_reminders", stdout=io.StringIO())
    digests = [message.body for message in mail.outbox if message.to == [OWNER_EMAIL]]
    assert len(digests) == 1 and document.title in digests[0]
    flagged = report_rows(reviewer_client.get(REPORT_URL, {"review_status": status.value}))
    assert [row[0] for row in flagged] == [document.title]


def test_a_later_review_finding_it_current_clears_the_flag(
    reviewer_client, client, document, library_page
):
    record(reviewer_client, document, "needs_rewrite")
    record(reviewer_client, document, "updated")
    document.refresh_from_db()
    assert document.review_finding == ""
    assert document.last_reviewed_on == TODAY
    assert "Needs rewriting." not in entry(client, library_page, document)
    assert document.pk not in on_the_list()


def test_withdrawing_a_flagged_document_takes_it_off_the_list(reviewer_client, document):
    record(reviewer_client, document, "to_withdraw")
    ProtocolDocument.objects.filter(pk=document.pk).update(status="withdrawn")
    rows = {row[0]: row[1] for row in report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))}
    assert rows[document.title] == ReviewStatus.RETIRED.label


def test_a_page_found_wanting_keeps_its_dates_and_is_flagged(
    reviewer_client, client, guidance_page
):
    guidance_page.last_reviewed_on = LAST_REVIEWED
    guidance_page.save()
    due_before = guidance_page.review_due
    reviewer_client.post(
        reverse("review_dates:mark_page_reviewed", args=[guidance_page.pk]),
        {"reviewed_on": TODAY.isoformat(), "outcome": "needs_rewrite"},
    )
    guidance_page.refresh_from_db()
    assert (guidance_page.last_reviewed_on, guidance_page.review_due) == (LAST_REVIEWED, due_before)
    assert "<strong>Needs rewriting.</strong>" in client.get(guidance_page.url).content.decode()
    assert guidance_page.pk in on_the_list(pages=True)
