"""The reviewers' dashboard draws the review backlog: overdue and due each month, by owner."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from wagtail.models import Page

from documents.models import DocumentStatus, ProtocolDocument
from pages.models import ContentPage
from reviews.models import ReviewStatus
from reviews.schedule import backlog_by_owner
from tests.editorial import REVIEWERS, logged_in, staff_member
from tests.factories import bulk_create_documents
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONTHS = [TODAY.replace(day=1) + relativedelta(months=n) for n in range(12)]


@pytest.fixture
def reviewer_client():
    return logged_in(staff_member("reviewer", REVIEWERS))


def expected_backlog():
    """Per owner: [overdue, due in each of the next twelve months], counted item by item."""
    items = [
        *ProtocolDocument.objects.all(),
        *(page for page in Page.objects.live().specific() if isinstance(page, ContentPage)),
    ]
    backlog = {}
    for item in items:
        if getattr(item, "status", None) in (DocumentStatus.WITHDRAWN, DocumentStatus.SUPERSEDED):
            continue
        if item.review_due is None or item.review_due >= MONTHS[-1] + relativedelta(months=1):
            continue
        owner = item.owner_name or item.owner_team or "No owner"
        counts = backlog.setdefault(owner, [0] * 13)
        if item.review_status_on(TODAY) == ReviewStatus.OVERDUE:
            counts[0] += 1
        else:
            counts[1 + MONTHS.index(item.review_due.replace(day=1))] += 1
    return backlog


def add_spread_of_documents(count):
    documents = bulk_create_documents(count)
    for number, document in enumerate(documents):
        document.review_due = TODAY + datetime.timedelta(days=number * 37 % 500 - 120)
        document.owner_name = f"Owner {number % 4}"
        document.status = DocumentStatus.WITHDRAWN if number % 9 == 0 else DocumentStatus.CURRENT
    ProtocolDocument.objects.bulk_update(documents, ["review_due", "owner_name", "status"])


def chart_table(html):
    table = BeautifulSoup(html, "html.parser").select_one("#review-dates-section details table")
    return {
        row.th.get_text(strip=True): [int(cell.get_text()) for cell in row.find_all("td")]
        for row in table.tbody.find_all("tr")
    }


def test_the_backlog_counts_what_is_overdue_and_due_each_month_by_owner():
    add_spread_of_documents(60)
    months, rows = backlog_by_owner(TODAY)
    assert months == MONTHS
    assert {row.owner: [row.overdue, *row.due_by_month] for row in rows} == expected_backlog()
    assert [row.overdue for row in rows] == sorted((row.overdue for row in rows), reverse=True)


def test_the_dashboard_draws_the_backlog_with_its_numbers_as_a_table(reviewer_client):
    add_spread_of_documents(60)
    html = reviewer_client.get("/admin/").content.decode()

    assert chart_table(html) == expected_backlog()
    soup = BeautifulSoup(html, "html.parser")
    svg = soup.select_one("#review-dates-section figure svg")
    caption = soup.select_one("#review-backlog-caption").get_text(" ", strip=True)
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "review-backlog-caption"
    overdue = sum(counts[0] for counts in expected_backlog().values())
    assert re.search(rf"\b{overdue} overdue\b", caption)
    # Every count is written in its cell, so the picture does not rely on colour.
    drawn = [int(text.get_text()) for text in svg.find_all("text") if text.get_text().isdigit()]
    assert sorted(drawn) == sorted(n for counts in expected_backlog().values() for n in counts)


def test_the_dashboard_costs_the_same_with_more_documents_and_owners(reviewer_client):
    add_spread_of_documents(10)
    with_10 = count_queries(reviewer_client, "/admin/")
    add_spread_of_documents(300)
    assert count_queries(reviewer_client, "/admin/") == with_10
