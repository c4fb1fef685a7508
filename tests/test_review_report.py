"""Reviewers' tools in the admin: the review dates report (pages and documents in one list),
its exports, the dashboard panel, and recording a review."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection, ModelLogEntry, Page

from documents.models import DocumentStatus, DocumentType, ProtocolDocument
from pages.models import ContentPage
from reviews.components import COUNTED_STATUSES
from reviews.models import DocumentReview, ReviewStatus
from reviews.schedule import combine, owning_teams, parts_built_for, schedule_parts
from tests.admin_reports import report_rows
from tests.editorial import sign_in
from tests.factories import create_guidance_page
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/review-dates/"
TEAM = "Review tools test team"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SOON = datetime.timedelta(days=settings.DOCUMENT_REVIEW_DUE_SOON_DAYS)


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(
        "reviewer", "reviewer@example.org", "pw", first_name="Rita", last_name="Reviewer"
    )
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    sign_in(client, reviewer)
    return client


def make_document(title, review_due=None, **fields):
    fields.setdefault("owner_team", TEAM)
    return ProtocolDocument.objects.create(
        title=title, file="documents/review-test.pdf", review_due_override=review_due, **fields
    )


@pytest.fixture
def edge_documents():
    """One document on each side of every boundary the report draws."""
    return {
        "Due yesterday": make_document(
            "Due yesterday",
            TODAY - DAY,
            document_type=DocumentType.PROTOCOL,
            owner_name="Olive Owner",
            owner_email="olive@example.org",
            last_reviewed_on=TODAY - 700 * DAY,
        ),
        "Due today": make_document("Due today", TODAY, document_type=DocumentType.TOOLKIT),
        "Due at the end of soon": make_document("Due at the end of soon", TODAY + SOON),
        "Due the day after soon": make_document("Due the day after soon", TODAY + SOON + DAY),
        "No review date": make_document("No review date"),
        "Withdrawn and overdue": make_document(
            "Withdrawn and overdue", TODAY - DAY, status=DocumentStatus.WITHDRAWN
        ),
    }


def titles(response):
    return [row[0] for row in report_rows(response)]


def shown(day):
    return f"{day.day} {day:%b %Y}" if day else ""


def test_report_shows_each_documents_review_facts(reviewer_client, edge_documents):
    rows = {row[0]: row for row in report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))}

    assert rows["Due yesterday"] == [
        "Due yesterday",
        "Overdue",
        "Protocol",
        f"{TEAM} Olive Owner olive@example.org",
        shown(TODAY - 700 * DAY),
        shown(TODAY - DAY),
        "0",
        "Mark as reviewed Due yesterday",
    ]
    assert rows["No review date"][3:] == [TEAM, "", "", "0", "Mark as reviewed No review date"]


def test_statuses_at_the_edges(reviewer_client, edge_documents):
    statuses = {
        row[0]: row[1] for row in report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))
    }
    assert statuses == {
        "Due yesterday": "Overdue",
        "Due today": "Due soon",
        "Due at the end of soon": "Due soon",
        "Due the day after soon": "Current",
        "No review date": "No review date",
        "Withdrawn and overdue": "Not reviewed: superseded or withdrawn",
    }


def test_retired_documents_are_listed_but_not_offered_for_review(reviewer_client, edge_documents):
    rows = {row[0]: row for row in report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))}
    assert rows["Withdrawn and overdue"][-1] == ""
    retired = edge_documents["Withdrawn and overdue"]
    url = reverse("review_dates:mark_document_reviewed", args=[retired.pk])
    assert reviewer_client.get(url).status_code == 404


def test_documents_without_an_owner_say_so(reviewer_client):
    make_document("Nobody's document", TODAY, owner_team="")
    response = reviewer_client.get(REPORT_URL, {"ordering": "title"})
    rows = {row[0]: row for row in report_rows(response)}
    assert rows["Nobody's document"][3] == "No owner"


def test_ordered_by_next_due_with_undated_documents_last(reviewer_client, edge_documents):
    by_due = [
        "Due yesterday",
        "Withdrawn and overdue",
        "Due today",
        "Due at the end of soon",
        "Due the day after soon",
        "No review date",
    ]
    assert titles(reviewer_client.get(REPORT_URL, {"owner": TEAM})) == by_due
    latest_first = titles(
        reviewer_client.get(REPORT_URL, {"owner": TEAM, "ordering": "-review_due"})
    )
    assert latest_first == [
        "Due the day after soon",
        "Due at the end of soon",
        "Due today",
        "Due yesterday",
        "Withdrawn and overdue",
        "No review date",
    ]
    by_title = titles(reviewer_client.get(REPORT_URL, {"owner": TEAM, "ordering": "title"}))
    assert by_title == sorted(by_due)


@pytest.mark.parametrize(
    ("review_status", "expected"),
    [
        (ReviewStatus.OVERDUE, ["Due yesterday"]),
        (ReviewStatus.DUE_SOON, ["Due today", "Due at the end of soon"]),
        (ReviewStatus.CURRENT, ["Due the day after soon"]),
        (ReviewStatus.NO_REVIEW_DATE, ["No review date"]),
        (ReviewStatus.RETIRED, ["Withdrawn and overdue"]),
    ],
)
def test_filter_by_review_status(reviewer_client, edge_documents, review_status, expected):
    response = reviewer_client.get(REPORT_URL, {"owner": TEAM, "review_status": review_status})
    assert titles(response) == expected


def every_item():
    """Every row of the review schedule, worked out without the report."""
    return list(combine(schedule_parts()))


def test_the_count_is_of_the_rows_listed(reviewer_client, edge_documents):
    # Counted by a query of its own (the rows' ids alone), filtered as the list is.
    items = every_item()
    for filters, expected in [
        ({}, items),
        ({"review_status": "overdue"}, [i for i in items if i["review_status"] == "overdue"]),
        ({"owner": TEAM}, [i for i in items if i["owner_team"] == TEAM]),
    ]:
        page = reviewer_client.get(REPORT_URL, filters).content.decode()
        assert f"{len(expected)} pages and documents" in page, filters


def test_the_schedule_is_built_once_a_day_and_each_caller_gets_a_copy(edge_documents):
    parts_built_for.cache_clear()
    documents = schedule_parts()[0]
    listed = [row["title"] for row in documents]
    make_document("Added after the schedule was read", TODAY + DAY)
    # A copy: what an earlier caller read is not what a later one is given.
    listed_again = [row["title"] for row in schedule_parts()[0]]
    assert listed_again == [*listed, "Added after the schedule was read"]
    assert parts_built_for.cache_info().misses == 1


def test_the_schedule_of_another_day_has_that_days_statuses(edge_documents):
    due_today = edge_documents["Due today"]

    def status_on(day):
        return schedule_parts(day)[0].get(item_id=due_today.pk)["review_status"]

    assert status_on(TODAY) == ReviewStatus.DUE_SOON
    assert status_on(TODAY + DAY) == ReviewStatus.OVERDUE
    assert status_on(TODAY) == ReviewStatus.DUE_SOON


def test_filter_by_review_status_alone_covers_every_team_and_kind(
    reviewer_client, edge_documents, guidance_page
):
    make_document("Another team's overdue document", TODAY - DAY, owner_team="Another team")
    guidance_page.review_due_override = TODAY - DAY
    guidance_page.save()
    listed = titles(reviewer_client.get(REPORT_URL, {"review_status": ReviewStatus.OVERDUE}))
    expected = [item["title"] for item in every_item() if item["review_status"] == "overdue"]
    assert sorted(listed) == sorted(expected)
    assert {"Due yesterday", "Another team's overdue document", guidance_page.title} <= set(listed)
    assert {item["kind"] for item in every_item() if item["review_status"] == "overdue"} == {
        "page",
        "document",
    }


def test_filter_by_document_type(reviewer_client, edge_documents):
    response = reviewer_client.get(REPORT_URL, {"owner": TEAM, "type": DocumentType.TOOLKIT})
    assert titles(response) == ["Due today"]


def test_filter_by_owning_team_from_a_list(reviewer_client, edge_documents):
    make_document("Another team's document", TODAY, owner_team="Another team")
    make_document("Olga's document", TODAY, owner_team="", owner_name="Olga Owner")
    page = reviewer_client.get(REPORT_URL).content.decode()
    select = page[page.index('name="owner"') :]
    select = select[: select.index("</select>")]
    teams = re.findall(r'<option value="([^"]*)"', select)
    assert teams[0] == ""
    assert {"Another team", TEAM} <= set(teams)
    assert teams[1:] == sorted(set(teams[1:]), key=str.casefold)
    assert titles(reviewer_client.get(REPORT_URL, {"owner": "Another team"})) == [
        "Another team's document"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"review_status": "nonsense"},
        {"type": "nonsense"},
        {"kind": "nonsense"},
        {"ordering": "nonsense"},
        {"ordering": "-owner_email"},
        {"p": "x"},
        {"p": "999"},
    ],
)
def test_invalid_filter_values_are_ignored(reviewer_client, edge_documents, params):
    response = reviewer_client.get(REPORT_URL, params)
    assert response.status_code == 200
    listed = titles(response)
    soonest = combine(schedule_parts()).order_by(F("review_due").asc(nulls_last=True), "title")
    assert listed[0] == soonest[0]["title"]
    assert "Due yesterday" in listed


def test_results_url_serves_the_filtered_table(reviewer_client, edge_documents):
    response = reviewer_client.get(
        reverse("review_dates:report_results"),
        {"owner": TEAM, "review_status": ReviewStatus.OVERDUE},
    )
    assert titles(response) == ["Due yesterday"]
    assert "<html" not in response.content.decode()


def test_titles_link_to_the_edit_page_only_for_people_who_can_edit(
    client, reviewer_client, admin_user, edge_documents
):
    edit_url = reverse("wagtaildocs:edit", args=[edge_documents["Due today"].pk])
    assert edit_url not in reviewer_client.get(REPORT_URL, {"owner": TEAM}).content.decode()

    sign_in(client, admin_user)
    assert f'href="{edit_url}"' in client.get(REPORT_URL, {"owner": TEAM}).content.decode()


def as_html_cells(title, status, document_type, team, name, email, last_reviewed, due, reports):
    owner = " ".join(part for part in (team, name, email) if part) or "No owner"
    return [title, status, document_type, owner, shown(last_reviewed), shown(due), str(reports)]


def csv_rows(response):
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return rows[0], [
        [
            *row[:6],
            *(datetime.date.fromisoformat(value) if value else None for value in row[6:8]),
            int(row[8]),
        ]
        for row in rows[1:]
    ]


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    return list(rows[0]), [[*(value or "" for value in row[:6]), *row[6:]] for row in rows[1:]]


HEADINGS = [
    "Title",
    "Review status",
    "Type",
    "Owning team",
    "Owner",
    "Owner's email",
    "Last reviewed",
    "Next review due",
    "Open reader reports",
]


@pytest.mark.parametrize(
    "params",
    [{"owner": TEAM}, {"owner": TEAM, "review_status": ReviewStatus.DUE_SOON}],
)
def test_exports_have_the_same_rows_as_the_page(reviewer_client, edge_documents, params):
    on_page = [row[:7] for row in report_rows(reviewer_client.get(REPORT_URL, params))]

    headings, rows = csv_rows(reviewer_client.get(REPORT_URL, {**params, "export": "csv"}))
    assert headings == HEADINGS
    assert [as_html_cells(*row) for row in rows] == on_page

    headings, rows = xlsx_rows(reviewer_client.get(REPORT_URL, {**params, "export": "xlsx"}))
    assert headings == HEADINGS
    assert [as_html_cells(*row) for row in rows] == on_page


def test_exports_keep_dates_as_dates(reviewer_client, edge_documents):
    _, rows = xlsx_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM, "export": "xlsx"}))
    assert rows[0] == [
        "Due yesterday",
        "Overdue",
        "Protocol",
        TEAM,
        "Olive Owner",
        "olive@example.org",
        TODAY - 700 * DAY,
        TODAY - DAY,
        0,
    ]
    _, rows = csv_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM, "export": "csv"}))
    assert rows[0][6:] == [TODAY - 700 * DAY, TODAY - DAY, 0]


def test_exports_include_every_document_not_just_the_first_page(reviewer_client, guidance_page):
    add_documents(60)
    _, rows = csv_rows(reviewer_client.get(REPORT_URL, {"export": "csv"}))
    live_content_pages = sum(
        isinstance(page, ContentPage) for page in Page.objects.live().specific()
    )
    assert live_content_pages
    assert len(rows) == ProtocolDocument.objects.count() + live_content_pages
    assert len(report_rows(reviewer_client.get(REPORT_URL))) == 50


def add_documents(count):
    """Many documents at once, with a spread of review dates, owners and statuses."""
    root = Collection.get_first_root_node()
    start = ProtocolDocument.objects.count()
    ProtocolDocument.objects.bulk_create(
        ProtocolDocument(
            title=f"Bulk document {number}",
            file=f"documents/bulk-{number}.pdf",
            collection=root,
            review_due=None if number % 10 == 0 else TODAY + (number % 400 - 100) * DAY,
            last_reviewed_on=TODAY - (number % 700) * DAY,
            owner_team=f"Team {number % 12}",
            owner_name=f"Owner {number % 30}",
            owner_email=f"owner{number % 30}@example.org",
            status=DocumentStatus.WITHDRAWN if number % 17 == 0 else DocumentStatus.CURRENT,
        )
        for number in range(start, start + count)
    )


@pytest.mark.parametrize(
    "url",
    [
        REPORT_URL,
        f"{REPORT_URL}?review_status=overdue&ordering=-last_reviewed_on",
        f"{REPORT_URL}?review_status=overdue&owner=team",
        f"{REPORT_URL}?export=csv",
        f"{REPORT_URL}?export=xlsx",
        "/admin/",
    ],
)
def test_same_number_of_queries_with_10_or_500_documents(reviewer_client, url):
    add_documents(10)
    with_10 = count_queries(reviewer_client, url)
    add_documents(490)
    with_500 = count_queries(reviewer_client, url)
    assert with_500 == with_10


def panel_counts(response):
    page = response.content.decode()
    assert 'id="review-dates-section"' in page
    return {
        label: int(count)
        for count, label in re.findall(r"<strong>(\d+)</strong> ([a-z ]+)</a>", page)
    }


def test_dashboard_panel_counts_pages_and_documents_by_review_status(
    reviewer_client, edge_documents
):
    add_documents(40)
    items = [
        *ProtocolDocument.objects.all(),
        *(page for page in Page.objects.live().specific() if isinstance(page, ContentPage)),
    ]
    expected = {
        status.label.lower(): sum(item.review_status_on() == status for item in items)
        for status in COUNTED_STATUSES
    }
    assert panel_counts(reviewer_client.get("/admin/")) == expected
    in_use = [
        ReviewStatus.OVERDUE,
        ReviewStatus.DUE_SOON,
        ReviewStatus.CURRENT,
        ReviewStatus.NO_REVIEW_DATE,
    ]
    assert all(expected[status.label.lower()] for status in in_use)


def test_dashboard_panel_lists_the_next_five_due(reviewer_client, edge_documents, guidance_page):
    # Due before anything else on the site: the panel's first two, a page and a document.
    guidance_page.review_due_override = TODAY - 3650 * DAY
    guidance_page.save()
    make_document("Due ten years ago", TODAY - 3650 * DAY)
    page = reviewer_client.get("/admin/").content.decode()
    panel = page[page.index('id="review-dates-section"') :]
    panel = panel[: panel.index("</section>")]
    in_use = [
        item
        for item in every_item()
        if item["review_due"] and item["review_status"] != ReviewStatus.RETIRED
    ]
    expected = sorted(in_use, key=lambda item: (item["review_due"], item["title"]))[:5]
    listed = re.findall(r'href="/admin/reports/review-dates/(\w+)s/(\d+)/mark-reviewed/"', panel)
    assert listed == [(item["kind"], str(item["item_id"])) for item in expected]
    assert {kind for kind, _ in listed} == {"page", "document"}
    assert "Withdrawn and overdue" not in panel
    assert shown(expected[0]["review_due"]) in panel


def mark_reviewed_url(document):
    return reverse("review_dates:mark_document_reviewed", args=[document.pk])


def test_mark_as_reviewed_form_defaults_to_today(reviewer_client, edge_documents):
    response = reviewer_client.get(mark_reviewed_url(edge_documents["Due yesterday"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="reviewed_on" value="{TODAY:%d %B %Y}"' in page
    assert "Still current: no changes needed" in page
    assert "No reviews recorded yet." in page


def test_marking_as_reviewed_records_it_and_moves_the_due_date(
    reviewer_client, reviewer, edge_documents
):
    document = edge_documents["Due yesterday"]
    reviewed_on = TODAY - 3 * DAY
    response = reviewer_client.post(
        mark_reviewed_url(document),
        {"reviewed_on": reviewed_on.isoformat(), "outcome": "no_changes", "note": "Checked."},
    )
    assert response.status_code == 302
    assert response["Location"] == REPORT_URL

    document.refresh_from_db()
    next_due = reviewed_on + relativedelta(months=document.review_interval_months)
    assert document.last_reviewed_on == reviewed_on
    assert document.review_due == next_due
    review = document.reviews.get()
    assert (review.reviewer, review.reviewed_on, review.outcome, review.note) == (
        reviewer,
        reviewed_on,
        "no_changes",
        "Checked.",
    )

    entry = ModelLogEntry.objects.get(action="documents.review_recorded")
    assert entry.object_id == str(document.pk)
    assert entry.user == reviewer
    assert entry.data == {
        "reviewed_on": reviewed_on.isoformat(),
        "outcome": "no_changes",
        "note": "Checked.",
        "next_review_due": next_due.isoformat(),
    }

    report = reviewer_client.get(REPORT_URL, {"owner": TEAM}).content.decode()
    assert "Review of “Due yesterday” recorded." in report
    rows = report_rows(reviewer_client.get(REPORT_URL, {"owner": TEAM}))
    assert {row[0]: row[1] for row in rows}["Due yesterday"] == "Current"

    history = reviewer_client.get(mark_reviewed_url(document)).content.decode()
    assert "Still current: no changes needed" in history
    assert "Rita Reviewer" in history
    assert "Checked." in history


def test_recorded_reviews_appear_in_the_site_history(client, admin_user, edge_documents):
    sign_in(client, admin_user)
    document = edge_documents["Due today"]
    client.post(
        mark_reviewed_url(document), {"reviewed_on": TODAY.isoformat(), "outcome": "updated"}
    )
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert f"Reviewed on {TODAY.day} {TODAY:%B %Y}: Updated" in history


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"reviewed_on": (TODAY + DAY).isoformat(), "outcome": "no_changes"},
            "A review cannot be dated in the future.",
        ),
        ({"reviewed_on": TODAY.isoformat()}, "This field is required."),
        ({"reviewed_on": "last Tuesday", "outcome": "no_changes"}, "Enter a valid date."),
        ({"reviewed_on": TODAY.isoformat(), "outcome": "shredded"}, "Select a valid choice."),
    ],
)
def test_bad_review_input_shows_errors_and_changes_nothing(
    reviewer_client, edge_documents, data, error
):
    document = edge_documents["Due yesterday"]
    response = reviewer_client.post(mark_reviewed_url(document), {"note": "Kept", **data})

    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "Kept</textarea>" in page
    document.refresh_from_db()
    assert document.review_due == TODAY - DAY
    assert document.last_reviewed_on == TODAY - 700 * DAY
    assert not DocumentReview.objects.filter(document=document).exists()
    assert not ModelLogEntry.objects.filter(action="documents.review_recorded").exists()


def test_the_owner_filter_offers_each_team_owning_something_on_the_schedule_once(section):
    make_document("Walrus rota", owner_team="walrus keepers")
    make_document("Tusk duty list", owner_team="walrus keepers")
    make_document("Nobody's document", owner_team="")
    create_guidance_page("Aardvark feeding", parent=section, owner_team="Aardvark team")
    unpublished = create_guidance_page("Zebra crossings", parent=section, owner_team="Zebra team")
    unpublished.unpublish()

    teams = owning_teams()
    assert teams.index("Aardvark team") < teams.index("walrus keepers")
    assert teams.count("walrus keepers") == 1
    assert "" not in teams
    assert "Zebra team" not in teams  # a page nobody reads is not on the schedule
